using System.Diagnostics;

namespace LicensePortal.Tests.Infrastructure;

/// <summary>
/// qpdf's structural check of a PDF (Debian's qpdf). As with Chromium for the browser tests (BrowserPortal), the
/// tests that need it skip on a developer's machine without it and fail with CI=true, so CI never skips them.
/// </summary>
public static class Qpdf
{
    public static string? Path =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(System.IO.Path.PathSeparator)
            .Where(d => d.Length > 0)
            .Select(d => System.IO.Path.Combine(d, "qpdf"))
            .FirstOrDefault(File.Exists);

    public static void RequireQpdf()
    {
        if (Path is not null)
            return;
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException("CI=true but qpdf is not on PATH: run 'apt-get install -y qpdf'.");
        Assert.Skip("PDF validity tests need qpdf on PATH (apt-get install -y qpdf).");
    }

    /// <summary>qpdf --check on the document: its exit code and everything it printed.</summary>
    public static (int ExitCode, string Output) Check(byte[] pdf, string name)
    {
        RequireQpdf();
        var directory = System.IO.Path.Combine(AppContext.BaseDirectory, "documents");
        Directory.CreateDirectory(directory);
        // Kept after the test, so a failure's document can be opened and checked again by hand.
        var file = System.IO.Path.Combine(directory, name);
        File.WriteAllBytes(file, pdf);
        using var process = Process.Start(
            new ProcessStartInfo(Path!, ["--check", file])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            }
        )!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }
}
