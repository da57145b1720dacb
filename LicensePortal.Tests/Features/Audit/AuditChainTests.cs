using LicensePortal.Data;
using LicensePortal.Features.Audit;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Tests.Features.Audit;

public class AuditChainTests : IAsyncLifetime
{
    private readonly PortalFactory portal = new() { Licenses = 10 };
    private long[] ids = [];

    public async ValueTask InitializeAsync()
    {
        var at = PortalFactory.Now.UtcDateTime;
        // Saved one by one through EF, then a batch the way the bulk writers add theirs.
        for (var i = 0; i < 5; i++)
        {
            await using var db = await portal.DbAsync();
            db.Audit(
                TestData.As(Roles.Sales),
                at.AddMinutes(i),
                "Customer changed",
                "Customer",
                i,
                new { Phone = "1" },
                new { Phone = $"{i}" }
            );
            await db.SaveChangesAsync();
        }
        await using (var db = await portal.DbAsync())
        {
            await db.Database.OpenConnectionAsync();
            await using var tx = await db.Database.BeginTransactionAsync();
            await using (var insert = new BulkInsert<AuditEntry>(db))
                for (var i = 0; i < 5; i++)
                    await insert.AddAsync(
                        AuditWrites.Entry(
                            TestData.As(Roles.Admin),
                            at.AddHours(1),
                            "Key disabled",
                            "License",
                            100 + i,
                            null,
                            new { Status = "Disabled" }
                        )
                    );
            await db.SealAuditLogAsync();
            await tx.CommitAsync();
        }
        await using (var db = await portal.DbAsync())
            ids = await db.AuditLog.OrderBy(a => a.Id).Select(a => a.Id).ToArrayAsync();
    }

    public ValueTask DisposeAsync() => portal.DisposeAsync();

    private async Task<AuditVerification> VerifyAsync()
    {
        await using var db = await portal.DbAsync();
        return await db.VerifyAuditLogAsync();
    }

    /// <summary>SQL as someone with write access to the database would run it (on PostgreSQL past the append-only trigger,
    /// as the database's superuser could).</summary>
    private async Task SqlAsync(string sql)
    {
        await using var db = await portal.DbAsync();
        await db.Database.ExecuteSqlRawAsync(
            portal.PostgresConnection is null ? sql : $"BEGIN; SET LOCAL session_replication_role = replica; {sql}; COMMIT;"
        );
    }

    private const string ForgedRow = """
        INSERT INTO "AuditLog" ("At", "UserName", "Action", "EntityType", "EntityId", "Before", "After")
        VALUES ('2026-11-26 13:00:00', 'mallory@example.com', 'Key re-enabled', 'License', '7', NULL, 'Status: Active')
        """;

    private async Task SaveOneAuditedChangeAsync()
    {
        await using var db = await portal.DbAsync();
        db.Audit(TestData.As(Roles.Sales), PortalFactory.Now.UtcDateTime, "Customer changed", "Customer", 99, null, new { Phone = "9" });
        await db.SaveChangesAsync();
    }

    /// <summary>Recomputes every hash from <paramref name="fromIndex"/> on with plain SHA-256, as someone without the key would.</summary>
    private async Task RecomputeChainWithoutTheKeyAsync(int fromIndex, int? asVersion = null)
    {
        List<AuditEntry> rows;
        await using (var db = await portal.DbAsync())
            rows = await db.AuditLog.AsNoTracking().OrderBy(a => a.Id).ToListAsync();
        var previous = fromIndex == 0 ? "" : rows[fromIndex - 1].Hash!;
        foreach (var r in rows.Skip(fromIndex))
        {
            var hash = AuditChain.Hash(previous, r.Id, r.At, r.UserName, r.Action, r.EntityType, r.EntityId, r.Before, r.After);
            await SqlAsync(
                $"UPDATE \"AuditLog\" SET \"PreviousHash\" = '{previous}', \"Hash\" = '{hash}', \"ChainVersion\" = "
                    + $"{asVersion ?? r.ChainVersion} WHERE \"Id\" = {r.Id}"
            );
            previous = hash;
        }
    }

    [Fact]
    public async Task An_intact_log_verifies_every_row()
    {
        var result = await VerifyAsync();

        Assert.True(result.Intact);
        Assert.Equal(ids.Length, result.RowsVerified);
        Assert.Equal($"Audit log intact: {ids.Length:N0} rows verified.", result.Message);
        await using var db = await portal.DbAsync();
        Assert.Equal(0, await db.AuditLog.CountAsync(a => a.Hash == null));
    }

