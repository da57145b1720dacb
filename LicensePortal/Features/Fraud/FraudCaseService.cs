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

public sealed record CaseRow(int Id, int LicenseId, string LicenseKey, string Customer, string Phone, CaseState State, DateTime OpenedAt,
    DateTime DisableAt, int Attempts, CallOutcome? LastOutcome, DateTime? LastAttemptAt, string? Assignee)
{
    public double DaysLeft(DateTime now) => Math.Max(0, (DisableAt - now).TotalDays);
}

public sealed record CaseFilter(bool OpenOnly = true, string? Assignee = null, string? Search = null);

public sealed record CaseDetail(FraudCase Case, License License, Standing Standing, IReadOnlyList<InstallationView> Installations,
    IReadOnlyList<TimelineEntry> Timeline, IReadOnlyList<(int Id, string Key)> OtherLicenses);

/// <summary>The fraud team's work on cases: the queue, calls, decommissioning, resolving and disabling.</summary>
public sealed class FraudCaseService(
    IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, IOptions<InstallationOptions> installationOptions, FraudMonitor monitor)
{
    public DateTime Now => clock.GetUtcNow().UtcDateTime;

    public async Task<PageResult<CaseRow>> QueueAsync(ClaimsPrincipal actor, CaseFilter filter, PageRequest page, CancellationToken ct = default)
    {
        EnsureFraud(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var cases = db.FraudCases.AsNoTracking();
        if (filter.OpenOnly) cases = cases.Where(c => FraudCase.OpenStates.Contains(c.State));
        if (!string.IsNullOrWhiteSpace(filter.Assignee)) cases = cases.Where(c => c.Assignee == filter.Assignee);
        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            var term = filter.Search.Trim();
            cases = cases.Where(c => c.License!.Key.StartsWith(term.ToUpper()) || EF.Functions.Like(c.License.Customer!.Name, $"%{term}%"));
        }
        var total = await cases.CountAsync(ct);
        // Soonest deadline first: the key closest to being disabled is the next call.
        var rows = await cases.OrderBy(c => c.ExtendedTo ?? c.DeadlineAt).ThenBy(c => c.Id).Page(page)
            .Select(c => new CaseRow(c.Id, c.LicenseId, c.License!.Key, c.License.Customer!.Name, c.License.Customer.Phone, c.State, c.OpenedAt,
                c.ExtendedTo ?? c.DeadlineAt, c.Calls.Count,
                c.Calls.OrderByDescending(a => a.At).Select(a => (CallOutcome?)a.Outcome).FirstOrDefault(),
                c.Calls.OrderByDescending(a => a.At).Select(a => (DateTime?)a.At).FirstOrDefault(), c.Assignee))
            .ToListAsync(ct);
        return new(rows, total);
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
        var fraudCase = await db.FraudCases.AsNoTracking().Include(c => c.Calls).FirstOrDefaultAsync(c => c.Id == id, ct)
            ?? throw new DomainException("That case no longer exists.");
        var license = await db.Licenses.AsNoTracking().Include(l => l.Customer).ThenInclude(c => c!.Contacts).Include(l => l.Product).Include(l => l.Edition).Include(l => l.Level)
            .SingleAsync(l => l.Id == fraudCase.LicenseId, ct);
        var installations = await db.Installations.AsNoTracking().Where(i => i.LicenseId == license.Id).OrderByDescending(i => i.LastSeenAt).ToListAsync(ct);
        var now = Now;
        var options = installationOptions.Value;
        var standing = InstallationStanding.Evaluate(license.HasFailover, license.Status == LicenseStatus.Disabled,
            [.. installations.Select(i => new InstallationFacts(i.FirstSeenAt, i.LastSeenAt, i.ReleasedAt, i.DecommissionedAt))],
            fraudCase.IsOpen ? new CaseFacts(fraudCase.OpenedAt, fraudCase.DisableAt) : null, now, options);
        var audit = await db.AuditLog.AsNoTracking().Where(a => a.EntityType == "FraudCase" && a.EntityId == id.ToString()).ToListAsync(ct);
        // Newest first; at the same moment, what happened later first. Calls come from their own rows, not their audit copies.
        var timeline = audit.Where(a => a.Action != "Call logged").Select(a => new TimelineEntry(a.At, a.Action, AuditExtensions.Describe(a.After), a.UserName))
            .Prepend(new TimelineEntry(fraudCase.OpenedAt, "Opened", fraudCase.Reason, fraudCase.OpenedBy))
            .Concat(fraudCase.Calls.Select(c => new TimelineEntry(c.At, $"Call: {Describe(c.Outcome)}", $"{c.NumberDialled}. {c.Notes}", c.Agent)))
            .Select((t, i) => (Entry: t, Order: i)).OrderByDescending(x => x.Entry.At).ThenByDescending(x => x.Order).Select(x => x.Entry).ToList();
        var others = await db.Licenses.Where(l => l.CustomerId == license.CustomerId && l.ProductId == license.ProductId && l.Id != license.Id && l.Status == LicenseStatus.Active)
            .Select(l => new { l.Id, l.Key }).ToListAsync(ct);
        return new(fraudCase, license, standing,
            [.. installations.Select(i => InstallationView.Of(i, now, options))],
            timeline, [.. others.Select(o => (o.Id, o.Key))]);
    }

    public static string Describe(CallOutcome outcome) => outcome switch
    {
        CallOutcome.NoAnswer => "no answer",
        CallOutcome.Voicemail => "voicemail",
        CallOutcome.SpokeWillFix => "spoke – will fix",
        CallOutcome.SpokeDisputes => "spoke – disputes",
        _ => "wrong number",
    };

    /// <summary>A fraud agent opens a case by hand, e.g. after a tip-off.</summary>
    public async Task<int> OpenAsync(ClaimsPrincipal actor, int licenseId, string reason)
    {
        EnsureFraud(actor);
        RequireReason(reason);
        await using var db = await dbFactory.CreateDbContextAsync();
        var license = await db.Licenses.Include(l => l.Customer).Include(l => l.Product).FirstOrDefaultAsync(l => l.Id == licenseId)
            ?? throw new DomainException("That license no longer exists.");
        if (license.Status == LicenseStatus.Disabled) throw new DomainException($"{license.Key} is already disabled.");
        if (await db.FraudCases.AnyAsync(c => c.LicenseId == licenseId && FraudCase.OpenStates.Contains(c.State)))
            throw new DomainException($"{license.Key} already has an open case.");
        var installations = await db.Installations.Where(i => i.LicenseId == licenseId)
            .Select(i => new InstallationFacts(i.FirstSeenAt, i.LastSeenAt, i.ReleasedAt, i.DecommissionedAt)).ToListAsync();
        var standing = InstallationStanding.Evaluate(license.HasFailover, false, installations, null, Now, installationOptions.Value);
        var fraudCase = monitor.OpenCase(db, license, standing, Now, actor, $"Opened by hand: {reason.Trim()}");
        fraudCase.Assignee = actor.Identity?.Name;
        await db.SaveOrRefuseAsync("A case for this license was opened at the same time.");
        return fraudCase.Id;
    }

    public Task TakeAsync(ClaimsPrincipal actor, int id) => ChangeAsync(actor, id, "Case taken", (db, c, now) =>
    {
        var before = c.Assignee;
        c.Assignee = actor.Identity?.Name;
        return (new { Assignee = before }, new { c.Assignee });
    });

    public Task LogCallAsync(ClaimsPrincipal actor, int id, string numberDialled, CallOutcome outcome, string? notes) => ChangeAsync(actor, id, "Call logged", (db, c, now) =>
    {
        if (string.IsNullOrWhiteSpace(numberDialled)) throw new DomainException("Enter the number you dialled.");
        if (!System.Text.RegularExpressions.Regex.IsMatch(numberDialled.Trim(), @"^\+?[0-9 ()./-]{4,40}$")) throw new DomainException("The number dialled may hold digits, spaces and + ( ) - . only.");
        c.Calls.Add(new CallAttempt { At = now, Agent = actor.Identity?.Name ?? "", NumberDialled = numberDialled.Trim(), Outcome = outcome, Notes = string.IsNullOrWhiteSpace(notes) ? null : notes.Trim() });
        var before = c.State;
        if (c.State is CaseState.Open or CaseState.CustomerNotified) c.State = CaseState.Contacting;
        return (new { State = before }, new { c.State, Outcome = outcome, Number = numberDialled.Trim(), Notes = notes });
    }, loadCalls: true);

    /// <summary>Staff mark a server as taken out of service; it stops counting at once.</summary>
    public async Task DecommissionAsync(ClaimsPrincipal actor, int caseId, long installationId, string reason)
    {
        EnsureFraud(actor);
        RequireReason(reason);
        await using var db = await dbFactory.CreateDbContextAsync();
        var fraudCase = await db.FraudCases.FindAsync(caseId) ?? throw new DomainException("That case no longer exists.");
        var installation = await db.Installations.FirstOrDefaultAsync(i => i.Id == installationId && i.LicenseId == fraudCase.LicenseId)
            ?? throw new DomainException("That installation is not on this case's license.");
        if (installation.DecommissionedAt is not null || installation.ReleasedAt is not null) throw new DomainException($"{installation.Hostname} no longer counts already.");
        installation.DecommissionedAt = Now;
        db.Audit(actor, Now, "Installation decommissioned", "FraudCase", caseId, null, new { installation.Hostname, installation.MachineId, Reason = reason.Trim() });
        await db.SaveOrRefuseAsync("The case changed at the same time.");
    }

    public Task ResolveAsync(ClaimsPrincipal actor, int id, CaseOutcome outcome, string note, int? additionalLicenseId) => ChangeAsync(actor, id, "Case resolved", (db, c, now) =>
    {
        RequireReason(note);
        if (outcome == CaseOutcome.KeyDisabled) throw new DomainException("Use Disable key to close a case by disabling the key.");
        if (outcome == CaseOutcome.MigrationCompleted)
        {
            var installations = db.Installations.Where(i => i.LicenseId == c.LicenseId)
                .Select(i => new InstallationFacts(i.FirstSeenAt, i.LastSeenAt, i.ReleasedAt, i.DecommissionedAt)).ToList();
            var license = db.Licenses.Single(l => l.Id == c.LicenseId);
            if (installations.Count(i => InstallationStanding.IsActive(i, now, installationOptions.Value)) > InstallationStanding.Allowance(license.HasFailover))
                throw new DomainException("The license still has more active installations than it allows: mark the old server decommissioned first, or wait for the product to release it.");
        }
        if (outcome == CaseOutcome.AdditionalLicensePurchased)
        {
            var license = db.Licenses.Single(l => l.Id == c.LicenseId);
            if (additionalLicenseId is null || !db.Licenses.Any(l => l.Id == additionalLicenseId && l.CustomerId == license.CustomerId && l.ProductId == license.ProductId && l.Id != license.Id))
                throw new DomainException("Choose the additional license the customer bought (same customer and product).");
            c.AdditionalLicenseId = additionalLicenseId;
        }
        var before = c.State;
        c.State = CaseState.Resolved;
        c.Outcome = outcome;
        c.OutcomeNote = note.Trim();
        c.ClosedAt = now;
        c.ClosedBy = actor.Identity?.Name;
        db.LicenseEvents.Add(new LicenseEvent { LicenseId = c.LicenseId, At = now, Kind = LicenseEventKinds.CaseClosed, UserName = actor.Identity?.Name ?? "", Description = $"Resolved: {outcome}. {note.Trim()}" });
        return (new { State = before }, new { c.State, c.Outcome, c.OutcomeNote, c.AdditionalLicenseId });
    });

    public async Task DisableNowAsync(ClaimsPrincipal actor, int id, string reason)
    {
        EnsureFraud(actor);
        RequireReason(reason);
        await using var db = await dbFactory.CreateDbContextAsync();
        var fraudCase = await db.FraudCases.FindAsync(id) ?? throw new DomainException("That case no longer exists.");
        if (!fraudCase.IsOpen) throw new DomainException("The case is closed already.");
        var license = await db.Licenses.Include(l => l.Customer).Include(l => l.Product).SingleAsync(l => l.Id == fraudCase.LicenseId);
        monitor.DisableKey(db, license, fraudCase, Now, actor, reason.Trim());
        db.Audit(actor, Now, "Key disabled", "FraudCase", id, null, new { Reason = reason.Trim() });
        await db.SaveOrRefuseAsync("The case changed at the same time.");
    }

    /// <summary>A manager may move the deadline later once, with a reason.</summary>
    public Task ExtendDeadlineAsync(ClaimsPrincipal actor, int id, DateTime newDeadline, string reason) => ChangeAsync(actor, id, "Deadline extended", (db, c, now) =>
    {
        EnsureManager(actor);
        RequireReason(reason);
        if (c.ExtendedTo is not null) throw new DomainException($"The deadline was already extended once, to {c.ExtendedTo:yyyy-MM-dd}.");
        if (newDeadline <= c.DeadlineAt) throw new DomainException($"The new deadline must be after the current one ({c.DeadlineAt:yyyy-MM-dd HH:mm} UTC).");
        if (newDeadline > c.DeadlineAt.AddDays(30)) throw new DomainException("A deadline can be extended by at most 30 days.");
        c.ExtendedTo = newDeadline;
        c.ExtensionReason = reason.Trim();
        c.ExtendedBy = actor.Identity?.Name;
        return (new { Deadline = c.DeadlineAt }, new { Deadline = newDeadline, Reason = reason.Trim() });
    });

    /// <summary>A manager re-enables a disabled key, with a reason.</summary>
    public async Task ReenableAsync(ClaimsPrincipal actor, int licenseId, string reason)
    {
        EnsureManager(actor);
        RequireReason(reason);
        await using var db = await dbFactory.CreateDbContextAsync();
        var license = await db.Licenses.FindAsync(licenseId) ?? throw new DomainException("That license no longer exists.");
        if (license.Status != LicenseStatus.Disabled) throw new DomainException($"{license.Key} is not disabled.");
        license.Status = LicenseStatus.Active;
        db.LicenseEvents.Add(new LicenseEvent { LicenseId = license.Id, At = Now, Kind = LicenseEventKinds.Enabled, UserName = actor.Identity?.Name ?? "", Description = reason.Trim() });
        db.Audit(actor, Now, "Key re-enabled", "License", license.Key, new { Status = LicenseStatus.Disabled }, new { Status = LicenseStatus.Active, Reason = reason.Trim() });
        await db.SaveOrRefuseAsync("The license changed at the same time.");
    }

    private async Task ChangeAsync(ClaimsPrincipal actor, int id, string action, Func<AppDbContext, FraudCase, DateTime, (object Before, object After)> change, bool loadCalls = false)
    {
        EnsureFraud(actor);
        await using var db = await dbFactory.CreateDbContextAsync();
        var query = db.FraudCases.AsQueryable();
        if (loadCalls) query = query.Include(c => c.Calls);
        var fraudCase = await query.FirstOrDefaultAsync(c => c.Id == id) ?? throw new DomainException("That case no longer exists.");
        if (!fraudCase.IsOpen) throw new DomainException($"The case is closed ({fraudCase.State}).");
        var now = Now;
        var (before, after) = change(db, fraudCase, now);
        db.Audit(actor, now, action, "FraudCase", id, before, after);
        await db.SaveOrRefuseAsync("Someone else changed this case at the same time. Reload and try again.");
    }


    private static void RequireReason(string? reason)
    {
        if (string.IsNullOrWhiteSpace(reason)) throw new DomainException("Give a reason: it is kept in the audit log.");
    }

    private static void EnsureFraud(ClaimsPrincipal actor) => actor.Demand(Policies.Fraud, "Only the fraud team and managers work on fraud cases.");

    private static void EnsureManager(ClaimsPrincipal actor) => actor.Demand(Policies.Manager, "Only a manager can do this.");
}

public static class FraudFeature
{
    public static WebApplicationBuilder AddFraudFeature(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<FraudOptions>(builder.Configuration.GetSection(FraudOptions.Section));
        builder.Services.AddScoped<FraudMonitor>();
        builder.Services.AddScoped<FraudCaseService>();
        builder.Services.AddHostedService<FraudMonitorService>();
        return builder;
    }
}
