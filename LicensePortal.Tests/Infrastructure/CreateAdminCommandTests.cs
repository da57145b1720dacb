using LicensePortal.Infrastructure;
using Microsoft.Data.Sqlite;

namespace LicensePortal.Tests.Infrastructure;

/// <summary>The first admin of a production database, made from the command line without the password ever on it.</summary>
// The command runs on a SQLite file of the test's own, without a portal factory.
[Trait("Provider", "Sqlite")]
public class CreateAdminCommandTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "licenseportal-tests", $"create-admin-{Guid.NewGuid():N}");
    private string DatabasePath => Path.Combine(folder, "portal.db");

    public CreateAdminCommandTests() => Directory.CreateDirectory(folder);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException) { }
    }

    private Task<PortalCommand.Result> CreateAdminAsync(string? input, Dictionary<string, string> environment, params string[] options) =>
        PortalCommand.RunAsync(DatabasePath, Path.Combine(folder, "backups"), input, environment, ["create-admin", .. options]);

    private async Task<List<(string Email, string Roles)>> AdminsAsync()
    {
        await using var db = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await db.OpenAsync();
        await using var query = db.CreateCommand();
        query.CommandText = """
            SELECT u."Email", group_concat(r."Name") FROM "AspNetUsers" u
            JOIN "AspNetUserRoles" ur ON ur."UserId" = u."Id" JOIN "AspNetRoles" r ON r."Id" = ur."RoleId" GROUP BY u."Email" ORDER BY u."Email"
            """;
        var admins = new List<(string, string)>();
        await using var reader = await query.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            admins.Add((reader.GetString(0), reader.GetString(1)));
        return admins;
    }

    [Fact]
    public async Task A_password_on_the_command_line_is_refused_and_nothing_is_created()
    {
        var result = await CreateAdminAsync(input: null, [], "--email", "root@example.com", "--password", "Strong-Password-1");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("does not take --password", result.Output);
        // The command may have created the database before reading its options, but it holds no user.
        Assert.Empty(File.Exists(DatabasePath) ? await AdminsAsync() : []);
    }

    [Fact]
    public async Task The_password_comes_from_standard_input_or_from_the_environment()
    {
        var piped = await CreateAdminAsync("Strong-Password-1\n", [], "--email", "root@example.com", "--name", "Root Admin");
        var fromEnvironment = await CreateAdminAsync(
            input: null,
            new() { ["LICENSEPORTAL_ADMIN_PASSWORD"] = "Other-Strong-Pass-2" },
            "--email",
            "second@example.com"
        );
        var weak = await CreateAdminAsync("short\n", [], "--email", "weak@example.com");
        var none = await CreateAdminAsync("", [], "--email", "none@example.com");

        Assert.Equal((0, 0), (piped.ExitCode, fromEnvironment.ExitCode));
        Assert.Contains("Created admin root@example.com.", piped.Output);
        Assert.Equal(1, weak.ExitCode);
        Assert.Contains("at least 10 characters", weak.Output);
        Assert.Equal(2, none.ExitCode);
        Assert.Equal([("root@example.com", Roles.Admin), ("second@example.com", Roles.Admin)], await AdminsAsync());
    }
}
