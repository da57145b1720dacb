using LicensePortal.Data;
using LicensePortal.Features.Fraud;
using LicensePortal.Features.Licenses;
using LicensePortal.Features.Licensing;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Features.Installations;

/// <summary>Reads what the installation rules need: every page, the API and the monitor read it here.</summary>
public static class StandingQueries
{
    /// <summary>
    /// Earlier stints that may still count at <paramref name="now"/>: one that ended within the
    /// look-back period was last seen at most the active period before its end (or held an offline license file
    /// until then).
    /// </summary>
    public static DateTime StintsSeenSince(DateTime now, InstallationOptions options) => now - options.Lookback - options.ActiveWithin;

    /// <summary>The stints of the licenses' installations that can count at <paramref name="now"/>: each present one and earlier ones
    /// within the look-back.</summary>
    public static async Task<ILookup<int, InstallationFacts>> StintsAsync(
        this AppDbContext db,
        int[] licenseIds,
        DateTime now,
        InstallationOptions options,
        CancellationToken ct = default
    )
    {
        var since = StintsSeenSince(now, options);
        var current = await db
            .Installations.Where(i => EF.Parameter(licenseIds).Contains(i.LicenseId))
            .Select(i => new
            {
                i.LicenseId,
                Facts = new InstallationFacts(i.StintStartedAt, i.LastSeenAt, i.ReleasedAt, i.DecommissionedAt, i.OfflineUntil),
            })
            .ToListAsync(ct);
        var earlier = await db
            .InstallationStints.Where(s =>
                EF.Parameter(licenseIds).Contains(s.LicenseId) && (s.LastSeenAt >= since || s.OfflineUntil >= since)
            )
            .Select(s => new
            {
                s.LicenseId,
                Facts = new InstallationFacts(s.StartedAt, s.LastSeenAt, s.ReleasedAt, s.DecommissionedAt, s.OfflineUntil),
            })
            .ToListAsync(ct);
        return current.Concat(earlier).ToLookup(x => x.LicenseId, x => x.Facts);
    }

    /// <summary>Everything the rules read about one license; null when it no longer exists.</summary>
    public static async Task<LicenseFacts?> LicenseFactsAsync(
        this AppDbContext db,
        int licenseId,
        DateTime now,
        InstallationOptions options,
        CancellationToken ct = default
    )
    {
        var license = await db
            .Licenses.Where(l => l.Id == licenseId)
            .Select(l => new
            {
                l.HasFailover,
                l.Status,
                l.WindowRestoredAt,
            })
            .FirstOrDefaultAsync(ct);
        if (license is null)
            return null;
        var stints = await db.StintsAsync([licenseId], now, options, ct);
        var openCase = await db
            .FraudCases.Where(c => c.LicenseId == licenseId && FraudCase.OpenStates.Contains(c.State))
            .Select(c => new CaseFacts(c.OpenedAt, c.ExtendedTo ?? c.DeadlineAt))
            .FirstOrDefaultAsync(ct);
        return new(
            license.HasFailover,
            license.Status == LicenseStatus.Disabled,
            license.WindowRestoredAt,
            [.. stints[licenseId]],
            openCase
        );
    }

    /// <summary>The standing of one license now, as its check-ins are told.</summary>
    public static async Task<Standing> StandingAsync(
        this AppDbContext db,
        int licenseId,
        DateTime now,
        InstallationOptions options,
        CancellationToken ct = default
    ) =>
        InstallationStanding.Evaluate(
            await db.LicenseFactsAsync(licenseId, now, options, ct)
                ?? throw new Infrastructure.DomainException("That license no longer exists."),
            now,
            options
        );
}
