using System.Diagnostics;
using System.Security.Claims;
using LicensePortal.Data;
using LicensePortal.Features.Audit;
using LicensePortal.Features.Installations;
using LicensePortal.Features.Licenses;
using LicensePortal.Features.Licensing;
using LicensePortal.Features.Outbox;
using LicensePortal.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LicensePortal.Features.Fraud;

public sealed class FraudOptions
{
    public const string Section = "Fraud";
    public int MonitorIntervalMinutes { get; set; } = 60;

    /// <summary>Run one pass as soon as the portal starts, instead of waiting an interval.</summary>
    public bool RunAtStartup { get; set; }
    public int BatchSize { get; set; } = 2000;
}

/// <summary>What a batch, or a whole pass, changed.</summary>
public readonly record struct MonitorCounts(int PeriodsStarted, int PeriodsEnded, int CasesOpened, int KeysDisabled)
{
    public static MonitorCounts operator +(MonitorCounts a, MonitorCounts b) =>
        new(a.PeriodsStarted + b.PeriodsStarted, a.PeriodsEnded + b.PeriodsEnded, a.CasesOpened + b.CasesOpened, a.KeysDisabled + b.KeysDisabled);
}

public sealed record MonitorResult(int LicensesChecked, int PeriodsStarted, int PeriodsEnded, int CasesOpened, int KeysDisabled, TimeSpan Took)
{
    public override string ToString() =>
        $"Checked {LicensesChecked:N0} licenses in {Took.TotalSeconds:0.0} s: {CasesOpened} case(s) opened, {KeysDisabled} key(s) disabled, " +
        $"{PeriodsStarted} migration(s) started, {PeriodsEnded} ended.";
}

