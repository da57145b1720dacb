using LicensePortal.Data;
using LicensePortal.Features.Fraud;
using LicensePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Tests.Data;

public class BulkWritesTests : IAsyncLifetime
{
    private readonly PortalFactory portal = new() { Licenses = 10 };

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => portal.DisposeAsync();

    [Fact]
    public async Task A_bulk_inserted_row_reads_back_through_EF_exactly_as_EF_would_have_stored_it()
    {
        var license = await portal.NewLicenseAsync((await portal.NewCustomerAsync()).Id);
        var opened = new DateTime(2026, 11, 26, 9, 30, 15, 123, DateTimeKind.Utc);
        var written = new FraudCase
        {
            LicenseId = license.Id,
            OpenedAt = opened,
            OpenedBy = "fraud monitor",
            Reason = "Two servers, one allowed.",
            State = CaseState.Contacting,
            DeadlineAt = opened.AddDays(14),
            Outcome = CaseOutcome.FalsePositive,
            Version = Guid.NewGuid(),
        };

        await using (var db = await portal.DbAsync())
        {
            await db.Database.OpenConnectionAsync();
            await using var tx = await db.Database.BeginTransactionAsync();
            await using (var insert = new BulkInsert<FraudCase>(db))
                Assert.True(await insert.AddAsync(written));
            await tx.CommitAsync();
        }

        await using var read = await portal.DbAsync();
        var stored = await read.FraudCases.SingleAsync(c => c.LicenseId == license.Id);
        Assert.Equal(
            (written.OpenedAt, written.DeadlineAt, written.State, written.Outcome, written.Version, written.Reason),
            (stored.OpenedAt, stored.DeadlineAt, stored.State, stored.Outcome, stored.Version, stored.Reason)
        );
        Assert.Equal(DateTimeKind.Utc, stored.OpenedAt.Kind);
        Assert.Null(stored.ExtendedTo);
        // EF finds it by its concurrency token, so a later tracked change to it works.
        Assert.Equal(1, await read.FraudCases.CountAsync(c => c.Version == written.Version && c.OpenedAt == opened));
    }

    [Fact]
    public async Task Or_ignore_skips_a_row_a_unique_index_refuses_and_says_so()
    {
        var license = await portal.NewLicenseAsync((await portal.NewCustomerAsync()).Id);
        FraudCase NewCase() =>
            new()
            {
                LicenseId = license.Id,
                OpenedAt = PortalFactory.Now.UtcDateTime,
                State = CaseState.Open,
                DeadlineAt = PortalFactory.Now.UtcDateTime.AddDays(14),
                Version = Guid.NewGuid(),
            };

        await using var db = await portal.DbAsync();
        await db.Database.OpenConnectionAsync();
        await using var tx = await db.Database.BeginTransactionAsync();
        await using var insert = new BulkInsert<FraudCase>(db, orIgnore: true);

        Assert.True(await insert.AddAsync(NewCase()));
        Assert.False(await insert.AddAsync(NewCase()));
        await tx.CommitAsync();
        Assert.Equal(1, await db.FraudCases.CountAsync(c => c.LicenseId == license.Id));
    }
}
