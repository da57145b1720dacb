using LicensePortal.Data;
using LicensePortal.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace LicensePortal.Tests.Data;

/// <summary>A database made by the previous version upgrades at start-up and keeps its rows.</summary>
public class UpgradeTests
{
    private sealed class PortalOn(string path) : PortalFactory
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("ConnectionStrings:DefaultConnection", $"Data Source={path}");
            builder.UseSetting("Demo:Seed", "false");
        }
    }

    [Fact]
    public async Task Installations_of_the_previous_version_carry_over_as_one_stint_from_their_first_check_in()
    {
        var path = Path.Combine(Path.GetTempPath(), "licenseportal-tests", $"upgrade-{Guid.NewGuid():N}.db");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using (var scratch = new PortalFactory { Licenses = 10 })
        {
            await using var db = await scratch.DbAsync();
            db.Database.SetConnectionString($"Data Source={path};Pooling=False");
            await db.GetService<IMigrator>().MigrateAsync("20261126065424_OneOpenPeriodPerLicense");
        }
        await using (var old = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await old.OpenAsync();
            await using var insert = old.CreateCommand();
            insert.CommandText = """
                PRAGMA foreign_keys = OFF;
                INSERT INTO "Installations" ("LicenseId", "MachineId", "Hostname", "ProductVersion", "FirstSeenAt", "LastSeenAt", "ReleasedAt", "DecommissionedAt")
                VALUES (7, 'm-1', 'mail1.example.com', '12.1', '2026-03-01 10:00:00', '2026-11-20 10:00:00', NULL, NULL),
                       (7, 'm-2', 'mail2.example.com', '12.1', '2025-01-01 10:00:00', '2025-06-01 10:00:00', '2025-06-01 10:00:00', NULL),
                       (7, 'm-3', 'mail3.example.com', '12.1', '2025-02-01 10:00:00', '2025-07-01 10:00:00', NULL, '2025-05-01 10:00:00');
                """;
            await insert.ExecuteNonQueryAsync();
        }

        await using var portal = new PortalOn(path);
        await using var upgraded = await portal.DbAsync();

        var installations = await upgraded.Installations.OrderBy(i => i.MachineId).ToListAsync();
        Assert.Equal(3, installations.Count);
        Assert.All(installations, i => Assert.Equal(i.FirstSeenAt, i.StintStartedAt));
        Assert.Equal(new DateTime(2025, 6, 1, 10, 0, 0, DateTimeKind.Utc), installations[1].ReleasedAt);
        Assert.Equal(new DateTime(2025, 5, 1, 10, 0, 0, DateTimeKind.Utc), installations[2].DecommissionedAt);
        var installation = installations[0];
        Assert.Equal(new DateTime(2026, 3, 1, 10, 0, 0, DateTimeKind.Utc), installation.StintStartedAt);
        Assert.Empty(await upgraded.InstallationStints.ToListAsync());
        Assert.Empty(await upgraded.Database.GetPendingMigrationsAsync());
    }
}
