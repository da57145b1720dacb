using LicensePortal.Data;
using LicensePortal.Data.Backups;
using LicensePortal.Features.Activation;
using LicensePortal.Features.Audit;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LicensePortal.Infrastructure;

/// <summary>
/// The portal's command-line switches: <c>--seed-demo</c>, <c>--licenses N</c>; the
/// <c>create-admin</c> command that makes the first admin on a production database; and
/// <c>backup</c> and <c>restore &lt;file&gt;</c>; <c>verify-audit</c>, which checks the audit chain; <c>rotate-signing-key</c>
/// and <c>revoke-signing-key &lt;id&gt;</c> (docs/OPERATIONS.md).
/// </summary>
public static class CommandLine
{
    public const string CreateAdmin = "create-admin",
        Backup = "backup",
        Restore = "restore",
        VerifyAudit = "verify-audit",
        RotateSigningKey = "rotate-signing-key",
        RevokeSigningKey = "revoke-signing-key";

    /// <summary>Turns the short switches into configuration keys the rest of the app reads.</summary>
    public static string[] Normalize(string[] args)
    {
        var result = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--seed-demo":
                    result.Add("--Demo:Seed=true");
                    break;
                // The backup file is for the command; configuration would read "/path/file" as a switch.
                case var _ when i == 1 && args[0] is Restore or RevokeSigningKey:
                    break;
                case "--licenses" when i + 1 < args.Length:
                    result.Add($"--Demo:Licenses={args[++i]}");
                    break;
                default:
                    result.Add(args[i]);
                    break;
            }
        }
        return [.. result];
    }

    /// <summary>Runs a command given on the command line; true when one ran and the app should exit.</summary>
    public static async Task<bool> RunCommandAsync(this WebApplication app, string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case CreateAdmin:
                await app.Services.MigrateDatabaseAsync();
                await CreateAdminAsync(app, args);
                return true;
            case Backup:
                await BackupAsync(app);
                return true;
            case Restore:
                await RestoreAsync(app, args);
                return true;
            case VerifyAudit:
                // Reads only: it neither migrates nor seals, so what it reports is what the database holds.
                await VerifyAuditAsync(app);
                return true;
            case RotateSigningKey:
            case RevokeSigningKey:
                SigningKeyCommand(app, args);
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// Rotates or revokes an answer-signing key in the manifest; it takes effect at the next start of each instance
    /// (docs/OPERATIONS.md). Not through the SigningKeys service: on an empty folder it would make a key of its own first.
    /// </summary>
    private static void SigningKeyCommand(WebApplication app, string[] args)
    {
        var folder = SigningKeys.FolderFor(app.Services.GetRequiredService<IOptions<ActivationOptions>>().Value, app.Environment);
        var clock = app.Services.GetRequiredService<TimeProvider>();
        if (args[0] == RotateSigningKey)
        {
            var id = SigningKeys.Create(folder, clock);
            Console.WriteLine(
                $"Made signing key {id} in {folder}. Restart every portal instance to sign with it; keep the old key files until "
                    + $"the answers they signed have expired."
            );
            return;
        }
        if (args.Length < 2 || args[1].StartsWith('-'))
        {
            Console.Error.WriteLine("Usage: LicensePortal revoke-signing-key <key id>   (the ids are the file names in the key folder)");
            Environment.ExitCode = 2;
            return;
        }
        try
        {
            SigningKeys.Revoke(folder, args[1], clock);
            Console.WriteLine(
                $"Revoked signing key {args[1]}. Restart every portal instance: from then on it neither signs nor is published."
            );
        }
        catch (InvalidOperationException ex)
        {
            Console.Error.WriteLine($"Nothing was revoked: {ex.Message}");
            Environment.ExitCode = 1;
        }
    }

    /// <summary>Checks the audit chain; exit code 1 and the first broken row when it was tampered with.</summary>
    private static async Task VerifyAuditAsync(WebApplication app)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        if ((await db.Database.GetPendingMigrationsAsync()).Any())
        {
            Console.Error.WriteLine("The database has migrations to apply: start the portal once (it migrates), then run verify-audit.");
            Environment.ExitCode = 1;
            return;
        }
        var result = await db.VerifyAuditLogAsync();
        if (result.Intact)
        {
            Console.WriteLine(result.Message);
            if (result.HeadHash is not null)
                Console.WriteLine($"Head hash: {result.HeadHash} (keep it elsewhere: a later check must still reach it)");
            return;
        }
        Console.Error.WriteLine($"The audit log was tampered with: {result.Message} {result.RowsVerified:N0} rows before it verified.");
        Environment.ExitCode = 1;
    }

    private static async Task BackupAsync(WebApplication app)
    {
        try
        {
            var backup = await app.Services.GetRequiredService<DatabaseBackups>().BackupAsync();
            Console.WriteLine($"Backed up the database to {backup.Path}.");
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"The backup failed: {ex.Message}");
            Environment.ExitCode = 1;
        }
    }

    private static async Task RestoreAsync(WebApplication app, string[] args)
    {
        var backups = app.Services.GetRequiredService<DatabaseBackups>();
        if (!backups.Supported)
        {
            Console.Error.WriteLine(DatabaseBackups.NotOnPostgres);
            Environment.ExitCode = 1;
            return;
        }
        if (args.Length < 2 || args[1].StartsWith('-'))
        {
            Console.Error.WriteLine("Usage: LicensePortal restore <backup file>   (stop the portal first)");
            Console.Error.WriteLine($"Backups in {backups.Folder}:");
            foreach (var backup in backups.List().Reverse())
                Console.Error.WriteLine($"  {Path.GetFileName(backup.Path)}");
            Environment.ExitCode = 2;
            return;
        }
        try
        {
            var replaced = await backups.RestoreAsync(args[1]);
            Console.WriteLine($"Restored {args[1]} to {backups.DatabasePath}.");
            if (replaced is not null)
                Console.WriteLine($"The replaced database was kept as {replaced}.");
        }
        catch (Exception ex) when (ex is BackupException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"Nothing was restored: {ex.Message}");
            Environment.ExitCode = 1;
        }
    }

    private static async Task CreateAdminAsync(WebApplication app, string[] args)
    {
        string? Option(string name)
        {
            var at = Array.IndexOf(args, name);
            return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
        }

        var email = Option("--email");
        if (args.Any(a => a.StartsWith("--password", StringComparison.OrdinalIgnoreCase)))
        {
            // A password on the command line stays in the shell history and shows in every process list.
            Console.Error.WriteLine(
                "create-admin does not take --password: set LICENSEPORTAL_ADMIN_PASSWORD, pipe the password in, or type it when asked."
            );
            Environment.ExitCode = 2;
            return;
        }
        if (string.IsNullOrWhiteSpace(email))
        {
            Console.Error.WriteLine("Usage: LicensePortal create-admin --email <email> [--name \"Full Name\"]");
            Console.Error.WriteLine(
                "       The password comes from LICENSEPORTAL_ADMIN_PASSWORD, else from standard input (asked for, unechoed, at a "
                    + "terminal)."
            );
            Environment.ExitCode = 2;
            return;
        }
        var password = Environment.GetEnvironmentVariable("LICENSEPORTAL_ADMIN_PASSWORD") is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : ReadPassword(email);
        if (string.IsNullOrEmpty(password))
        {
            Console.Error.WriteLine("No password given: the admin was not created.");
            Environment.ExitCode = 2;
            return;
        }

        var limits = new LicensePortal.Features.Users.NewUserForm { Email = email, DisplayName = Option("--name") ?? email }.TooLong();
        if (limits.Count > 0)
        {
            Console.Error.WriteLine($"The admin was not created: {string.Join(" ", limits.Values)}");
            Environment.ExitCode = 2;
            return;
        }

        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        // The UserManager saves through this scope's context: the audit row commits with the new admin, or neither does.
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await using var tx = await db.Database.BeginTransactionAsync();
        var user = new ApplicationUser
        {
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            DisplayName = Option("--name") ?? email,
        };
        var result = await users.CreateAsync(user, password);
        if (result.Succeeded)
            result = await users.AddToRoleAsync(user, Roles.Admin);
        if (result.Succeeded)
        {
            var commandLine = new System.Security.Claims.ClaimsPrincipal(
                new System.Security.Claims.ClaimsIdentity(
                    [new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.Name, $"create-admin ({Environment.UserName})")],
                    "system"
                )
            );
            LicensePortal.Data.AuditWrites.Audit(
                db,
                commandLine,
                app.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime,
                "User created",
                "User",
                email,
                null,
                new
                {
                    Email = email,
                    user.DisplayName,
                    Roles = Roles.Admin,
                }
            );
            await db.SaveChangesAsync();
            await tx.CommitAsync();
        }
        if (!result.Succeeded)
        {
            Console.Error.WriteLine($"The admin was not created: {string.Join(" ", result.Errors.Select(e => e.Description))}");
            Environment.ExitCode = 1;
            return;
        }
        Console.WriteLine($"Created admin {email}.");
    }

    /// <summary>The password from standard input: one line when piped, else typed twice without echo.</summary>
    private static string? ReadPassword(string email)
    {
        if (Console.IsInputRedirected)
            return Console.In.ReadLine()?.TrimEnd('\r');
        var first = ReadHidden($"Password for {email}: ");
        var second = ReadHidden("The same password again: ");
        if (first == second)
            return first;
        Console.Error.WriteLine("The two passwords differ.");
        return null;
    }

    private static string ReadHidden(string prompt)
    {
        Console.Error.Write(prompt);
        var typed = new System.Text.StringBuilder();
        for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
        {
            if (key.Key == ConsoleKey.Backspace)
            {
                if (typed.Length > 0)
                    typed.Length--;
            }
            else if (!char.IsControl(key.KeyChar))
                typed.Append(key.KeyChar);
        }
        Console.Error.WriteLine();
        return typed.ToString();
    }
}
