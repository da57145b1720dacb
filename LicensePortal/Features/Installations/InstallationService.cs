using LicensePortal.Data;
using LicensePortal.Features.Licensing;
using LicensePortal.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LicensePortal.Features.Installations;

public sealed class InstallationService(
    IDbContextFactory<AppDbContext> dbFactory,
    VendorCalendar calendar,
    IOptions<InstallationOptions> options
)
{
    public async Task<PageResult<InstallationRow>> ListAsync(
        InstallationState? state,
        string? search,
        PageRequest page,
        CancellationToken ct = default
    )
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = calendar.UtcNow;
        var cut = ActivityCut.At(now, options.Value);
        var installations = db.Installations.AsNoTracking();
        if (state is { } s)
            installations = installations.InState(s, cut);
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim();
            installations = installations.Where(i =>
                i.License!.Key.StartsWith(term.ToUpper()) || EF.Functions.Like(i.Hostname, $"%{term}%")
            );
        }
        var total = await installations.CountAsync(ct);
        installations = (page.SortBy, page.Descending) switch
        {
            (nameof(InstallationRow.FirstSeenAt), false) => installations.OrderBy(i => i.FirstSeenAt),
            (nameof(InstallationRow.FirstSeenAt), true) => installations.OrderByDescending(i => i.FirstSeenAt),
            (_, false) when page.SortBy == nameof(InstallationRow.LastSeenAt) => installations.OrderBy(i => i.LastSeenAt),
            _ => installations.OrderByDescending(i => i.LastSeenAt),
        };
        var rows = await installations
            .Page(page)
            .Select(i => new InstallationRow(
                i.Id,
                i.LicenseId,
                i.License!.Key,
                i.License.Customer!.Name,
                i.Hostname,
                i.ProductVersion,
                i.FirstSeenAt,
                i.LastSeenAt,
                // Worked out as the rows are read, by the rule itself: only the page's rows, and no second copy of the rule in SQL.
                InstallationStanding.StateOf(
                    new InstallationFacts(i.StintStartedAt, i.LastSeenAt, i.ReleasedAt, i.DecommissionedAt, i.OfflineUntil),
                    now,
                    options.Value
                ),
                i.License.Major,
                i.License.ProtectionEndsOn,
                InstallationStanding.OfflineCurrent(i.OfflineUntil, now) ? i.OfflineUntil : null
            ))
            .ToListAsync(ct);

        // Migration days of the licenses on this page, from the same rule the API answers with.
        var ids = rows.Select(r => r.LicenseId).Distinct().ToArray();
        var licenses = await db
            .Licenses.Where(l => ids.Contains(l.Id))
            .Select(l => new
            {
                l.Id,
                l.HasFailover,
                l.WindowRestoredAt,
            })
            .ToDictionaryAsync(l => l.Id, ct);
        var stints = await db.StintsAsync(ids, now, options.Value, ct);
        var used = ids.ToDictionary(
            id => id,
            id =>
                InstallationStanding
                    .OverAllowance(
                        [.. stints[id]],
                        InstallationStanding.Allowance(licenses[id].HasFailover),
                        licenses[id].WindowRestoredAt,
                        now,
                        options.Value
                    )
                    .Used.TotalDays
        );
        var today = calendar.Today;
        return new(
            [
                .. rows.Select(r =>
                    r with
                    {
                        MigrationDaysUsed = used[r.LicenseId],
                        MigrationDaysLeft = Math.Max(0, options.Value.MigrationWindowDays - used[r.LicenseId]),
                        NeedsUpgrade = !VersionEntitlement.Covers(r.LicenseMajor, r.ProtectionEndsOn, r.ProductVersion, today),
                    }
                ),
            ],
            total
        );
    }
}
