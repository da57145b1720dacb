using System.Net;
using System.Text.Json;
using LicensePortal.Data.Backups;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Tests.Infrastructure;

public class HealthCheckTests
{
    /// <summary>As an admin, who sees what lies behind each status; <paramref name="anonymous"/> as a load balancer.</summary>
    private static async Task<(HttpStatusCode status, JsonElement body)> GetAsync(PortalFactory portal, string path, bool anonymous = false)
    {
        var client = anonymous
            ? portal.CreateClient()
            : await portal.SignedInAsync(BrowserPortal.Email(LicensePortal.Infrastructure.Roles.Admin));
        var response = await client.GetAsync(path);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement);
    }

    private static string Status(JsonElement body, string? check = null) =>
        (check is null ? body : body.GetProperty("checks").GetProperty(check)).GetProperty("status").GetString()!;

    private static PortalFactory WithDailyBackups() =>
        new() { Licenses = 10, Settings = { ["Backup:IntervalHours"] = "24", ["Backup:MaxAgeHours"] = "30" } };

    [Fact]
    public async Task Anyone_learns_each_status_but_only_an_admin_what_lies_behind_it()
    {
        await using var portal = WithDailyBackups();

        var (status, body) = await GetAsync(portal, "/health", anonymous: true);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["backup", "database", "migrations"], body.GetProperty("checks").EnumerateObject().Select(c => c.Name).Order());
        Assert.All(
            body.GetProperty("checks").EnumerateObject(),
            c => Assert.Equal(["status"], c.Value.EnumerateObject().Select(p => p.Name))
        );
    }

    [Fact]
    public async Task Live_answers_without_checking_anything()
    {
        await using var portal = new PortalFactory { Licenses = 10 };

        var (status, body) = await GetAsync(portal, "/health/live");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", Status(body));
        Assert.Empty(body.GetProperty("checks").EnumerateObject());
    }

    [Fact]
    [Trait("Provider", "Sqlite")] // The portal's own backups are SQLite's; on PostgreSQL they are the operator's (PostgresTests).
    public async Task Ready_checks_the_database_the_migrations_and_the_backup_age()
    {
        await using var portal = WithDailyBackups();

        var (status, body) = await GetAsync(portal, "/health/ready");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Degraded", Status(body));
        Assert.Equal("Healthy", Status(body, "database"));
        Assert.Equal("Healthy", Status(body, "migrations"));
        Assert.Equal("Degraded", Status(body, "backup"));
        Assert.Contains("No backup yet", body.GetProperty("checks").GetProperty("backup").GetProperty("Description").GetString());

        await portal.Service<DatabaseBackups>().BackupAsync();
        portal.Clock.Advance(TimeSpan.FromHours(6));
        (status, body) = await GetAsync(portal, "/health/ready");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", Status(body));
        var backup = body.GetProperty("checks").GetProperty("backup");
        Assert.Equal(6, backup.GetProperty("data").GetProperty("ageHours").GetDouble());
        Assert.Equal(30, backup.GetProperty("data").GetProperty("maxAgeHours").GetDouble());
        Assert.Equal(PortalFactory.Now.UtcDateTime, backup.GetProperty("data").GetProperty("lastBackupAt").GetDateTime().ToUniversalTime());

        portal.Clock.Advance(TimeSpan.FromHours(25));
        (status, body) = await GetAsync(portal, "/health/ready");
        Assert.Equal("Degraded", Status(body, "backup"));
        Assert.Equal(31, body.GetProperty("checks").GetProperty("backup").GetProperty("data").GetProperty("ageHours").GetDouble());
    }

    [Fact]
    [Trait("Provider", "Sqlite")] // As above.
    public async Task Without_scheduled_backups_the_age_is_shown_but_does_not_degrade_readiness()
    {
        await using var portal = new PortalFactory { Licenses = 10 };

        var (status, body) = await GetAsync(portal, "/health/ready");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", Status(body));
        Assert.Contains(
            "scheduled backups are off",
            body.GetProperty("checks").GetProperty("backup").GetProperty("Description").GetString()
        );
    }

    [Fact]
    public async Task Ready_fails_while_a_migration_is_pending_and_live_still_answers()
    {
        await using var portal = new PortalFactory { Licenses = 10 };
        string forgotten;
        await using (var db = await portal.DbAsync())
        {
            // Each engine has its own migrations: forget the newest one this database applied.
            forgotten = (await db.Database.GetAppliedMigrationsAsync()).Last();
            await db.Database.ExecuteSqlRawAsync("""DELETE FROM "__EFMigrationsHistory" WHERE "MigrationId" = {0};""", forgotten);
        }

        var (status, body) = await GetAsync(portal, "/health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("Unhealthy", Status(body, "migrations"));
        Assert.Contains(forgotten, body.GetProperty("checks").GetProperty("migrations").GetProperty("Description").GetString());
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(portal, "/health/live")).status);
    }

    [Fact]
    [Trait("Provider", "Sqlite")] // Takes the SQLite file away.
    public async Task Ready_and_the_full_report_fail_when_the_database_cannot_be_opened()
    {
        await using var portal = new PortalFactory { Licenses = 10 };
        _ = portal.Server;
        SqliteConnection.ClearAllPools();
        File.Move(portal.DatabasePath, portal.DatabasePath + ".gone");
        Directory.CreateDirectory(portal.DatabasePath);

        // Nobody can sign in without a database: this is what the load balancer sees.
        var (status, body) = await GetAsync(portal, "/health/ready", anonymous: true);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("Unhealthy", Status(body, "database"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await GetAsync(portal, "/health", anonymous: true)).status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(portal, "/health/live", anonymous: true)).status);
    }
}