    [Fact]
    public async Task A_bulk_pass_of_more_rows_than_one_read_takes_is_sealed_into_one_chain()
    {
        // 1,234 rows, more than one read of 1,000, continuing the chain the set-up began.
        await using (var db = await portal.DbAsync())
        {
            await db.Database.OpenConnectionAsync();
            await using var tx = await db.Database.BeginTransactionAsync();
            await using (var insert = new BulkInsert<AuditEntry>(db))
                for (var i = 0; i < 1234; i++)
                    await insert.AddAsync(
                        AuditWrites.Entry(
                            TestData.As(Roles.Admin),
                            PortalFactory.Now.UtcDateTime.AddHours(2),
                            "Key disabled",
                            "License",
                            1000 + i,
                            null,
                            new { Status = "Disabled" }
                        )
                    );
            Assert.Equal(1234, await db.SealAuditLogAsync());
            await tx.CommitAsync();
        }

        var result = await VerifyAsync();

        Assert.True(result.Intact, result.Message);
        Assert.Equal(ids.Length + 1234, result.RowsVerified);
    }

    [Fact]
    public async Task A_row_whose_after_text_was_changed_is_reported_as_the_first_altered_row()
    {
        var middle = ids[ids.Length / 2];
        await SqlAsync($"UPDATE \"AuditLog\" SET \"After\" = 'Status: Active' WHERE \"Id\" = {middle}");

        var result = await VerifyAsync();

        Assert.False(result.Intact);
        Assert.Equal(middle, result.FirstBrokenId);
        Assert.Equal($"Row #{middle} was altered.", result.Message);
        Assert.Equal(ids.Length / 2, result.RowsVerified);
    }

    [Fact]
    public async Task A_removed_middle_row_is_reported_at_the_row_that_no_longer_follows_its_predecessor()
    {
        var index = ids.Length / 2;
        await SqlAsync($"DELETE FROM \"AuditLog\" WHERE \"Id\" = {ids[index]}");

        var result = await VerifyAsync();

        Assert.Equal(ids[index + 1], result.FirstBrokenId);
        Assert.Equal(
            $"A row between #{ids[index - 1]} and #{ids[index + 1]} was removed or altered (row #{ids[index + 1]} no longer follows "
                + $"#{ids[index - 1]}).",
            result.Message
        );
    }

    [Fact]
    public async Task Rows_saved_at_the_same_time_by_many_contexts_form_one_chain()
    {
        var at = PortalFactory.Now.UtcDateTime;
        await Task.WhenAll(
            Enumerable
                .Range(0, 20)
                .Select(async i =>
                {
                    await using var db = await portal.DbAsync();
                    db.Audit(TestData.As(Roles.Sales), at, "Customer changed", "Customer", 1000 + i, null, new { Phone = $"{i}" });
                    await db.SaveChangesAsync();
                })
        );

        var result = await VerifyAsync();

        Assert.True(result.Intact, result.Message);
        Assert.Equal(ids.Length + 20, result.RowsVerified);
    }

    [Fact]
    public async Task Verify_audit_exits_with_zero_when_intact_and_one_naming_the_row_when_tampered()
    {
        var intact = await PortalCommand.RunAsync(portal, "verify-audit");
        Assert.Equal(0, intact.ExitCode);
        Assert.Contains($"Audit log intact: {ids.Length:N0} rows verified.", intact.Output);

        await SqlAsync($"UPDATE \"AuditLog\" SET \"After\" = NULL WHERE \"Id\" = {ids[2]}");
        var tampered = await PortalCommand.RunAsync(portal, "verify-audit");

        Assert.Equal(1, tampered.ExitCode);
        Assert.Contains($"The audit log was tampered with: Row #{ids[2]} was altered. 2 rows before it verified.", tampered.Output);
    }

    [Fact]
    public async Task A_row_inserted_with_sql_is_not_sealed_by_the_next_save_and_is_reported_as_tampering()
    {
        await SqlAsync(ForgedRow);
        await SaveOneAuditedChangeAsync();

        await using var db = await portal.DbAsync();
        var forged = await db.AuditLog.SingleAsync(a => a.UserName == "mallory@example.com");
        Assert.Null(forged.Hash);
        var result = await VerifyAsync();
        Assert.False(result.Intact);
        Assert.Equal(forged.Id, result.FirstBrokenId);
        Assert.Equal($"Row #{forged.Id} was not written by the portal: it was never sealed into the chain.", result.Message);
    }

    [Fact]
    public async Task Verify_audit_writes_nothing_and_reports_a_row_inserted_after_the_last_save()
    {
        await SqlAsync(ForgedRow);

        var run = await PortalCommand.RunAsync(portal, "verify-audit");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("was not written by the portal", run.Output);
        await using var db = await portal.DbAsync();
        Assert.Null(await db.AuditLog.Where(a => a.UserName == "mallory@example.com").Select(a => a.Hash).SingleAsync());
    }

