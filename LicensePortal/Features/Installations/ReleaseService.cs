using System.Security.Claims;
using LicensePortal.Data;
using LicensePortal.Features.Licenses;
using LicensePortal.Features.Licensing;
using LicensePortal.Features.Outbox;
using LicensePortal.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LicensePortal.Features.Installations;

/// <summary>
/// Releases asked for by a product or by an offline server's release code, judged by <see cref="ReleaseRules"/>; the
/// ones past the limits wait in the fraud queue, where a manager decides the release codes.
/// </summary>
public sealed class ReleaseService(
    IDbContextFactory<AppDbContext> dbFactory,
    VendorCalendar calendar,
    IOptions<InstallationOptions> options,
    IOptions<EmailOptions> email
)
{
    public const string Conflict = "Someone else changed this license's servers at the same time. Reload the page and try again.";

    public InstallationOptions Options => options.Value;

    /// <summary>
    /// Records a release of <paramref name="installation"/> in <paramref name="db"/> (the caller saves): the verdict,
    /// the installation's end after the settle time when it counts, and, the first time in a period that a release does
    /// not count, a line on the license and an email to the fraud team. The license's version moves, so two releases of
    /// one license saved at once cannot both take the last release the limit allows.
    /// </summary>
    public async Task<InstallationRelease> AskAsync(
        AppDbContext db,
        License license,
        Installation installation,
        ReleaseSource source,
        DateTime now,
        CancellationToken ct
    )
    {
        var o = options.Value;
        var since = now - (o.ReleaseLimitPeriod > ReleaseRules.OfflineYear ? o.ReleaseLimitPeriod : ReleaseRules.OfflineYear);
        var earlier = await db
            .InstallationReleases.Where(r => r.LicenseId == license.Id && r.RequestedAt > since)
            .Select(r => new PastRelease(r.Source, r.Verdict, r.RequestedAt))
            .ToListAsync(ct);
        var release = InstallationRelease.Ask(installation, source, earlier, now, o);
        db.InstallationReleases.Add(release);
        license.Version = Guid.NewGuid();
        var held = earlier.Any(r =>
            r.Verdict is ReleaseVerdict.OverLimit or ReleaseVerdict.AwaitingApproval && r.RequestedAt > now - o.ReleaseLimitPeriod
        );
        if (release.Verdict is ReleaseVerdict.OverLimit or ReleaseVerdict.AwaitingApproval && !held)
            Tell(db, license, release, now);
        return release;
    }

    /// <summary>The license's history and the fraud team's inbox hear of the first release in a period that did not count.</summary>
    private void Tell(AppDbContext db, License license, InstallationRelease release, DateTime now)
    {
        var o = options.Value;
        var what =
            release.Verdict == ReleaseVerdict.AwaitingApproval
                ? $"The release code of {release.Hostname} waits for a manager in the fraud queue: offline releases are limited to "
                    + $"{o.OfflineReleasesPerYear} a year and all releases to {o.ReleaseLimit} in {o.ReleaseLimitDays} days."
                : $"Release limit reached: {release.Hostname} was released after {o.ReleaseLimit} releases in {o.ReleaseLimitDays} days, "
                    + "so it keeps counting until it goes stale.";
        db.LicenseEvents.Add(
            new LicenseEvent
            {
                LicenseId = license.Id,
                At = now,
                Kind = LicenseEventKinds.ReleaseLimitReached,
                UserName = "activation API",
                Description = LicenseEvent.Line(what),
            }
        );
        db.Outbox.Add(
            OutboxMessage.Create(
                now,
                email.Value.FraudTeamAddress,
                $"Release limit reached: {license.Key}",
                $"{what} Look at the license's evidence (machines seen and releases) in the fraud queue.",
                $"License {license.Key}"
            )
        );
    }

    /// <summary>A manager approves or refuses a release code that waits in the fraud queue.</summary>
    public async Task DecideAsync(ClaimsPrincipal actor, long releaseId, bool approve, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.DemandCurrentAsync(actor, Policies.Manager, "Only a manager approves a release past the limits.", ct);
        var release =
            await db.InstallationReleases.FirstOrDefaultAsync(r => r.Id == releaseId, ct)
            ?? throw new DomainException("That release no longer exists.");
        var installation = await db.Installations.FirstAsync(i => i.Id == release.InstallationId, ct);
        var license = await db.Licenses.FirstAsync(l => l.Id == release.LicenseId, ct);
        var now = calendar.UtcNow;
        var name = actor.Identity?.Name ?? "";
        if (approve)
            release.Approve(installation, name, now);
        else
            release.Refuse(name, now);
        license.Version = Guid.NewGuid();
        db.Audit(
            actor,
            now,
            approve ? "Release approved" : "Release refused",
            "License",
            license.Key,
            new { Verdict = ReleaseVerdict.AwaitingApproval },
            new
            {
                release.Verdict,
                installation.Hostname,
                release.RequestedAt,
            }
        );
        await db.SaveOrRefuseAsync(Conflict, ct);
    }

    /// <summary>
    /// The fraud queue's releases to look at: release codes waiting for a manager, and releases over the limit within the
    /// limit's period, newest first.
    /// </summary>
    public async Task<PageResult<ReleaseReviewRow>> ReviewAsync(ClaimsPrincipal actor, PageRequest page, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.DemandCurrentAsync(actor, Policies.Fraud, "Only the fraud team and managers review releases.", ct);
        var since = calendar.UtcNow - options.Value.ReleaseLimitPeriod;
        var query = db.InstallationReleases.Where(r =>
            r.Verdict == ReleaseVerdict.AwaitingApproval || r.Verdict == ReleaseVerdict.OverLimit && r.RequestedAt > since
        );
        var total = await query.CountAsync(ct);
        var rows = await (
            from r in query
            join l in db.Licenses on r.LicenseId equals l.Id
            orderby r.Verdict == ReleaseVerdict.AwaitingApproval descending, r.RequestedAt descending, r.Id descending
            select new ReleaseReviewRow(r.Id, l.Id, l.Key, l.Customer!.Name, r.Hostname, r.Source, r.Verdict, r.RequestedAt)
        )
            .Page(page)
            .ToListAsync(ct);
        return new(rows, total);
    }

    /// <summary>
    /// The evidence a license shows: the distinct machines seen within the release-limit period, and every release asked
    /// for in it, whether or not it counted.
    /// </summary>
    public static async Task<ReleaseEvidence> EvidenceAsync(
        AppDbContext db,
        int licenseId,
        DateTime now,
        InstallationOptions options,
        CancellationToken ct
    )
    {
        var since = now - options.ReleaseLimitPeriod;
        var present = db.Installations.Where(i => i.LicenseId == licenseId && (i.LastSeenAt >= since || i.OfflineUntil >= since))
            .Select(i => i.Id);
        var earlier = db
            .InstallationStints.Where(s => s.LicenseId == licenseId && (s.LastSeenAt >= since || s.OfflineUntil >= since))
            .Select(s => s.InstallationId);
        var machines = await present.Union(earlier).CountAsync(ct);
        var releases = await db
            .InstallationReleases.Where(r => r.LicenseId == licenseId && r.RequestedAt > since)
            .OrderByDescending(r => r.RequestedAt)
            .ThenByDescending(r => r.Id)
            .Select(r => new ReleaseEvidenceRow(r.Id, r.Hostname, r.Source, r.Verdict, r.RequestedAt, r.EffectiveAt))
            .ToListAsync(ct);
        var counted = ReleaseRules.CountedWithin(releases.Select(r => new PastRelease(r.Source, r.Verdict, r.RequestedAt)), now, options);
        return new(options.ReleaseLimitDays, machines, releases, counted >= options.ReleaseLimit);
    }
}

/// <summary>A release the fraud team looks at in its queue.</summary>
public sealed record ReleaseReviewRow(
    long Id,
    int LicenseId,
    string LicenseKey,
    string Customer,
    string Hostname,
    ReleaseSource Source,
    ReleaseVerdict Verdict,
    DateTime RequestedAt
);

/// <summary>One release in a license's evidence.</summary>
public sealed record ReleaseEvidenceRow(
    long Id,
    string Hostname,
    ReleaseSource Source,
    ReleaseVerdict Verdict,
    DateTime RequestedAt,
    DateTime? EffectiveAt
);

/// <summary>What a license's servers did within the last <paramref name="Days"/> days, counted or not.</summary>
public sealed record ReleaseEvidence(int Days, int MachinesSeen, IReadOnlyList<ReleaseEvidenceRow> Releases, bool LimitReached);
