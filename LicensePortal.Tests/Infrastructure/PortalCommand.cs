using System.Diagnostics;

namespace LicensePortal.Tests.Infrastructure;

/// <summary>Runs the built portal as an operator would, <c>dotnet LicensePortal.dll &lt;command&gt;</c>, in its own process.</summary>
public static class PortalCommand
{
    public sealed record Result(int ExitCode, string Output);

    public static Task<Result> RunAsync(string databasePath, string backupFolder, params string[] command) =>
        RunAsync(databasePath, backupFolder, input: null, environment: [], command);

    /// <summary>On a test portal's database, whichever engine it runs on.</summary>
    public static Task<Result> RunAsync(PortalFactory portal, params string[] command) =>
        portal.PostgresConnection is { } postgres
            ? RunAsync(
                [
                    "--Database:Provider=Postgres",
                    $"--ConnectionStrings:DefaultConnection={postgres}",
                    $"--Activation:SigningKeyFolder={portal.SigningKeyFolder}",
                ],
                portal.BackupFolder,
                input: null,
                environment: [],
                command
            )
            : RunAsync(
                [
                    $"--ConnectionStrings:DefaultConnection=Data Source={portal.DatabasePath}",
                    $"--Activation:SigningKeyFolder={portal.SigningKeyFolder}",
                ],
                portal.BackupFolder,
                input: null,
                environment: [],
                command
            );

    /// <summary>With what the operator pipes into it and variables set in its environment.</summary>
    public static Task<Result> RunAsync(
        string databasePath,
        string backupFolder,
        string? input,
        Dictionary<string, string> environment,
        params string[] command
    ) => RunAsync([$"--ConnectionStrings:DefaultConnection=Data Source={databasePath}"], backupFolder, input, environment, command);

    private static async Task<Result> RunAsync(
        string[] database,
        string backupFolder,
        string? input,
        Dictionary<string, string> environment,
        string[] command
    )
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "LicensePortal.dll"));
        foreach (var arg in command)
            start.ArgumentList.Add(arg);
        foreach (var arg in database)
            start.ArgumentList.Add(arg);
        start.ArgumentList.Add($"--Backup:Folder={backupFolder}");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        using var process = Process.Start(start)!;
        if (input is not null)
            await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new Result(process.ExitCode, await output + await error);
    }
}
