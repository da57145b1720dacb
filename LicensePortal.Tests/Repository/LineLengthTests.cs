namespace LicensePortal.Tests.Repository;

/// <summary>
/// Code lines are at most 140 characters (.editorconfig's max_line_length, which CSharpier formats to). The text inside
/// a multi-line raw string literal (an email as it is sent, a SQL statement, a JSON sample) is exempt: CSharpier does
/// not wrap text, and wrapping an email would change what the customer reads. Generated migrations are exempt too.
/// </summary>
public class LineLengthTests
{
    private const int Limit = 140;

    [Fact]
    public void Every_code_line_fits_in_140_characters()
    {
        var root = RepositoryRoot();
        var tooLong = new List<string>();
        foreach (var project in new[] { "LicensePortal", "LicensePortal.Tests", "LicensePortal.Benchmarks", "LicensePortal.Verifier" })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(root, project), "*.cs", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(root, file);
                if (IsBuildOutputOrMigration(relative))
                    continue;
                var inRawText = false;
                var number = 0;
                foreach (var line in File.ReadLines(file))
                {
                    number++;
                    if (!inRawText && line.Length > Limit)
                        tooLong.Add($"{relative}:{number} ({line.Length} characters)");
                    // A line holding one """ opens or closes a multi-line raw string literal; one holding two is a literal of its own.
                    if (CountRawQuotes(line) % 2 == 1)
                        inRawText = !inRawText;
                }
            }
        }

        Assert.True(tooLong.Count == 0, $"Lines over {Limit} characters:\n{string.Join("\n", tooLong)}");
    }

    private static bool IsBuildOutputOrMigration(string relative)
    {
        var parts = relative.Split(Path.DirectorySeparatorChar);
        return parts.Contains("bin") || parts.Contains("obj") || parts.Contains("Migrations");
    }

    private static int CountRawQuotes(string line)
    {
        var count = 0;
        for (
            var at = line.IndexOf("\"\"\"", StringComparison.Ordinal);
            at >= 0;
            at = line.IndexOf("\"\"\"", at + 3, StringComparison.Ordinal)
        )
            count++;
        return count;
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "LicensePortal.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("LicensePortal.sln not found above the test's folder.");
    }
}
