using System.Security.Claims;
using LicensePortal.Data;
using LicensePortal.Features.Audit;
using LicensePortal.Features.Installations;
using LicensePortal.Features.Licenses;
using LicensePortal.Features.Licensing;
using LicensePortal.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LicensePortal.Features.Fraud;

/// <summary>How long ago a case was opened, in the vendor's days (opened today is 0 days old).</summary>
/// <summary>The fraud team's work on cases: the queue, calls, decommissioning, resolving and disabling.</summary>
public sealed class FraudCaseService(
    IDbContextFactory<AppDbContext> dbFactory,
    VendorCalendar calendar,
    IOptions<InstallationOptions> installationOptions,
    FraudNotices notices
)
{
    public DateTime Now => calendar.UtcNow;

    public InstallationOptions Options => installationOptions.Value;

    public async Task<PageResult<CaseRow>> QueueAsync(
        ClaimsPrincipal actor,
        CaseFilter filter,
        PageRequest page,
        CancellationToken ct = default
    )
    {
        EnsureFraud(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // EF inlines this query into each case's subquery: one definition of "active" (InstallationQueries) for all of them.
        var active = db.Installations.Active(ActivityCut.At(Now, Options));
        var me = actor.Identity?.Name;
        var cases = db
            .FraudCases.AsNoTracking()
            .Select(c => new
            {
                Case = c,
                WithinAllowance = active.Count(i => i.LicenseId == c.LicenseId)
                    <= (c.License!.HasFailover ? InstallationStanding.FailoverAllowance : InstallationStanding.BaseAllowance),
            });
        var open = cases.Where(x => FraudCase.OpenStates.Contains(x.Case.State));
        var today = calendar.Today;
        var startOfTomorrow = calendar.StartOfDayUtc(today.AddDays(1));
        // "This week" is today and the next six of the vendor's days. A case back within its allowance is not
        // disabled at its deadline (the monitor closes it), so it is not a key to disable.
        var startOfWeekAfter = calendar.StartOfDayUtc(today.AddDays(7));
        cases = filter.View switch
        {
            CaseView.ToDisableThisWeek => open.Where(x =>
                !x.WithinAllowance && (x.Case.ExtendedTo ?? x.Case.DeadlineAt) < startOfWeekAfter
            ),
            CaseView.Open => open,
            CaseView.Mine => open.Where(x => x.Case.Assignee == me),
            CaseView.Unassigned => open.Where(x => x.Case.Assignee == null),
            CaseView.DueToday => open.Where(x => (x.Case.ExtendedTo ?? x.Case.DeadlineAt) < startOfTomorrow),
            CaseView.BackWithinAllowance => open.Where(x => x.WithinAllowance),
            CaseView.ResolvedByCustomer => cases.Where(x => x.Case.Outcome == CaseOutcome.ResolvedByCustomer),
            _ => cases,
        };
        if (filter.Age is { } age)
        {
            // Whole vendor days since the day the case was opened, so a bucket does not change during the day.
            var (half, deadline) = CaseAges.Bounds(Options);
            var halfOld = calendar.StartOfDayUtc(today.AddDays(1 - half));
            var deadlineOld = calendar.StartOfDayUtc(today.AddDays(1 - deadline));
            cases = age switch
            {
                CaseAge.UnderHalfDeadline => cases.Where(x => x.Case.OpenedAt >= halfOld),
                CaseAge.HalfToDeadline => cases.Where(x => x.Case.OpenedAt >= deadlineOld && x.Case.OpenedAt < halfOld),
                _ => cases.Where(x => x.Case.OpenedAt < deadlineOld),
            };
        }
        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            var term = filter.Search.Trim();
            cases = cases.Where(x =>
                x.Case.License!.Key.StartsWith(term.ToUpper()) || EF.Functions.Like(x.Case.License.Customer!.Name, $"%{term}%")
            );
        }
        var total = await cases.CountAsync(ct);
        // Open cases first (only "All" and "Resolved by the customer" hold closed ones), then soonest deadline first:
        // the key closest to being disabled is the next call, and a closed case needs no call at all.
        var rows = await cases
            .OrderBy(x => FraudCase.OpenStates.Contains(x.Case.State) ? 0 : 1)
            .ThenBy(x => x.Case.ExtendedTo ?? x.Case.DeadlineAt)
            .ThenBy(x => x.Case.Id)
            .Page(page)
            .Select(x => new CaseRow(
                x.Case.Id,
                x.Case.LicenseId,
                x.Case.License!.Key,
                x.Case.License.Customer!.Name,
                x.Case.License.Customer.Phone,
                x.Case.State,
                x.Case.OpenedAt,
                x.Case.ExtendedTo ?? x.Case.DeadlineAt,
                x.Case.Calls.Count,
                x.Case.Calls.OrderByDescending(a => a.At).Select(a => (CallOutcome?)a.Outcome).FirstOrDefault(),
                x.Case.Calls.OrderByDescending(a => a.At).Select(a => (DateTime?)a.At).FirstOrDefault(),
                x.Case.Assignee,
                FraudCase.OpenStates.Contains(x.Case.State) && x.WithinAllowance,
                x.Case.Outcome,
                // The assignee's name as colleagues know it; a lookup in the staff table for the page's rows only.
                db.Users.Where(u => u.UserName == x.Case.Assignee).Select(u => u.DisplayName).FirstOrDefault()
            ))
            .ToListAsync(ct);
        return new(rows, total);
    }

    /// <summary>
    /// The case to call after <paramref name="afterId"/>: the open case in queue order (soonest deadline first) that is not
    /// this one, preferring cases nobody has taken or the agent's own, and cases that still need a call (not back within
    /// allowance) over those that don't. Null when no other case is open.
    /// </summary>
    public async Task<NextCase?> NextCaseAsync(ClaimsPrincipal actor, int afterId, CancellationToken ct = default)
    {
        EnsureFraud(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // EF inlines this query into each case's subquery: one definition of "active" (InstallationQueries) for all of them.
        var active = db.Installations.Active(ActivityCut.At(Now, Options));
        var me = actor.Identity?.Name;
        return await db
            .FraudCases.AsNoTracking()
            .Where(c => c.Id != afterId && FraudCase.OpenStates.Contains(c.State))
            .Select(c => new
            {
                Case = c,
                Free = c.Assignee == null || c.Assignee == me,
                WithinAllowance = active.Count(i => i.LicenseId == c.LicenseId)
                    <= (c.License!.HasFailover ? InstallationStanding.FailoverAllowance : InstallationStanding.BaseAllowance),
            })
            .OrderBy(x => x.Free ? 0 : 1)
            .ThenBy(x => x.WithinAllowance ? 1 : 0)
            .ThenBy(x => x.Case.ExtendedTo ?? x.Case.DeadlineAt)
            .ThenBy(x => x.Case.Id)
            .Select(x => new NextCase(x.Case.Id, x.Case.License!.Customer!.Name, x.Case.ExtendedTo ?? x.Case.DeadlineAt))
            .FirstOrDefaultAsync(ct);
    }

    public async Task<int> OpenCasesCountAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.FraudCases.CountAsync(c => FraudCase.OpenStates.Contains(c.State), ct);
    }

    public async Task<CaseDetail> DetailAsync(ClaimsPrincipal actor, int id, CancellationToken ct = default)
    {
        EnsureFraud(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var fraudCase =
            await db.FraudCases.AsNoTracking().Include(c => c.Calls).FirstOrDefaultAsync(c => c.Id == id, ct)
            ?? throw new DomainException("That case no longer exists.");
        var license = await db
            .Licenses.AsNoTracking()
            .Include(l => l.Customer)
                .ThenInclude(c => c!.Contacts)
            .Include(l => l.Product)
            .Include(l => l.Edition)
            .Include(l => l.Level)
            .SingleAsync(l => l.Id == fraudCase.LicenseId, ct);
        var installations = await db
            .Installations.AsNoTracking()
            .Where(i => i.LicenseId == license.Id)
            .OrderByDescending(i => i.LastSeenAt)
            .ToListAsync(ct);
        var now = Now;
        var standing = await db.StandingAsync(license.Id, now, Options, ct);
        var audit = await db.AuditLog.AsNoTracking().Where(a => a.EntityType == "FraudCase" && a.EntityId == id.ToString()).ToListAsync(ct);
        // Newest first; at the same moment, what happened later first. Calls come from their own rows, not their audit copies.
        var timeline = audit
            .Where(a => a.Action != "Call logged")
            .Select(a => new TimelineEntry(a.At, a.Action, AuditText.Describe(a.After), a.UserName))
            .Prepend(new TimelineEntry(fraudCase.OpenedAt, "Opened", fraudCase.Reason, fraudCase.OpenedBy))
            .Concat(
                fraudCase.Calls.Select(c => new TimelineEntry(
                    c.At,
                    $"Call: {Describe(c.Outcome)}",
                    $"{c.NumberDialled}. {c.Notes}",
                    c.Agent
                ))
            )
            .Select((t, i) => (Entry: t, Order: i))
            .OrderByDescending(x => x.Entry.At)
            .ThenByDescending(x => x.Order)
            .Select(x => x.Entry)
            .ToList();
        var active = db.Installations.Active(ActivityCut.At(now, Options));
        var others = await db
            .Licenses.Where(l =>
                l.CustomerId == license.CustomerId
                && l.ProductId == license.ProductId
                && l.Id != license.Id
                && l.Status == LicenseStatus.Active
            )
            .Select(l => new OtherLicense(
                l.Id,
                l.Key,
                active.Count(i => i.LicenseId == l.Id),
                l.HasFailover ? InstallationStanding.FailoverAllowance : InstallationStanding.BaseAllowance
            ))
            .ToListAsync(ct);
        return new(
            fraudCase,
            license,
            standing,
            [.. installations.Select(i => InstallationView.Of(i, license, calendar.Today, now, Options))],
            timeline,
            others,
            await ReleaseService.EvidenceAsync(db, license.Id, now, Options, ct)
        );
    }

    public static string Describe(CallOutcome outcome) =>
        outcome switch
        {
            CallOutcome.NoAnswer => "no answer",
            CallOutcome.Voicemail => "voicemail",
            CallOutcome.SpokeWillFix => "spoke – will fix",
            CallOutcome.SpokeDisputes => "spoke – disputes",
            _ => "wrong number",
        };

    /// <summary>A fraud agent opens a case by hand, e.g. after a tip-off; the case and the customer's email give the agent's
    /// reason.</summary>
    public async Task<int> OpenAsync(ClaimsPrincipal actor, int licenseId, string reason)
    {
        EnsureFraud(actor);
        // Stored after "Opened by hand: ", so the whole reason fits the case's limit and is never cut short.
        RequireReason(reason, FraudCase.MaxHandOpenedReasonLength);
        await using var db = await dbFactory.CreateDbContextAsync();
        var license =
            await db.Licenses.Include(l => l.Customer).Include(l => l.Product).FirstOrDefaultAsync(l => l.Id == licenseId)
            ?? throw new DomainException("That license no longer exists.");
        if (license.Status == LicenseStatus.Disabled)
            throw new DomainException($"{license.Key} is already disabled.");
        if (await db.FraudCases.AnyAsync(c => c.LicenseId == licenseId && FraudCase.OpenStates.Contains(c.State)))
            throw new DomainException($"{license.Key} already has an open case.");
        var now = Now;
        var fraudCase = FraudCase.Open(
            license.Id,
            now,
            now + Options.CaseDeadline,
            Name(actor),
            FraudCase.HandOpenedPrefix + reason.Trim()
        );
        fraudCase.Assignee = Name(actor);
        db.FraudCases.Add(fraudCase);
        notices.CaseOpened(LicenseParty.Of(license), fraudCase, byHand: true, now, actor).AddTo(db);
        await db.SaveOrRefuseAsync("A case for this license was opened at the same time.");
        return fraudCase.Id;
    }

    public Task TakeAsync(ClaimsPrincipal actor, int id) =>
        ChangeAsync(
            actor,
            id,
            "Case taken",
            (db, c, now) =>
            {
                var before = c.Assignee;
                c.Take(Name(actor));
                return Task.FromResult<(object?, object)>((new { Assignee = before }, new { c.Assignee }));
            }
        );

    public Task ReleaseAsync(ClaimsPrincipal actor, int id) =>
        ChangeAsync(
            actor,
            id,
            "Case released",
            (db, c, now) =>
            {
                var before = c.Assignee;
                c.Release(Name(actor));
                return Task.FromResult<(object?, object)>((new { Assignee = before }, new { Assignee = (string?)null }));
            }
        );

    public Task LogCallAsync(ClaimsPrincipal actor, int id, string numberDialled, CallOutcome outcome, string? notes) =>
        ChangeAsync(
            actor,
            id,
            "Call logged",
            (db, c, now) =>
            {
                var before = c.State;
                var call = c.LogCall(now, Name(actor), numberDialled, outcome, notes);
                return Task.FromResult<(object?, object)>(
                    (
                        new { State = before },
                        new
                        {
                            c.State,
                            Outcome = outcome,
                            Number = call.NumberDialled,
                            call.Notes,
                        }
                    )
                );
            },
            loadCalls: true
        );

    /// <summary>Staff mark a server as taken out of service; it stops counting at once.</summary>
    public Task DecommissionAsync(ClaimsPrincipal actor, int caseId, long installationId, string reason) =>
        ChangeAsync(
            actor,
            caseId,
            "Installation decommissioned",
            async (db, c, now) =>
            {
                RequireReason(reason);
                var installation =
                    await db.Installations.FirstOrDefaultAsync(i => i.Id == installationId && i.LicenseId == c.LicenseId)
                    ?? throw new DomainException("That installation is not on this case's license.");
                installation.Decommission(now);
                return (
                    null!,
                    new
                    {
                        installation.Hostname,
                        installation.MachineId,
                        Reason = reason.Trim(),
                    }
                );
            },
            requireOpen: false
        );

    /// <summary>
    /// Resolves the case in one transaction with what the outcome needs so that it sticks: servers
    /// marked decommissioned, the extra server moved to the additional license, or the window restored.
    /// </summary>
    public Task ResolveAsync(ClaimsPrincipal actor, int id, Resolution resolution) =>
        ChangeAsync(
            actor,
            id,
            "Case resolved",
            async (db, c, now) =>
            {
                var license = await db.Licenses.SingleAsync(l => l.Id == c.LicenseId);
                var installations = await db.Installations.Where(i => i.LicenseId == c.LicenseId).ToListAsync();
                var decommissioned = new List<string>();
                foreach (var installationId in resolution.Decommission ?? [])
                {
                    var installation =
                        installations.FirstOrDefault(i => i.Id == installationId)
                        ?? throw new DomainException("That installation is not on this case's license.");
                    installation.Decommission(now);
                    decommissioned.Add(installation.Hostname);
                }
                string? moved = null;
                if (resolution.Outcome == CaseOutcome.AdditionalLicensePurchased)
                    moved = await MoveInstallationAsync(db, actor, license, installations, resolution, now);
                // A false positive forgives the days; after a move, the server may check in once more with the old key
                // before the customer changes it, and that must fall into a fresh window, not reopen the case.
                if (resolution.Outcome is CaseOutcome.FalsePositive or CaseOutcome.AdditionalLicensePurchased)
                    license.RestoreWindow(now);
                var withinAllowance =
                    installations.Count(i => InstallationStanding.IsActive(i.Stint, now, Options))
                    <= InstallationStanding.Allowance(license.HasFailover);
                var before = c.State;
                c.Resolve(resolution.Outcome, resolution.Note, now, Name(actor), withinAllowance, resolution.AdditionalLicenseId);
                db.LicenseEvents.Add(
                    new LicenseEvent
                    {
                        LicenseId = c.LicenseId,
                        At = now,
                        Kind = LicenseEventKinds.CaseClosed,
                        UserName = Name(actor),
                        Description = LicenseEvent.Line(
                            $"Case #{c.Id} resolved: {CaseText.Of(resolution.Outcome).ToLowerInvariant()}. {c.OutcomeNote}"
                        ),
                    }
                );
                if (license.WindowRestoredAt == now)
                    db.Audit(
                        actor,
                        now,
                        "Migration window restored",
                        "License",
                        license.Key,
                        null,
                        new
                        {
                            Case = c.Id,
                            Outcome = CaseText.Of(resolution.Outcome),
                            Reason = c.OutcomeNote,
                        }
                    );
                return (
                    new { State = before },
                    new
                    {
                        c.State,
                        Outcome = CaseText.Of(resolution.Outcome),
                        Note = c.OutcomeNote,
                        Decommissioned = decommissioned.Count == 0 ? null : string.Join(", ", decommissioned),
                        Moved = moved,
                    }
                );
            }
        );

    /// <summary>Moves the extra server to the license the customer bought: released here as of now (history kept), counting there from
    /// now.</summary>
    private async Task<string> MoveInstallationAsync(
        AppDbContext db,
        ClaimsPrincipal actor,
        License license,
        List<Installation> installations,
        Resolution resolution,
        DateTime now
    )
    {
        var target =
            await db.Licenses.FirstOrDefaultAsync(l =>
                l.Id == resolution.AdditionalLicenseId
                && l.Id != license.Id
                && l.CustomerId == license.CustomerId
                && l.ProductId == license.ProductId
            ) ?? throw new DomainException("Choose the additional license the customer bought: one of the same customer and product.");
        if (target.Status != LicenseStatus.Active)
            throw new DomainException($"{target.Key} is disabled: choose an active license.");
        var moving =
            installations.FirstOrDefault(i => i.Id == resolution.MoveInstallationId && InstallationStanding.IsActive(i.Stint, now, Options))
            ?? throw new DomainException("Choose the active server that moves to the additional license.");
        var there = await db.Installations.Where(i => i.LicenseId == target.Id).ToListAsync();
        var thereActive = there.Count(i => i.MachineId != moving.MachineId && InstallationStanding.IsActive(i.Stint, now, Options));
        if (thereActive >= InstallationStanding.Allowance(target.HasFailover))
            throw new DomainException(
                $"{target.Key} already runs on {thereActive} server(s), all it allows: it has no room for {moving.Hostname}."
            );
        moving.ReleaseNow(now);
        var existing = there.FirstOrDefault(i => i.MachineId == moving.MachineId);
        if (existing is null)
            db.Installations.Add(Installation.New(target.Id, moving.MachineId, moving.Hostname, moving.ProductVersion, now));
        else
            existing.CheckIn(moving.Hostname, moving.ProductVersion, now, Options);
        db.Audit(
            actor,
            now,
            "Installation moved",
            "License",
            target.Key,
            new { From = license.Key },
            new
            {
                moving.Hostname,
                moving.MachineId,
                To = target.Key,
            }
        );
        return $"{moving.Hostname} to {target.Key}";
    }

    public async Task DisableNowAsync(ClaimsPrincipal actor, int id, string reason)
    {
        EnsureFraud(actor);
        RequireReason(reason);
        await using var db = await dbFactory.CreateDbContextAsync();
        await db.DemandCurrentAsync(actor, Policies.Fraud, "Only the fraud team and managers work on fraud cases.");
        var fraudCase = await db.FraudCases.FindAsync(id) ?? throw new DomainException("That case no longer exists.");
        var license = await db.Licenses.Include(l => l.Customer).Include(l => l.Product).SingleAsync(l => l.Id == fraudCase.LicenseId);
        var now = Now;
        fraudCase.CloseWithKeyDisabled(reason, now, Name(actor));
        license.Disable();
        notices.KeyDisabled(LicenseParty.Of(license), now, actor, reason.Trim()).AddTo(db);
        db.Audit(actor, now, "Key disabled", "FraudCase", id, null, new { Reason = reason.Trim() });
        await db.SaveOrRefuseAsync("The case changed at the same time.");
    }

    /// <summary>A manager may move the deadline later once, with a reason.</summary>
    public Task ExtendDeadlineAsync(ClaimsPrincipal actor, int id, DateTime newDeadline, string reason) =>
        ChangeAsync(
            actor,
            id,
            "Deadline extended",
            async (db, c, now) =>
            {
                await db.DemandCurrentAsync(actor, Policies.Manager, "Only a manager can do this.");
                var before = c.DeadlineAt;
                c.ExtendDeadline(newDeadline, reason, Name(actor), now);
                return ((object?)new { Deadline = before }, (object)new { Deadline = newDeadline, Reason = c.ExtensionReason });
            }
        );

    /// <summary>
    /// A manager re-enables a disabled key, with a reason. It must not be flagged again at once: the
    /// license is back within its allowance, or the manager restores its migration window in the same step.
    /// </summary>
    public async Task ReenableAsync(ClaimsPrincipal actor, int licenseId, string reason, bool restoreWindow = false)
    {
        EnsureManager(actor);
        RequireReason(reason);
        await using var db = await dbFactory.CreateDbContextAsync();
        await db.DemandCurrentAsync(actor, Policies.Manager, "Only a manager can do this.");
        var license = await db.Licenses.FindAsync(licenseId) ?? throw new DomainException("That license no longer exists.");
        var now = Now;
        var standing = await db.StandingAsync(licenseId, now, Options);
        license.Reenable(!standing.OverAllowance, restoreWindow, now);
        db.LicenseEvents.Add(
            new LicenseEvent
            {
                LicenseId = license.Id,
                At = now,
                Kind = LicenseEventKinds.Enabled,
                UserName = Name(actor),
                Description = LicenseEvent.Line(reason.Trim() + (restoreWindow ? " The migration window was restored." : "")),
            }
        );
        db.Audit(
            actor,
            now,
            "Key re-enabled",
            "License",
            license.Key,
            new { Status = LicenseStatus.Disabled },
            new
            {
                Status = LicenseStatus.Active,
                Reason = reason.Trim(),
                WindowRestored = restoreWindow,
            }
        );
        await db.SaveOrRefuseAsync("The license changed at the same time.");
    }

    private async Task ChangeAsync(
        ClaimsPrincipal actor,
        int id,
        string action,
        Func<AppDbContext, FraudCase, DateTime, Task<(object? Before, object After)>> change,
        bool loadCalls = false,
        bool requireOpen = true
    )
    {
        EnsureFraud(actor);
        await using var db = await dbFactory.CreateDbContextAsync();
        var query = db.FraudCases.AsQueryable();
        if (loadCalls)
            query = query.Include(c => c.Calls);
        var fraudCase = await query.FirstOrDefaultAsync(c => c.Id == id) ?? throw new DomainException("That case no longer exists.");
        if (requireOpen)
            fraudCase.EnsureOpen();
        var now = Now;
        var (before, after) = await change(db, fraudCase, now);
        db.Audit(actor, now, action, "FraudCase", id, before, after);
        await db.SaveOrRefuseAsync("Someone else changed this case at the same time. Reload and try again.");
    }

    private static string Name(ClaimsPrincipal actor) => actor.Identity?.Name ?? "";

    private static void RequireReason(string? reason, int max = FraudCase.MaxTextLength)
    {
        if (string.IsNullOrWhiteSpace(reason))
            throw new DomainException("Give a reason: it is kept in the audit log.");
        TextLimit.Check(reason, max, "reason");
    }

    private static void EnsureFraud(ClaimsPrincipal actor) =>
        actor.Demand(Policies.Fraud, "Only the fraud team and managers work on fraud cases.");

    private static void EnsureManager(ClaimsPrincipal actor) => actor.Demand(Policies.Manager, "Only a manager can do this.");
}
