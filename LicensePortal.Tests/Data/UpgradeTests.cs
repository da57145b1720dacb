using LicensePortal.Data;
using LicensePortal.Features.Audit;
using LicensePortal.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace LicensePortal.Tests.Data;

/// <summary>A database made by the previous version upgrades at start-up and keeps its rows.</summary>
// Upgrades a SQLite file the previous version wrote; there was no previous version on PostgreSQL.
[Trait("Provider", "Sqlite")]
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

    /// <summary>A database file as the version that ended with <paramref name="lastMigration"/> left it (no rows).</summary>
    private static async Task<string> DatabaseOfPreviousVersionAsync(string lastMigration)
    {
        var path = Path.Combine(Path.GetTempPath(), "licenseportal-tests", $"upgrade-{Guid.NewGuid():N}.db");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var scratch = new PortalFactory { Licenses = 10 };
        await using var db = await scratch.DbAsync();
        db.Database.SetConnectionString($"Data Source={path};Pooling=False");
        await db.GetService<IMigrator>().MigrateAsync(lastMigration);
        return path;
    }

    [Fact]
    public async Task Installations_of_the_previous_version_carry_over_as_one_stint_from_their_first_check_in()
    {
        var path = await DatabaseOfPreviousVersionAsync("20261126065424_OneOpenPeriodPerLicense");
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

    [Fact]
    public async Task Audit_rows_of_the_previous_version_keep_their_values_and_are_sealed_into_the_chain_at_start_up()
    {
        var path = await DatabaseOfPreviousVersionAsync("20261126141238_DataProtectionKeys");
        await using (var old = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await old.OpenAsync();
            await using var insert = old.CreateCommand();
            insert.CommandText = """
                INSERT INTO "AuditLog" ("At", "UserName", "Action", "EntityType", "EntityId", "Before", "After")
                VALUES ('2026-03-01 10:00:00', 'sara@example.com', 'Customer changed', 'Customer', '7', '{"Phone":"1"}', '{"Phone":"2"}'),
                       ('2026-03-02 10:00:00', 'system', 'Key disabled', 'License', '9', NULL, '{"Status":"Disabled"}'),
                       ('2026-03-03 10:00:00', 'maria@example.com', 'Case closed', 'FraudCase', '3', NULL, NULL);
                """;
            await insert.ExecuteNonQueryAsync();
        }

        await using var portal = new PortalOn(path);
        await using var upgraded = await portal.DbAsync();

        var rows = await upgraded.AuditLog.OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(["Customer changed", "Key disabled", "Case closed"], rows.Select(r => r.Action));
        Assert.Equal("{\"Phone\":\"2\"}", rows[0].After);
        Assert.Equal(new DateTime(2026, 3, 2, 10, 0, 0, DateTimeKind.Utc), rows[1].At);
        Assert.Equal("", rows[0].PreviousHash);
        Assert.Equal(rows[0].Hash, rows[1].PreviousHash);
        Assert.Equal(rows[1].Hash, rows[2].PreviousHash);
        var verification = await upgraded.VerifyAuditLogAsync();
        Assert.Equal("Audit log intact: 3 rows verified.", verification.Message);
        Assert.Empty(await upgraded.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public async Task Unkeyed_rows_of_the_previous_version_still_verify_and_a_keyed_row_after_them_pins_them()
    {
        var path = await DatabaseOfPreviousVersionAsync("20261127001512_LicenseEventNavigation");
        var at = new DateTime(2026, 3, 1, 10, 0, 0, DateTimeKind.Utc);
        var previous = "";
        await using (var old = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await old.OpenAsync();
            for (var id = 1; id <= 3; id++)
            {
                var after = $"{{\"Phone\":\"{id}\"}}";
                var hash = AuditChain.Hash(previous, id, at, "sara@example.com", "Customer changed", "Customer", "7", null, after);
                await using var insert = old.CreateCommand();
                insert.CommandText = """
                    INSERT INTO "AuditLog" ("Id", "At", "UserName", "Action", "EntityType", "EntityId", "Before", "After", "PreviousHash", "Hash")
                    VALUES ($id, '2026-03-01 10:00:00', 'sara@example.com', 'Customer changed', 'Customer', '7', NULL, $after, $previous, $hash);
                    """;
                insert.Parameters.AddWithValue("$id", id);
                insert.Parameters.AddWithValue("$after", after);
                insert.Parameters.AddWithValue("$previous", previous);
                insert.Parameters.AddWithValue("$hash", hash);
                await insert.ExecuteNonQueryAsync();
                previous = hash;
            }
        }

        await using var portal = new PortalOn(path);
        await using (var upgraded = await portal.DbAsync())
        {
            var rows = await upgraded.AuditLog.OrderBy(a => a.Id).ToListAsync();
            Assert.Equal([1, 1, 1, AuditChain.KeyedVersion], rows.Select(r => r.ChainVersion));
            Assert.Equal(AuditChain.KeyedAction, rows[3].Action);
            Assert.Equal(previous, rows[3].PreviousHash);
            Assert.Equal("Audit log intact: 4 rows verified.", (await upgraded.VerifyAuditLogAsync()).Message);
        }

        // Someone without the key edits an old row and recomputes the unkeyed rows: the keyed row no longer follows them.
        await using (var db = await portal.DbAsync())
        {
            previous = "";
            foreach (var r in await db.AuditLog.AsNoTracking().Where(a => a.Id <= 3).OrderBy(a => a.Id).ToListAsync())
            {
                var after = r.Id == 2 ? "{\"Phone\":\"666\"}" : r.After;
                var hash = AuditChain.Hash(previous, r.Id, r.At, r.UserName, r.Action, r.EntityType, r.EntityId, r.Before, after);
                await db.Database.ExecuteSqlAsync(
                    $"UPDATE \"AuditLog\" SET \"After\" = {after}, \"PreviousHash\" = {previous}, \"Hash\" = {hash} WHERE \"Id\" = {r.Id}"
                );
                previous = hash;
            }
            var result = await db.VerifyAuditLogAsync();
            Assert.Equal(4, result.FirstBrokenId);
            Assert.Equal(3, result.RowsVerified);
        }
    }

    [Fact]
    public async Task Staff_of_the_previous_version_keep_their_passwords_and_are_not_asked_for_a_new_one()
    {
        var path = await DatabaseOfPreviousVersionAsync("20261126141837_AuditHashChain");
        var hash = new Microsoft.AspNetCore.Identity.PasswordHasher<ApplicationUser>().HashPassword(
            new ApplicationUser(),
            "Old-Version-Pass-1"
        );
        await using (var old = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await old.OpenAsync();
            await using var insert = old.CreateCommand();
            insert.CommandText = """
                INSERT INTO "AspNetUsers" ("Id", "UserName", "NormalizedUserName", "Email", "NormalizedEmail", "EmailConfirmed", "PasswordHash", "SecurityStamp",
                    "ConcurrencyStamp", "PhoneNumberConfirmed", "TwoFactorEnabled", "LockoutEnabled", "AccessFailedCount", "DisplayName", "PrefersDarkMode")
                VALUES ('u-1', 'sara@example.com', 'SARA@EXAMPLE.COM', 'sara@example.com', 'SARA@EXAMPLE.COM', 1, $hash, 'STAMP1', 'c1', 0, 0, 1, 0, 'Sara Old', 0);
                """;
            insert.Parameters.AddWithValue("$hash", hash);
            await insert.ExecuteNonQueryAsync();
        }

        await using var portal = new PortalOn(path);
        await using var upgraded = await portal.DbAsync();

        Assert.False((await upgraded.Users.SingleAsync(u => u.Id == "u-1")).MustChangePassword);
        var signIn = await SignInForm.PostLoginAsync(portal.Client(), "sara@example.com", "Old-Version-Pass-1");
        Assert.Equal(System.Net.HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.DoesNotContain("Account/", signIn.Target());
    }

    [Fact]
    public async Task Earlier_installations_become_online_ones_and_the_stint_trigger_keeps_the_offline_expiry_after_the_upgrade()
    {
        var path = await DatabaseOfPreviousVersionAsync("20261126153932_PasswordChangeAtNextSignIn");
        await using (var old = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await old.OpenAsync();
            await using var insert = old.CreateCommand();
            insert.CommandText = """
                PRAGMA foreign_keys = OFF;
                INSERT INTO "Installations" ("LicenseId", "MachineId", "Hostname", "ProductVersion", "FirstSeenAt", "StintStartedAt", "LastSeenAt", "ReleasedAt", "DecommissionedAt")
                VALUES (7, 'm-1', 'mail1.example.com', '12.1', '2026-03-01 10:00:00', '2026-03-01 10:00:00', '2026-11-20 10:00:00', NULL, NULL);
                """;
            await insert.ExecuteNonQueryAsync();
        }

        await using var portal = new PortalOn(path);
        await using var upgraded = await portal.DbAsync();

        var carried = await upgraded.Installations.SingleAsync();
        Assert.Null(carried.OfflineUntil);
        Assert.Null(carried.ReleaseCodeHash);
        // The replaced trigger archives an ended stint with its new column (offline until 2027), in the same statement.
        await upgraded.Database.ExecuteSqlRawAsync(
            """
            PRAGMA foreign_keys = OFF;
            UPDATE "Installations" SET "OfflineUntil" = '2027-03-01 10:00:00' WHERE "MachineId" = 'm-1';
            UPDATE "Installations" SET "StintStartedAt" = '2026-12-01 10:00:00' WHERE "MachineId" = 'm-1';
            """
        );
        var stint = await upgraded.InstallationStints.SingleAsync();
        Assert.Equal(new DateTime(2026, 3, 1, 10, 0, 0), stint.StartedAt);
        Assert.Equal(new DateTime(2027, 3, 1, 10, 0, 0), stint.OfflineUntil);
    }
}
