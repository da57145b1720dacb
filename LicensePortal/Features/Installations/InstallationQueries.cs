using LicensePortal.Data;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Features.Installations;

public enum InstallationState { Active, Stale, Released, Decommissioned }

/// <summary>
/// The moment "active" is read at: <paramref name="Now"/>, and the oldest check-in that still counts
/// (<paramref name="SeenSince"/>, the active period before it). An installation activated offline counts while its
/// license file has not expired (<see cref="Installation.OfflineUntil"/> after <paramref name="Now"/>).
/// </summary>
public readonly record struct ActivityCut(DateTime Now, DateTime SeenSince)
{
    public static ActivityCut At(DateTime now, InstallationOptions options) => new(now, now - options.ActiveWithin);
}

/// <summary>The SQL shapes of "active installation" and "over allowance", shared by every list that filters on them.</summary>
public static class InstallationQueries
{
    public static IQueryable<Installation> Active(this IQueryable<Installation> installations, ActivityCut cut) =>
        installations.Where(i => i.ReleasedAt == null && i.DecommissionedAt == null && (i.LastSeenAt >= cut.SeenSince || i.OfflineUntil > cut.Now));

    public static IQueryable<Installation> InState(this IQueryable<Installation> installations, InstallationState state, ActivityCut cut) => state switch
    {
        InstallationState.Active => installations.Active(cut),
        InstallationState.Stale => installations.Where(i => i.ReleasedAt == null && i.DecommissionedAt == null && i.LastSeenAt < cut.SeenSince
            && (i.OfflineUntil == null || i.OfflineUntil <= cut.Now)),
        InstallationState.Released => installations.Where(i => i.ReleasedAt != null),
        _ => installations.Where(i => i.DecommissionedAt != null && i.ReleasedAt == null),
    };

    /// <summary>
    /// "The license <paramref name="licenseId"/> has more active installations than it allows" in SQL,
    /// for guarded writes that must not act on a license whose installations changed since it was read.
    /// </summary>
    public static string OverAllowanceSql(string licenseId, string activeSince, string now) => $"""
        (SELECT COUNT(*) FROM "Installations" i WHERE i."LicenseId" = {licenseId} AND i."ReleasedAt" IS NULL AND i."DecommissionedAt" IS NULL
            AND (i."LastSeenAt" >= {activeSince} OR i."OfflineUntil" > {now}))
        > (SELECT CASE WHEN l."HasFailover" THEN 2 ELSE 1 END FROM "Licenses" l WHERE l."Id" = {licenseId})
        """;

    /// <summary>Ids of licenses with more active installations than they allow (1, or 2 with failover).</summary>
    public static IQueryable<int> OverAllowanceLicenseIds(this AppDbContext db, ActivityCut cut) =>
        from m in db.Installations.Active(cut)
            .GroupBy(i => i.LicenseId)
            .Where(g => g.Count() > 1)
            .Select(g => new { LicenseId = g.Key, Count = g.Count() })
        join l in db.Licenses on m.LicenseId equals l.Id
        where m.Count > (l.HasFailover ? 2 : 1)
        select l.Id;
}
