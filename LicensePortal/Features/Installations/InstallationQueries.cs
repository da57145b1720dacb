using LicensePortal.Data;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Features.Installations;

public enum InstallationState { Active, Stale, Released, Decommissioned }

/// <summary>The SQL shapes of "active installation" and "over allowance", shared by every list that filters on them.</summary>
public static class InstallationQueries
{
    public static IQueryable<Installation> Active(this IQueryable<Installation> installations, DateTime activeSince) =>
        installations.Where(i => i.ReleasedAt == null && i.DecommissionedAt == null && i.LastSeenAt >= activeSince);

    public static IQueryable<Installation> InState(this IQueryable<Installation> installations, InstallationState state, DateTime activeSince) => state switch
    {
        InstallationState.Active => installations.Active(activeSince),
        InstallationState.Stale => installations.Where(i => i.ReleasedAt == null && i.DecommissionedAt == null && i.LastSeenAt < activeSince),
        InstallationState.Released => installations.Where(i => i.ReleasedAt != null),
        _ => installations.Where(i => i.DecommissionedAt != null && i.ReleasedAt == null),
    };

    /// <summary>
    /// "The license <paramref name="licenseId"/> has more active installations than it allows" in SQL,
    /// for guarded writes that must not act on a license whose installations changed since it was read.
    /// </summary>
    public static string OverAllowanceSql(string licenseId, string activeSince) => $"""
        (SELECT COUNT(*) FROM "Installations" i WHERE i."LicenseId" = {licenseId} AND i."ReleasedAt" IS NULL AND i."DecommissionedAt" IS NULL AND i."LastSeenAt" >= {activeSince})
        > (SELECT CASE WHEN l."HasFailover" THEN 2 ELSE 1 END FROM "Licenses" l WHERE l."Id" = {licenseId})
        """;

    /// <summary>Ids of licenses with more active installations than they allow (1, or 2 with failover).</summary>
    public static IQueryable<int> OverAllowanceLicenseIds(this AppDbContext db, DateTime activeSince) =>
        from m in db.Installations.Active(activeSince)
            .GroupBy(i => i.LicenseId)
            .Where(g => g.Count() > 1)
            .Select(g => new { LicenseId = g.Key, Count = g.Count() })
        join l in db.Licenses on m.LicenseId equals l.Id
        where m.Count > (l.HasFailover ? 2 : 1)
        select l.Id;
}
