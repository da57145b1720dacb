using System.Diagnostics;
using System.Security.Claims;
using LicensePortal.Data;
using LicensePortal.Features.Audit;
using LicensePortal.Features.Installations;
using LicensePortal.Features.Licenses;
using LicensePortal.Features.Licensing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LicensePortal.Features.Fraud;

/// <summary>
/// Applies the installation rules to every license that needs it: records over-allowance
/// periods, opens a case (emailing the customer and the fraud team) when the migration window
/// runs out, and disables keys whose case deadline passed. Each change and its emails are saved
/// together, and at most one open case per license is a database constraint, so running twice
/// at once, or again after a crash, changes nothing twice.
/// </summary>
public sealed class FraudMonitor(
    IDbContextFactory<AppDbContext> dbFactory,
    TimeProvider clock,
    IOptions<InstallationOptions> installationOptions,
    IOptions<FraudOptions> fraudOptions,
    FraudNotices notices,
    WriteGate writes,
    ILogger<FraudMonitor> logger
)
{
    private static readonly ClaimsPrincipal System = FraudNotices.System;

    private const string Watermark = "fraud-monitor-watermark";

    /// <summary>
    /// One pass. The first pass (or <paramref name="full"/>) reads every license over its
    /// allowance; later passes read only what can have changed since the last one: licenses
    /// whose installations checked in, were released or decommissioned, or went stale since
    /// then, migrations whose window ends by now, and cases whose deadline passed.
    /// </summary>
    public async Task<MonitorResult> RunAsync(IProgress<string>? progress = null, CancellationToken ct = default, bool full = false)
    {
        var stopwatch = Stopwatch.StartNew();
        var now = clock.GetUtcNow().UtcDateTime;
        var options = installationOptions.Value;
        List<int> candidates;
        Dictionary<int, string> products;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            products = await db.Products.ToDictionaryAsync(p => p.Id, p => p.Name, ct);
            var last = full ? null : await db.Counters.Where(c => c.Name == Watermark).Select(c => (long?)c.Value).FirstOrDefaultAsync(ct);
            var cases = await db
                .FraudCases.Where(c => FraudCase.OpenStates.Contains(c.State) && (c.ExtendedTo ?? c.DeadlineAt) <= now)
                .Select(c => c.LicenseId)
                .ToListAsync(ct);
            var due = await db
                .OverAllowancePeriods.Where(p => p.EndedAt == null && p.ReviewAt != null && p.ReviewAt <= now)
                .Select(p => p.LicenseId)
                .ToListAsync(ct);
            List<int> changed;
            if (last is { } ticks)
            {
                changed = [];
                foreach (var query in ChangedSince(db, new DateTime(ticks, DateTimeKind.Utc), now))
                    changed.AddRange(await query.ToListAsync(ct));
            }
            else
            {
                changed = await db.OverAllowanceLicenseIds(ActivityCut.At(now, options)).ToListAsync(ct);
                changed.AddRange(await db.OverAllowancePeriods.Where(p => p.EndedAt == null).Select(p => p.LicenseId).ToListAsync(ct));
                changed.AddRange(
                    await db.FraudCases.Where(c => FraudCase.OpenStates.Contains(c.State)).Select(c => c.LicenseId).ToListAsync(ct)
                );
            }
            candidates = [.. changed.Union(due).Union(cases).Order()];
        }
        progress?.Report($"{candidates.Count:N0} licenses to check.");

        // Batches are pipelined: while one batch's changes are written, the next one is read and
        // decided on the other core. Batches hold disjoint licenses, so neither sees the other's rows.
        var totals = new MonitorCounts();
        var done = 0;
        var batches = candidates.Chunk(Math.Max(1, fraudOptions.Value.BatchSize)).ToList();
        var next = batches.Count > 0 ? PlanBatchAsync(batches[0], products, now, ct) : null;
        for (var b = 0; b < batches.Count; b++)
        {
            var plan = await next!;
            var following = b + 1 < batches.Count ? batches[b + 1] : null;
            next = following is null ? null : Task.Run(() => PlanBatchAsync(following, products, now, ct), ct);
            totals += await WriteBatchAsync(plan, now, ct);
            done += batches[b].Length;
            progress?.Report($"Checked {done:N0} of {candidates.Count:N0} licenses.");
        }
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            // The next pass starts from this one's clock reading: anything that changed during it is looked at again.
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"""
                INSERT INTO "Counters" ("Name", "Value") VALUES ({Watermark}, {now.Ticks})
                ON CONFLICT ("Name") DO UPDATE SET "Value" = excluded."Value"
                """,
                ct
            );
            if (SqlDialect.Of(db).AfterBulkPassSql is { } checkpoint)
                await db.Database.ExecuteSqlRawAsync(checkpoint, ct);
        }
        var result = new MonitorResult(candidates.Count, totals, stopwatch.Elapsed);
        logger.LogInformation("Fraud monitor: {Result}", result);
        return result;
    }

    /// <summary>
    /// The licenses whose installations changed since a pass: checked in, released or
    /// decommissioned since then, or gone stale or past their offline license file's expiry in between. One indexed
    /// range read each: as one query, with OR or UNION, SQLite walks every installation instead.
    /// </summary>
    internal IEnumerable<IQueryable<int>> ChangedSince(AppDbContext db, DateTime since, DateTime now)
    {
        var activeWithin = installationOptions.Value.ActiveWithin;
        var (staleFrom, staleTo) = (since - activeWithin, now - activeWithin);
        yield return db.Installations.Where(i => i.LastSeenAt >= since).Select(i => i.LicenseId);
        yield return db.Installations.Where(i => i.ReleasedAt >= since).Select(i => i.LicenseId);
        yield return db.Installations.Where(i => i.DecommissionedAt >= since).Select(i => i.LicenseId);
        yield return db.Installations.Where(i => i.LastSeenAt >= staleFrom && i.LastSeenAt < staleTo).Select(i => i.LicenseId);
        yield return db.Installations.Where(i => i.OfflineUntil >= since && i.OfflineUntil <= now).Select(i => i.LicenseId);
    }

    private sealed record LicenseRow(
        int Id,
        string Key,
        int CustomerId,
        int ProductId,
        bool HasFailover,
        LicenseStatus Status,
        DateTime? WindowRestoredAt
    );

    private sealed record CaseRow(
        int Id,
        int LicenseId,
        CaseState State,
        DateTime OpenedAt,
        string OpenedBy,
        DateTime DeadlineAt,
        DateTime? ExtendedTo,
        Guid Version
    )
    {
        /// <summary>The case as an entity, so its own methods decide how it closes.</summary>
        public FraudCase ToCase() =>
            new()
            {
                Id = Id,
                LicenseId = LicenseId,
                State = State,
                OpenedAt = OpenedAt,
                OpenedBy = OpenedBy,
                DeadlineAt = DeadlineAt,
                ExtendedTo = ExtendedTo,
                Version = Version,
            };
    }

    private sealed record PeriodRow(long Id, int LicenseId, DateTime? ReviewAt);

    private sealed record Party(int Id, string Name, string Email, string Phone);

    /// <summary>What one batch changes, decided from what it read.</summary>
    private sealed record BatchPlan(
        List<OverAllowancePeriod> NewPeriods,
        List<(long Id, DateTime? At)> Reviews,
        List<long> Ends,
        List<(LicenseParty License, Standing Standing)> Opens,
        List<(LicenseParty License, CaseRow Case)> Disables,
        List<(LicenseParty License, CaseRow Case)> ResolvedByCustomer
    )
    {
        public bool IsEmpty => NewPeriods.Count + Reviews.Count + Ends.Count + Opens.Count + Disables.Count + ResolvedByCustomer.Count == 0;
    }

    /// <summary>Reads what the rules need for a batch of licenses as plain rows and decides every change.</summary>
    private async Task<BatchPlan> PlanBatchAsync(int[] ids, IReadOnlyDictionary<int, string> products, DateTime now, CancellationToken ct)
    {
        var options = installationOptions.Value;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var licenses = await db
            .Licenses.Where(l => EF.Parameter(ids).Contains(l.Id))
            .Select(l => new LicenseRow(l.Id, l.Key, l.CustomerId, l.ProductId, l.HasFailover, l.Status, l.WindowRestoredAt))
            .ToListAsync(ct);
        var stints = await db.StintsAsync(ids, now, options, ct);
        var cases = await db
            .FraudCases.Where(c => EF.Parameter(ids).Contains(c.LicenseId) && FraudCase.OpenStates.Contains(c.State))
            .Select(c => new CaseRow(c.Id, c.LicenseId, c.State, c.OpenedAt, c.OpenedBy, c.DeadlineAt, c.ExtendedTo, c.Version))
            .ToDictionaryAsync(c => c.LicenseId, ct);
        var periods = await db
            .OverAllowancePeriods.Where(p => EF.Parameter(ids).Contains(p.LicenseId) && p.EndedAt == null)
            .Select(p => new PeriodRow(p.Id, p.LicenseId, p.ReviewAt))
            .ToDictionaryAsync(p => p.LicenseId, ct);

        var newPeriods = new List<OverAllowancePeriod>();
        var reviews = new List<(long Id, DateTime? At)>();
        var ends = new List<long>();
        var opens = new List<(LicenseRow License, Standing Standing)>();
        var disables = new List<(LicenseRow License, CaseRow Case)>();
        var resolved = new List<(LicenseRow License, CaseRow Case)>();
        foreach (var license in licenses)
        {
            var openCase = cases.GetValueOrDefault(license.Id);
            var standing = InstallationStanding.Evaluate(
                new LicenseFacts(
                    license.HasFailover,
                    license.Status == LicenseStatus.Disabled,
                    license.WindowRestoredAt,
                    [.. stints[license.Id]],
                    openCase is null ? null : new CaseFacts(openCase.OpenedAt, openCase.ExtendedTo ?? openCase.DeadlineAt)
                ),
                now,
                options
            );
            var period = periods.GetValueOrDefault(license.Id);
            // Only a migration in grace changes with time alone; a flagged key's case carries its own deadline.
            var reviewAt =
                standing.Status == StandingStatus.Grace ? standing.GraceEndsAt
                : standing.CaseDue ? now
                : null;
            if (standing.OverAllowance && period is null)
                newPeriods.Add(
                    new OverAllowancePeriod
                    {
                        LicenseId = license.Id,
                        StartedAt = standing.OverAllowanceSince ?? now,
                        ReviewAt = reviewAt,
                    }
                );
            else if (standing.OverAllowance && period!.ReviewAt != reviewAt)
                reviews.Add((period.Id, reviewAt));
            else if (!standing.OverAllowance && period is not null)
                ends.Add(period.Id);

            if (standing.CaseDue && openCase is null && license.Status == LicenseStatus.Active)
                opens.Add((license, standing));
            else if (openCase is not null && standing.DeadlinePassed(now) && license.Status == LicenseStatus.Active)
            {
                // The FAQ disables a key only if the customer failed to resolve the issue. A case an
                // agent opened by hand (a tip-off) is not closed by the installation count: an agent decides it.
                if (standing.OverAllowance)
                    disables.Add((license, openCase));
                else if (openCase.OpenedBy == Name)
                    resolved.Add((license, openCase));
            }
        }
        // Most licenses a pass reads need no email: read the owners of those that do, in one go.
        var ownerIds = opens
            .Select(o => o.License)
            .Concat(disables.Concat(resolved).Select(d => d.License))
            .Select(l => l.CustomerId)
            .Distinct()
            .ToArray();
        if (ownerIds.Length == 0)
            return new(newPeriods, reviews, ends, [], [], []);
        var owners = await db
            .Customers.Where(c => EF.Parameter(ownerIds).Contains(c.Id))
            .Select(c => new Party(c.Id, c.Name, c.Email, c.Phone))
            .ToDictionaryAsync(c => c.Id, ct);
        LicenseParty PartyOf(LicenseRow l) =>
            new(l.Id, l.Key, products[l.ProductId], owners[l.CustomerId].Name, owners[l.CustomerId].Email, owners[l.CustomerId].Phone);
        return new(
            newPeriods,
            reviews,
            ends,
            [.. opens.Select(o => (PartyOf(o.License), o.Standing))],
            [.. disables.Select(d => (PartyOf(d.License), d.Case))],
            [.. resolved.Select(d => (PartyOf(d.License), d.Case))]
        );
    }

    /// <summary>
    /// Writes a batch's changes in one transaction with prepared statements. Each write is guarded
    /// so that a concurrent pass or a staff action since the batch was read wins cleanly: a period
    /// or case is inserted unless one is open (unique indexes), a key is disabled only while its
    /// case is unchanged and the key still active, and emails are queued only for the changes this
    /// batch actually made.
    /// </summary>
    private async Task<MonitorCounts> WriteBatchAsync(BatchPlan plan, DateTime now, CancellationToken ct)
    {
        if (plan.IsEmpty)
            return new();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        // A batch writes thousands of pages; left to itself, SQLite would copy them back into the
        // database file at every commit. The pass checkpoints once at its end instead.
        var dialect = SqlDialect.Of(db);
        if (dialect.BeforeBulkBatchSql is { } before)
            await db.Database.ExecuteSqlRawAsync(before, ct);
        try
        {
            // Check-ins wait for the batch in the write gate rather than in SQLite's busy retries.
            using var entry = await writes.EnterAsync(ct);
            return await WriteBatchAsync(db, plan, now, ct);
        }
        finally
        {
            if (dialect.AfterBulkBatchSql is { } after)
                await db.Database.ExecuteSqlRawAsync(after, CancellationToken.None);
        }
    }

    private async Task<MonitorCounts> WriteBatchAsync(AppDbContext db, BatchPlan plan, DateTime now, CancellationToken ct)
    {
        var (newPeriods, reviews, ends, opens, disables, resolved) = plan;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        int started = 0,
            ended = 0,
            opened = 0,
            disabled = 0,
            thanked = 0;
        await using (var insertPeriod = new BulkInsert<OverAllowancePeriod>(db, orIgnore: true))
            foreach (var period in newPeriods)
                if (await insertPeriod.AddAsync(period))
                    started++;
        await using (var review = PreparedStatement.For(db, """UPDATE "OverAllowancePeriods" SET "ReviewAt" = $p1 WHERE "Id" = $p0""", 2))
            foreach (var (id, at) in reviews)
                await review.RunAsync(id, at);
        await using (
            var end = PreparedStatement.For(
                db,
                """UPDATE "OverAllowancePeriods" SET "EndedAt" = $p1 WHERE "Id" = $p0 AND "EndedAt" IS NULL""",
                2
            )
        )
            foreach (var id in ends)
                ended += await end.RunAsync(id, now);

        if (opens.Count + disables.Count + resolved.Count > 0)
        {
            await using var writer = new NoticeWriter(db);
            await using (var insertCase = new BulkInsert<FraudCase>(db, orIgnore: true))
                foreach (var (party, standing) in opens)
                {
                    var fraudCase = FraudCase.Open(party.Id, now, standing.DisableAt!.Value, Name, notices.WindowRanOut(standing));
                    // Another pass opened a case for this license first: it sent the emails too.
                    if (!await insertCase.AddAsync(fraudCase))
                        continue;
                    await writer.AddAsync(notices.CaseOpened(party, fraudCase, byHand: false, now, System));
                    opened++;
                }
            // Guarded twice: the case is unchanged since it was read (not resolved, extended or disabled by
            // hand), and the license is still over (or still within) its allowance, since a release, a
            // decommissioning or a check-in may have come between this batch's read and its write.
            const string close = """
                UPDATE "FraudCases" SET "State" = $p2, "Outcome" = $p3, "OutcomeNote" = $p4, "ClosedAt" = $p5, "ClosedBy" = $p6, "Version" = $p7
                WHERE "Id" = $p0 AND "Version" = $p1 AND
                """;
            var overAllowance = InstallationQueries.OverAllowanceSql("\"FraudCases\".\"LicenseId\"", "$p8", "$p9");
            await using var closeOver = PreparedStatement.For(db, $"{close} {overAllowance}", 10);
            await using var closeWithin = PreparedStatement.For(db, $"{close} NOT {overAllowance}", 10);
            var cut = ActivityCut.At(now, installationOptions.Value);
            async Task<bool> CloseAsync(PreparedStatement statement, CaseRow row, FraudCase closed) =>
                await statement.RunAsync(
                    row.Id,
                    row.Version,
                    closed.State,
                    closed.Outcome,
                    closed.OutcomeNote,
                    closed.ClosedAt,
                    closed.ClosedBy,
                    Guid.NewGuid(),
                    cut.SeenSince,
                    cut.Now
                ) == 1;

            await using var disableLicense = PreparedStatement.For(
                db,
                """
                UPDATE "Licenses" SET "Status" = $p1, "Version" = $p2 WHERE "Id" = $p0 AND "Status" = $p3
                """,
                4
            );
            foreach (var (license, row) in disables)
            {
                var fraudCase = row.ToCase();
                var reason =
                    $"The case was not resolved by {fraudCase.DisableAt:yyyy-MM-dd HH:mm} UTC "
                    + "and the license was still over its allowance.";
                fraudCase.CloseWithKeyDisabled(reason, now, Name);
                if (!await CloseAsync(closeOver, row, fraudCase))
                    continue;
                if (await disableLicense.RunAsync(license.Id, LicenseStatus.Disabled, Guid.NewGuid(), LicenseStatus.Active) == 0)
                    continue;
                await writer.AddAsync(notices.KeyDisabled(license, now, System, reason));
                disabled++;
            }
            foreach (var (license, row) in resolved)
            {
                var fraudCase = row.ToCase();
                fraudCase.ResolveByCustomer(now, Name);
                if (!await CloseAsync(closeWithin, row, fraudCase))
                    continue;
                await writer.AddAsync(notices.ResolvedByCustomer(license, fraudCase, row.State, now, System));
                thanked++;
            }
        }
        // The notices' audit rows join the chain before the batch commits (AuditChain).
        if (opened + disabled + thanked > 0)
            await db.SealAuditLogAsync(ct);
        await tx.CommitAsync(ct);
        return new(started, ended, opened, disabled, thanked);
    }

    private static string Name => System.Identity!.Name!;
}