    [Fact]
    public async Task A_row_edited_and_the_chain_after_it_recomputed_without_the_key_is_reported_as_altered()
    {
        var index = ids.Length / 2;
        await SqlAsync($"UPDATE \"AuditLog\" SET \"After\" = 'Status: Active' WHERE \"Id\" = {ids[index]}");
        await RecomputeChainWithoutTheKeyAsync(index);

        var result = await VerifyAsync();

        Assert.Equal(ids[index], result.FirstBrokenId);
        Assert.Equal($"Row #{ids[index]} was altered.", result.Message);
    }

    [Fact]
    public async Task A_log_rewritten_whole_as_the_unkeyed_chain_is_reported_at_its_newest_row()
    {
        await SqlAsync($"UPDATE \"AuditLog\" SET \"After\" = 'Status: Active' WHERE \"Id\" = {ids[1]}");
        await RecomputeChainWithoutTheKeyAsync(0, asVersion: AuditChain.UnkeyedVersion);

        var result = await VerifyAsync();

        Assert.False(result.Intact);
        Assert.Equal(ids[^1], result.FirstBrokenId);
        Assert.Contains("is not sealed with the key", result.Message);
    }

    [Fact]
    public async Task The_chain_key_is_a_file_only_the_portal_reads_and_without_it_keyed_rows_cannot_be_checked()
    {
        var key = Path.Combine(portal.SigningKeyFolder, AuditChainKey.FileName);
        Assert.Equal(44, (await File.ReadAllTextAsync(key)).Trim().Length); // 32 bytes, base64
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
        await using (var db = await portal.DbAsync())
            Assert.All(await db.AuditLog.ToListAsync(), a => Assert.Equal(AuditChain.KeyedVersion, a.ChainVersion));

        File.Move(key, key + ".away");
        var run = await PortalCommand.RunAsync(portal, "verify-audit");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"Row #{ids[0]} cannot be checked: the audit chain key", run.Output);
    }

    [Fact]
    public async Task A_portal_without_the_key_its_sealed_rows_need_does_not_start()
    {
        File.Delete(Path.Combine(portal.SigningKeyFolder, AuditChainKey.FileName));
        await using var restarted = new PortalFactory
        {
            DatabasePath = portal.DatabasePath,
            SigningKeyFolder = portal.SigningKeyFolder,
            Settings = { ["Demo:Seed"] = "false" },
        };

        var refused = Assert.ThrowsAny<Exception>(() => _ = restarted.Server);

        Assert.Contains($"{AuditChainKey.FileName} is missing: restore the key folder", refused.ToString());
    }

    [Fact]
    public void The_hash_covers_every_field_and_the_previous_hash()
    {
        var at = new DateTime(2026, 11, 26, 12, 0, 0, DateTimeKind.Utc);
        var hash = AuditChain.Hash("", 1, at, "u", "a", "E", "1", null, "{}");
        Assert.Equal(64, hash.Length);
        Assert.Equal(hash, AuditChain.Hash("", 1, at, "u", "a", "E", "1", null, "{}"));
        string[] others =
        [
            AuditChain.Hash("x", 1, at, "u", "a", "E", "1", null, "{}"),
            AuditChain.Hash("", 2, at, "u", "a", "E", "1", null, "{}"),
            AuditChain.Hash("", 1, at.AddTicks(1), "u", "a", "E", "1", null, "{}"),
            AuditChain.Hash("", 1, at, "v", "a", "E", "1", null, "{}"),
            AuditChain.Hash("", 1, at, "u", "b", "E", "1", null, "{}"),
            AuditChain.Hash("", 1, at, "u", "a", "F", "1", null, "{}"),
            AuditChain.Hash("", 1, at, "u", "a", "E", "2", null, "{}"),
            AuditChain.Hash("", 1, at, "u", "a", "E", "1", "", "{}"),
            AuditChain.Hash("", 1, at, "u", "a", "E", "1", null, null),
            AuditChain.Hash("", 1, at, "ua", "", "E", "1", null, "{}"),
        ];
        Assert.Equal(others.Length + 1, others.Append(hash).Distinct().Count());
        byte[] key = [.. Enumerable.Range(0, 32).Select(i => (byte)i)];
        var keyed = AuditChain.KeyedHash(key, "", 1, at, "u", "a", "E", "1", null, "{}");
        Assert.NotEqual(hash, keyed);
        Assert.NotEqual(keyed, AuditChain.KeyedHash([.. key.Reverse()], "", 1, at, "u", "a", "E", "1", null, "{}"));
    }
}