/// <summary>
/// Applies the installation rules to every license that needs it: records over-allowance
/// periods, opens a case (emailing the customer and the fraud team) when the migration window
/// runs out, and disables keys whose case deadline passed. Each change and its emails are saved
/// together, and at most one open case per license is a database constraint, so running twice
/// at once, or again after a crash, changes nothing twice.
/// </summary>
public sealed class FraudMonitor(
    IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, IOptions<InstallationOptions> installationOptions,
    IOptions<FraudOptions> fraudOptions, IOptions<EmailOptions> emailOptions, IOptions<VendorOptions> vendor, WriteGate writes, ILogger<FraudMonitor> logger)
{
    public static readonly ClaimsPrincipal System = new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "fraud monitor")], "system"));

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
            var cases = await db.FraudCases.Where(c => FraudCase.OpenStates.Contains(c.State) && (c.ExtendedTo ?? c.DeadlineAt) <= now).Select(c => c.LicenseId).ToListAsync(ct);
            var due = await db.OverAllowancePeriods.Where(p => p.EndedAt == null && p.ReviewAt != null && p.ReviewAt <= now).Select(p => p.LicenseId).ToListAsync(ct);
            List<int> changed;
            if (last is { } ticks)
            {
                changed = [];
                foreach (var query in ChangedSince(db, new DateTime(ticks, DateTimeKind.Utc), now))
                    changed.AddRange(await query.ToListAsync(ct));
            }
            else
            {
                changed = await db.OverAllowanceLicenseIds(now - options.ActiveWithin).ToListAsync(ct);
                changed.AddRange(await db.OverAllowancePeriods.Where(p => p.EndedAt == null).Select(p => p.LicenseId).ToListAsync(ct));
                changed.AddRange(await db.FraudCases.Where(c => FraudCase.OpenStates.Contains(c.State)).Select(c => c.LicenseId).ToListAsync(ct));
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
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO "Counters" ("Name", "Value") VALUES ({Watermark}, {now.Ticks})
                ON CONFLICT ("Name") DO UPDATE SET "Value" = excluded."Value"
                """, ct);
            await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(PASSIVE);", ct);
        }
        var result = new MonitorResult(candidates.Count, totals.PeriodsStarted, totals.PeriodsEnded, totals.CasesOpened, totals.KeysDisabled, stopwatch.Elapsed);
        logger.LogInformation("Fraud monitor: {Result}", result);
        return result;
    }

    /// <summary>
    /// The licenses whose installations changed since a pass: checked in, released or
    /// decommissioned since then, or gone stale in between. One indexed range read each: as one
    /// query, with OR or UNION, SQLite walks every installation instead.
    /// </summary>
    internal IEnumerable<IQueryable<int>> ChangedSince(AppDbContext db, DateTime since, DateTime now)
    {
        var activeWithin = installationOptions.Value.ActiveWithin;
        var (staleFrom, staleTo) = (since - activeWithin, now - activeWithin);
        yield return db.Installations.Where(i => i.LastSeenAt >= since).Select(i => i.LicenseId);
        yield return db.Installations.Where(i => i.ReleasedAt >= since).Select(i => i.LicenseId);
        yield return db.Installations.Where(i => i.DecommissionedAt >= since).Select(i => i.LicenseId);
        yield return db.Installations.Where(i => i.LastSeenAt >= staleFrom && i.LastSeenAt < staleTo).Select(i => i.LicenseId);
    }

    private sealed record LicenseRow(int Id, string Key, int CustomerId, int ProductId, bool HasFailover, LicenseStatus Status);

    private sealed record CaseRow(int Id, int LicenseId, DateTime OpenedAt, DateTime DisableAt, Guid Version);

    private sealed record PeriodRow(long Id, int LicenseId, DateTime? ReviewAt);

    private sealed record Party(int Id, string Name, string Email, string Phone);

    /// <summary>What one batch changes, decided from what it read.</summary>
    private sealed record BatchPlan(
        List<OverAllowancePeriod> NewPeriods, List<(long Id, DateTime? At)> Reviews, List<long> Ends,
        List<(LicenseParty License, Standing Standing)> Opens, List<(LicenseParty License, CaseRow Case)> Disables)
    {
        public bool IsEmpty => NewPeriods.Count + Reviews.Count + Ends.Count + Opens.Count + Disables.Count == 0;
    }

    /// <summary>Reads what the rules need for a batch of licenses as plain rows and decides every change.</summary>
    private async Task<BatchPlan> PlanBatchAsync(int[] ids, IReadOnlyDictionary<int, string> products, DateTime now, CancellationToken ct)
    {
        var options = installationOptions.Value;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var licenses = await db.Licenses.Where(l => EF.Parameter(ids).Contains(l.Id))
            .Select(l => new LicenseRow(l.Id, l.Key, l.CustomerId, l.ProductId, l.HasFailover, l.Status)).ToListAsync(ct);
        var installations = (await db.Installations.Where(i => EF.Parameter(ids).Contains(i.LicenseId))
            .Select(i => new { i.LicenseId, i.FirstSeenAt, i.LastSeenAt, i.ReleasedAt, i.DecommissionedAt }).ToListAsync(ct))
            .ToLookup(i => i.LicenseId, i => new InstallationFacts(i.FirstSeenAt, i.LastSeenAt, i.ReleasedAt, i.DecommissionedAt));
        var cases = await db.FraudCases.Where(c => EF.Parameter(ids).Contains(c.LicenseId) && FraudCase.OpenStates.Contains(c.State))
            .Select(c => new CaseRow(c.Id, c.LicenseId, c.OpenedAt, c.ExtendedTo ?? c.DeadlineAt, c.Version)).ToDictionaryAsync(c => c.LicenseId, ct);
        var periods = await db.OverAllowancePeriods.Where(p => EF.Parameter(ids).Contains(p.LicenseId) && p.EndedAt == null)
            .Select(p => new PeriodRow(p.Id, p.LicenseId, p.ReviewAt)).ToDictionaryAsync(p => p.LicenseId, ct);

        var newPeriods = new List<OverAllowancePeriod>();
        var reviews = new List<(long Id, DateTime? At)>();
        var ends = new List<long>();
        var opens = new List<(LicenseRow License, Standing Standing)>();
        var disables = new List<(LicenseRow License, CaseRow Case)>();
        foreach (var license in licenses)
        {
            var openCase = cases.GetValueOrDefault(license.Id);
            var standing = InstallationStanding.Evaluate(license.HasFailover, license.Status == LicenseStatus.Disabled, installations[license.Id].ToList(),
                openCase is null ? null : new CaseFacts(openCase.OpenedAt, openCase.DisableAt), now, options);
            var period = periods.GetValueOrDefault(license.Id);
            // Only a migration in grace changes with time alone; a flagged key's case carries its own deadline.
            var reviewAt = standing.Status == StandingStatus.Grace ? standing.GraceEndsAt : standing.CaseDue ? now : null;
            if (standing.OverAllowance && period is null)
                newPeriods.Add(new OverAllowancePeriod { LicenseId = license.Id, StartedAt = standing.OverAllowanceSince ?? now, ReviewAt = reviewAt });
            else if (standing.OverAllowance && period!.ReviewAt != reviewAt)
                reviews.Add((period.Id, reviewAt));
            else if (!standing.OverAllowance && period is not null)
                ends.Add(period.Id);

            if (standing.CaseDue && openCase is null && license.Status == LicenseStatus.Active)
                opens.Add((license, standing));
            else if (openCase is not null && standing.DisableDue && license.Status == LicenseStatus.Active)
                disables.Add((license, openCase));
        }
        // Most licenses a pass reads need no email: read the owners of those that do, in one go.
        var ownerIds = opens.Select(o => o.License.CustomerId).Concat(disables.Select(d => d.License.CustomerId)).Distinct().ToArray();
        if (ownerIds.Length == 0) return new(newPeriods, reviews, ends, [], []);
        var owners = await db.Customers.Where(c => EF.Parameter(ownerIds).Contains(c.Id))
            .Select(c => new Party(c.Id, c.Name, c.Email, c.Phone)).ToDictionaryAsync(c => c.Id, ct);
        LicenseParty PartyOf(LicenseRow l) => new(l.Id, l.Key, products[l.ProductId], owners[l.CustomerId].Name, owners[l.CustomerId].Email, owners[l.CustomerId].Phone);
        return new(newPeriods, reviews, ends, [.. opens.Select(o => (PartyOf(o.License), o.Standing))], [.. disables.Select(d => (PartyOf(d.License), d.Case))]);
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
        if (plan.IsEmpty) return new();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        // A batch writes thousands of pages; left to itself, SQLite would copy them back into the
        // database file at every commit. The pass checkpoints once at its end instead.
        await db.Database.ExecuteSqlRawAsync("PRAGMA wal_autocheckpoint=0;", ct);
        try
        {
            // Check-ins wait for the batch in the write gate rather than in SQLite's busy retries.
            using var entry = await writes.EnterAsync(ct);
            return await WriteBatchAsync(db, plan, now, ct);
        }
        finally
        {
            await db.Database.ExecuteSqlRawAsync($"PRAGMA wal_autocheckpoint={DatabaseSetup.WalAutoCheckpointPages};", CancellationToken.None);
        }
    }

    private async Task<MonitorCounts> WriteBatchAsync(AppDbContext db, BatchPlan plan, DateTime now, CancellationToken ct)
    {
        var (newPeriods, reviews, ends, opens, disables) = plan;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        int started = 0, ended = 0, opened = 0, disabled = 0;
        await using (var insertPeriod = new BulkInsert<OverAllowancePeriod>(db, orIgnore: true))
            foreach (var period in newPeriods)
                if (await insertPeriod.AddAsync(period)) started++;
        await using (var review = PreparedStatement.For(db, """UPDATE "OverAllowancePeriods" SET "ReviewAt" = $p1 WHERE "Id" = $p0""", 2))
            foreach (var (id, at) in reviews)
                await review.RunAsync(id, at);
        await using (var end = PreparedStatement.For(db, """UPDATE "OverAllowancePeriods" SET "EndedAt" = $p1 WHERE "Id" = $p0 AND "EndedAt" IS NULL""", 2))
            foreach (var id in ends)
                ended += await end.RunAsync(id, now);

        if (opens.Count + disables.Count > 0)
        {
            await using var notices = new NoticeWriter(db);
            await using (var insertCase = new BulkInsert<FraudCase>(db, orIgnore: true))
                foreach (var (party, standing) in opens)
                {
                    var fraudCase = NewCase(party.Id, standing, now, System, "The migration window ran out with the license still over its allowance.");
                    // Another pass opened a case for this license first: it sent the emails too.
                    if (!await insertCase.AddAsync(fraudCase)) continue;
                    await notices.AddAsync(CaseOpenedNotice(party, fraudCase, standing, now, System));
                    opened++;
                }
            await using var closeCase = PreparedStatement.For(db, """
                UPDATE "FraudCases" SET "State" = $p2, "Outcome" = $p3, "OutcomeNote" = $p4, "ClosedAt" = $p5, "ClosedBy" = $p6, "Version" = $p7
                WHERE "Id" = $p0 AND "Version" = $p1
                """, 8);
            await using var disableLicense = PreparedStatement.For(db, """
                UPDATE "Licenses" SET "Status" = $p1, "Version" = $p2 WHERE "Id" = $p0 AND "Status" = $p3
                """, 4);
            foreach (var (license, openCase) in disables)
            {
                var reason = $"The case was not resolved by {openCase.DisableAt:yyyy-MM-dd HH:mm} UTC.";
                // The case changed since it was read (resolved, extended, disabled by hand): leave it to that change.
                if (await closeCase.RunAsync(openCase.Id, openCase.Version, CaseState.KeyDisabled, CaseOutcome.KeyDisabled, reason, now, System.Identity!.Name, Guid.NewGuid()) == 0) continue;
                if (await disableLicense.RunAsync(license.Id, LicenseStatus.Disabled, Guid.NewGuid(), LicenseStatus.Active) == 0) continue;
                await notices.AddAsync(KeyDisabledNotice(license, now, System, reason));
                disabled++;
            }
        }
        await tx.CommitAsync(ct);
        return new(started, ended, opened, disabled);
    }

    /// <summary>A new case, due for the customer's answer by the configured deadline.</summary>
    private FraudCase NewCase(int licenseId, Standing standing, DateTime now, ClaimsPrincipal actor, string reason)
    {
        var options = installationOptions.Value;
        return new FraudCase
        {
            LicenseId = licenseId, OpenedAt = now, OpenedBy = actor.Identity?.Name ?? "", State = CaseState.CustomerNotified,
            DeadlineAt = now + options.CaseDeadline, Version = Guid.NewGuid(),
            Reason = $"{reason} {standing.ActiveInstallations} active installations, {standing.Allowance} allowed; {standing.DaysUsed:0.#} days over allowance in the last {options.LookbackDays} days.",
        };
    }

    /// <summary>Opens a case with its customer and team emails queued in the same save.</summary>
    internal FraudCase OpenCase(AppDbContext db, License license, Standing standing, DateTime now, ClaimsPrincipal actor, string reason)
    {
        var fraudCase = NewCase(license.Id, standing, now, actor, reason);
        db.FraudCases.Add(fraudCase);
        CaseOpenedNotice(LicenseParty.Of(license), fraudCase, standing, now, actor).AddTo(db);
        return fraudCase;
    }

    /// <summary>Disables the key, closes the case and emails the customer, all in the caller's save.</summary>
    internal void DisableKey(AppDbContext db, License license, FraudCase fraudCase, DateTime now, ClaimsPrincipal actor, string reason)
    {
        license.Status = LicenseStatus.Disabled;
        fraudCase.State = CaseState.KeyDisabled;
        fraudCase.Outcome = CaseOutcome.KeyDisabled;
        fraudCase.OutcomeNote = reason;
        fraudCase.ClosedAt = now;
        fraudCase.ClosedBy = actor.Identity?.Name;
        KeyDisabledNotice(LicenseParty.Of(license), now, actor, reason).AddTo(db);
    }

    private FraudNotice CaseOpenedNotice(LicenseParty license, FraudCase fraudCase, Standing standing, DateTime now, ClaimsPrincipal actor)
    {
        var options = installationOptions.Value;
        var v = vendor.Value;
        var about = $"License {license.Key}";
        return new FraudNotice(
        [
            OutboxMessage.Create(now, license.Email, $"Action needed: license {license.Key} is running on too many servers",
                $"""
                Hello {license.Customer},

                Your {license.Product} license {license.Key} has been active on {standing.ActiveInstallations} servers, but it allows {standing.Allowance}.
                Moving to a new server is fine for up to {options.MigrationWindowDays} days; that time has run out.

                Please uninstall the product from the servers you no longer use, or buy an additional license, before {fraudCase.DeadlineAt:d MMMM yyyy}.
                After that date the key will be disabled. Our team will also call you. Questions: {v.Phone} or {v.Email}.

                {v.Name} licensing
                """, about),
            OutboxMessage.Create(now, emailOptions.Value.FraudTeamAddress, $"Fraud case opened: {license.Key} ({license.Customer})",
                $"A fraud case was opened for {license.Product} license {license.Key} of {license.Customer} ({license.Phone}). {fraudCase.Reason} The key will be disabled on {fraudCase.DeadlineAt:yyyy-MM-dd} unless the case is resolved.",
                about),
        ],
            new LicenseEvent { LicenseId = license.Id, At = now, Kind = LicenseEventKinds.CaseOpened, UserName = actor.Identity?.Name ?? "", Description = fraudCase.Reason },
            AuditExtensions.Entry(actor, now, "Fraud case opened", "License", license.Key, null, new { fraudCase.Reason, fraudCase.DeadlineAt }));
    }

    private FraudNotice KeyDisabledNotice(LicenseParty license, DateTime now, ClaimsPrincipal actor, string reason)
    {
        var v = vendor.Value;
        return new FraudNotice(
        [
            OutboxMessage.Create(now, license.Email, $"License {license.Key} has been disabled",
                $"""
                Hello {license.Customer},

                Your {license.Product} license {license.Key} has been disabled because it kept running on more servers than it allows. {reason}
                To have it re-enabled, please call us on {v.Phone} or write to {v.Email}.

                {v.Name} licensing
                """, $"License {license.Key}"),
        ],
            new LicenseEvent { LicenseId = license.Id, At = now, Kind = LicenseEventKinds.Disabled, UserName = actor.Identity?.Name ?? "", Description = reason },
            AuditExtensions.Entry(actor, now, "Key disabled", "License", license.Key, new { Status = LicenseStatus.Active }, new { Status = LicenseStatus.Disabled, Reason = reason }));
    }
}

/// <summary>The license a fraud notice is about, with its product and owner.</summary>
internal sealed record LicenseParty(int Id, string Key, string Product, string Customer, string Email, string Phone)
{
    public static LicenseParty Of(License license) =>
        new(license.Id, license.Key, license.Product!.Name, license.Customer!.Name, license.Customer.Email, license.Customer.Phone);
}

/// <summary>
/// What opening a case or disabling a key writes besides the case and the key: the emails, the
/// license's history entry and the audit row. Built in one place, saved either through the change
/// tracker (a staff member's action) or in bulk (the monitor's batches).
/// </summary>
internal sealed record FraudNotice(IReadOnlyList<OutboxMessage> Emails, LicenseEvent Event, AuditEntry Audit)
{
    public void AddTo(AppDbContext db)
    {
        db.Outbox.AddRange(Emails);
        db.LicenseEvents.Add(Event);
        db.AuditLog.Add(Audit);
    }
}

/// <summary>Writes fraud notices in bulk, in the transaction of the context it is made from.</summary>
internal sealed class NoticeWriter(AppDbContext db) : IAsyncDisposable
{
    private readonly BulkInsert<OutboxMessage> emails = new(db);
    private readonly BulkInsert<LicenseEvent> events = new(db);
    private readonly BulkInsert<AuditEntry> audit = new(db);

    public async Task AddAsync(FraudNotice notice)
    {
        foreach (var email in notice.Emails) await emails.AddAsync(email);
        await events.AddAsync(notice.Event);
        await audit.AddAsync(notice.Audit);
    }

    public async ValueTask DisposeAsync()
    {
        await emails.DisposeAsync();
        await events.DisposeAsync();
        await audit.DisposeAsync();
    }
}

/// <summary>Runs the monitor on its interval; the fraud team can also start it from the case queue.</summary>
public sealed class FraudMonitorService(IServiceScopeFactory scopes, IOptions<FraudOptions> options, TimeProvider clock, ILogger<FraudMonitorService> logger) : BackgroundService
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    /// <summary>One pass at a time in this process; the database constraints cover other processes.</summary>
    public static async Task<MonitorResult> RunOnceAsync(IServiceProvider services, IProgress<string>? progress, CancellationToken ct)
    {
        await Gate.WaitAsync(ct);
        try { return await services.GetRequiredService<FraudMonitor>().RunAsync(progress, ct); }
        finally { Gate.Release(); }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A timer period must stay under 49 days; a week is the longest interval that makes sense.
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(Math.Clamp(options.Value.MonitorIntervalMinutes, 1, 7 * 24 * 60)), clock);
        var first = options.Value.RunAtStartup;
        while (first || await timer.WaitForNextTickAsync(stoppingToken))
        {
            first = false;
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await RunOnceAsync(scope.ServiceProvider, null, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "The fraud monitor failed; it runs again on its next round.");
            }
        }
    }
}
