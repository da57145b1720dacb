using System.Linq.Expressions;
using LicensePortal.Data;
using LicensePortal.Features.Licensing;

namespace LicensePortal.Features.Installations;

/// <summary>
/// <see cref="InstallationStanding.StateOf"/> and <see cref="InstallationStanding.Allowance"/> as the database reads them:
/// once as LINQ for the lists, once as SQL text for the statements EF Core does not write. Each form is built from the
/// same two parts (present: neither released, a release still settling not yet counting, nor decommissioned; seen:
/// checked in within the active period or holding an unexpired offline license file), and InstallationRuleFormsTests
/// checks that every form sorts the same rows the same way.
/// </summary>
public static class InstallationQueries
{
    private static Expression<Func<Installation, bool>> Present(ActivityCut cut) =>
        i => (i.ReleasedAt == null || i.ReleasedAt > cut.Now) && i.DecommissionedAt == null;

    private static Expression<Func<Installation, bool>> Seen(ActivityCut cut) =>
        i => i.LastSeenAt >= cut.SeenSince || i.OfflineUntil > cut.Now;

    private static Expression<Func<Installation, bool>> Not(Expression<Func<Installation, bool>> predicate) =>
        Expression.Lambda<Func<Installation, bool>>(Expression.Not(predicate.Body), predicate.Parameters);

    public static IQueryable<Installation> Active(this IQueryable<Installation> installations, ActivityCut cut) =>
        installations.Where(Present(cut)).Where(Seen(cut));

    public static IQueryable<Installation> InState(this IQueryable<Installation> installations, InstallationState state, ActivityCut cut) =>
        state switch
        {
            InstallationState.Active => installations.Active(cut),
            InstallationState.Stale => installations.Where(Present(cut)).Where(Not(Seen(cut))),
            InstallationState.Released => installations.Where(i => i.ReleasedAt <= cut.Now),
            _ => installations.Where(i => i.DecommissionedAt != null && (i.ReleasedAt == null || i.ReleasedAt > cut.Now)),
        };

    /// <summary>
    /// "The installation row <paramref name="row"/> is active" in SQL, with the oldest check-in that counts and the
    /// present moment as the SQL expressions <paramref name="seenSince"/> and <paramref name="now"/>. It is never NULL,
    /// so <c>NOT</c> of it means "not active".
    /// </summary>
    public static string ActiveSql(string row, string seenSince, string now) =>
        $"""(({row}."ReleasedAt" IS NULL OR {row}."ReleasedAt" > {now}) AND {row}."DecommissionedAt" IS NULL AND """
        + $"""({row}."LastSeenAt" >= {seenSince} OR """
        + $"""({row}."OfflineUntil" IS NOT NULL AND {row}."OfflineUntil" > {now})))""";

    /// <summary>The allowance of the license row <paramref name="license"/> in SQL.</summary>
    public static string AllowanceSql(string license) =>
        $"""(CASE WHEN {license}."HasFailover" THEN {InstallationStanding.FailoverAllowance} """
        + $"""ELSE {InstallationStanding.BaseAllowance} END)""";

    /// <summary>
    /// "The license <paramref name="licenseId"/> has more active installations than it allows" in SQL,
    /// for guarded writes that must not act on a license whose installations changed since it was read.
    /// </summary>
    public static string OverAllowanceSql(string licenseId, string activeSince, string now) =>
        $"""
            (SELECT COUNT(*) FROM "Installations" i WHERE i."LicenseId" = {licenseId} AND {ActiveSql("i", activeSince, now)})
            > (SELECT {AllowanceSql("l")} FROM "Licenses" l WHERE l."Id" = {licenseId})
            """;

    /// <summary>Ids of licenses with more active installations than they allow.</summary>
    public static IQueryable<int> OverAllowanceLicenseIds(this AppDbContext db, ActivityCut cut) =>
        from m in db
            .Installations.Active(cut)
            .GroupBy(i => i.LicenseId)
            .Where(g => g.Count() > InstallationStanding.BaseAllowance)
            .Select(g => new { LicenseId = g.Key, Count = g.Count() })
        join l in db.Licenses on m.LicenseId equals l.Id
        where m.Count > (l.HasFailover ? InstallationStanding.FailoverAllowance : InstallationStanding.BaseAllowance)
        select l.Id;
}
