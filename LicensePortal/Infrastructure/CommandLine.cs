using LicensePortal.Data;
using Microsoft.AspNetCore.Identity;

namespace LicensePortal.Infrastructure;

/// <summary>
/// The portal's command-line switches: <c>--seed-demo</c>, <c>--licenses N</c> and the
/// <c>create-admin</c> command that makes the first admin on a production database.
/// </summary>
public static class CommandLine
{
    public const string CreateAdmin = "create-admin";

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
        if (args.Length == 0 || args[0] != CreateAdmin) return false;

        string? Option(string name)
        {
            var at = Array.IndexOf(args, name);
            return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
        }

        var email = Option("--email");
        var password = Option("--password") ?? Environment.GetEnvironmentVariable("LICENSEPORTAL_ADMIN_PASSWORD");
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrWhiteSpace(password))
        {
            Console.Error.WriteLine("Usage: LicensePortal create-admin --email <email> --password <password> [--name \"Full Name\"]");
            Console.Error.WriteLine("       (or set LICENSEPORTAL_ADMIN_PASSWORD instead of --password)");
            Environment.ExitCode = 2;
            return true;
        }

        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = Option("--name") ?? email };
        var result = await users.CreateAsync(user, password);
        if (result.Succeeded) result = await users.AddToRoleAsync(user, Roles.Admin);
        if (!result.Succeeded)
        {
            Console.Error.WriteLine($"The admin was not created: {string.Join(" ", result.Errors.Select(e => e.Description))}");
            Environment.ExitCode = 1;
            return true;
        }
        Console.WriteLine($"Created admin {email}.");
        return true;
    }
}
