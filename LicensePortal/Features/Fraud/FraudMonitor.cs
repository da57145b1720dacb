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
    IOptions<FraudOptions> fraudOptions, IOptions<EmailOptions> emailOptions, IOptions<VendorOptions> vendor, ILogger<FraudMonitor> logger)
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
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var last = full ? null : await db.Counters.Where(c => c.Name == Watermark).Select(c => (long?)c.Value).FirstOrDefaultAsync(ct);
            var cases = await db.FraudCases.Where(c => FraudCase.OpenStates.Contains(c.State) && (c.ExtendedTo ?? c.DeadlineAt) <= now).Select(c => c.LicenseId).ToListAsync(ct);
            var due = await db.OverAllowancePeriods.Where(p => p.EndedAt == null && p.ReviewAt != null && p.ReviewAt <= now).Select(p => p.LicenseId).ToListAsync(ct);
            List<int> changed;
            if (last is { } ticks)
            {
                var since = new DateTime(ticks, DateTimeKind.Utc);
                var staleFrom = since - options.ActiveWithin;
                var staleTo = now - options.ActiveWithin;
                changed = await db.Installations
                    .Where(i => i.LastSeenAt >= since || i.ReleasedAt >= since || i.DecommissionedAt >= since
                        || (i.LastSeenAt >= staleFrom && i.LastSeenAt < staleTo))
                    .Select(i => i.LicenseId).Distinct().ToListAsync(ct);
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

        var totals = new int[4];
        var done = 0;
        foreach (var batch in candidates.Chunk(Math.Max(1, fraudOptions.Value.BatchSize)))
        {
            ct.ThrowIfCancellationRequested();
            int[] counts;
            try
            {
                counts = await ProcessBatchAsync(batch, now, ct);
            }
            catch (DbUpdateException ex)
            {
                // Another pass saved a case for one of these licenses first: read again and carry on.
                logger.LogInformation(ex, "Fraud monitor batch conflicted with a concurrent pass; retrying it.");
                counts = await ProcessBatchAsync(batch, now, ct);
            }
            for (var i = 0; i < 4; i++) totals[i] += counts[i];
            done += batch.Length;
            progress?.Report($"Checked {done:N0} of {candidates.Count:N0} licenses.");
        }
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            // The next pass starts from this one's clock reading: anything that changed during it is looked at again.
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO "Counters" ("Name", "Value") VALUES ({Watermark}, {now.Ticks})
                ON CONFLICT ("Name") DO UPDATE SET "Value" = excluded."Value"
                """, ct);
        }
        var result = new MonitorResult(candidates.Count, totals[0], totals[1], totals[2], totals[3], stopwatch.Elapsed);
        logger.LogInformation("Fraud monitor: {Result}", result);
        return result;
    }

    private async Task<int[]> ProcessBatchAsync(int[] ids, DateTime now, CancellationToken ct)
    {
        var options = installationOptions.Value;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var licenses = await db.Licenses.Where(l => ids.Contains(l.Id)).ToDictionaryAsync(l => l.Id, ct);
        var installations = (await db.Installations.AsNoTracking().Where(i => ids.Contains(i.LicenseId)).ToListAsync(ct)).ToLookup(i => i.LicenseId);
        var cases = await db.FraudCases.Where(c => ids.Contains(c.LicenseId) && FraudCase.OpenStates.Contains(c.State)).ToDictionaryAsync(c => c.LicenseId, ct);
        var periods = await db.OverAllowancePeriods.Where(p => ids.Contains(p.LicenseId) && p.EndedAt == null).ToDictionaryAsync(p => p.LicenseId, ct);
        int started = 0, ended = 0, opened = 0, disabled = 0;
        var emails = new List<Action>();

        foreach (var id in ids)
        {
            if (!licenses.TryGetValue(id, out var license)) continue;
            var openCase = cases.GetValueOrDefault(id);
            var facts = installations[id].Select(i => new InstallationFacts(i.FirstSeenAt, i.LastSeenAt, i.ReleasedAt, i.DecommissionedAt)).ToList();
            var standing = InstallationStanding.Evaluate(license.HasFailover, license.Status == LicenseStatus.Disabled, facts,
                openCase is null ? null : new CaseFacts(openCase.OpenedAt, openCase.DisableAt), now, options);

            var period = periods.GetValueOrDefault(id);
            if (standing.OverAllowance && period is null)
            {
                db.OverAllowancePeriods.Add(period = new OverAllowancePeriod { LicenseId = id, StartedAt = standing.OverAllowanceSince ?? now });
                started++;
            }
            // Only a migration in grace changes with time alone; a flagged key's case carries its own deadline.
            if (standing.OverAllowance)
                period!.ReviewAt = standing.Status == StandingStatus.Grace ? standing.GraceEndsAt : standing.CaseDue ? now : null;
            else if (!standing.OverAllowance && period is not null)
            {
                period.EndedAt = now;
                ended++;
            }

            if (standing.CaseDue && openCase is null && license.Status == LicenseStatus.Active)
            {
                emails.Add(() => OpenCase(db, license, standing, now, System, "The migration window ran out with the license still over its allowance."));
                opened++;
            }
            else if (openCase is not null && standing.DisableDue && license.Status == LicenseStatus.Active)
            {
                emails.Add(() => DisableKey(db, license, openCase, now, System, $"The case was not resolved by {openCase.DisableAt:yyyy-MM-dd HH:mm} UTC."));
                disabled++;
            }
        }
        if (emails.Count > 0)
        {
            // Most licenses a pass reads need no email: load the customers and products of those that do, in one go.
            var customerIds = licenses.Values.Select(l => l.CustomerId).Distinct().ToList();
            await db.Customers.Where(c => customerIds.Contains(c.Id)).LoadAsync(ct);
            await db.Products.LoadAsync(ct);
            foreach (var act in emails) act();
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return [started, ended, opened, disabled];
    }

    /// <summary>Opens a case with its customer and team emails queued in the same save.</summary>
    internal FraudCase OpenCase(AppDbContext db, License license, Standing standing, DateTime now, ClaimsPrincipal actor, string reason)
    {
        var options = installationOptions.Value;
        var fraudCase = new FraudCase
        {
            LicenseId = license.Id, OpenedAt = now, OpenedBy = actor.Identity?.Name ?? "", State = CaseState.CustomerNotified,
            DeadlineAt = now + options.CaseDeadline,
            Reason = $"{reason} {standing.ActiveInstallations} active installations, {standing.Allowance} allowed; {standing.DaysUsed:0.#} days over allowance in the last {options.LookbackDays} days.",
        };
        db.FraudCases.Add(fraudCase);
        var v = vendor.Value;
        OutboxService.Enqueue(db, now, license.Customer!.Email, $"Action needed: license {license.Key} is running on too many servers",
            $"""
            Hello {license.Customer.Name},

            Your {license.Product!.Name} license {license.Key} has been active on {standing.ActiveInstallations} servers, but it allows {standing.Allowance}.
            Moving to a new server is fine for up to {options.MigrationWindowDays} days; that time has run out.

            Please uninstall the product from the servers you no longer use, or buy an additional license, before {fraudCase.DeadlineAt:d MMMM yyyy}.
            After that date the key will be disabled. Our team will also call you. Questions: {v.Phone} or {v.Email}.

            {v.Name} licensing
            """, $"License {license.Key}");
        OutboxService.Enqueue(db, now, emailOptions.Value.FraudTeamAddress, $"Fraud case opened: {license.Key} ({license.Customer.Name})",
            $"A fraud case was opened for {license.Product.Name} license {license.Key} of {license.Customer.Name} ({license.Customer.Phone}). {fraudCase.Reason} The key will be disabled on {fraudCase.DeadlineAt:yyyy-MM-dd} unless the case is resolved.",
            $"License {license.Key}");
        db.LicenseEvents.Add(new LicenseEvent { LicenseId = license.Id, At = now, Kind = LicenseEventKinds.CaseOpened, UserName = actor.Identity?.Name ?? "", Description = fraudCase.Reason });
        db.Audit(actor, now, "Fraud case opened", "License", license.Key, null, new { fraudCase.Reason, fraudCase.DeadlineAt });
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
        var v = vendor.Value;
        OutboxService.Enqueue(db, now, license.Customer!.Email, $"License {license.Key} has been disabled",
            $"""
            Hello {license.Customer.Name},

            Your {license.Product!.Name} license {license.Key} has been disabled because it kept running on more servers than it allows. {reason}
            To have it re-enabled, please call us on {v.Phone} or write to {v.Email}.

            {v.Name} licensing
            """, $"License {license.Key}");
        db.LicenseEvents.Add(new LicenseEvent { LicenseId = license.Id, At = now, Kind = LicenseEventKinds.Disabled, UserName = actor.Identity?.Name ?? "", Description = reason });
        db.Audit(actor, now, "Key disabled", "License", license.Key, new { Status = LicenseStatus.Active }, new { Status = LicenseStatus.Disabled, Reason = reason });
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
