using LicensePortal.Data;
using LicensePortal.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LicensePortal.Features.Installations;

public sealed record InstallationRow(long Id, int LicenseId, string LicenseKey, string Customer, string Hostname, string ProductVersion,
    DateTime FirstSeenAt, DateTime LastSeenAt, InstallationState State, double MigrationDaysUsed = 0, double MigrationDaysLeft = 0);

public sealed class InstallationService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, IOptions<InstallationOptions> options)
{
    public async Task<PageResult<InstallationRow>> ListAsync(InstallationState? state, string? search, PageRequest page, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var activeSince = clock.GetUtcNow().UtcDateTime.AddDays(-options.Value.ActiveWithinDays);
        var installations = db.Installations.AsNoTracking();
        if (state is { } s) installations = installations.InState(s, activeSince);
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim();
            installations = installations.Where(i => i.License!.Key.StartsWith(term.ToUpper()) || EF.Functions.Like(i.Hostname, $"%{term}%"));
        }
        var total = await installations.CountAsync(ct);
        installations = (page.SortBy, page.Descending) switch
        {
            (nameof(InstallationRow.FirstSeenAt), false) => installations.OrderBy(i => i.FirstSeenAt),
            (nameof(InstallationRow.FirstSeenAt), true) => installations.OrderByDescending(i => i.FirstSeenAt),
            (_, false) when page.SortBy == nameof(InstallationRow.LastSeenAt) => installations.OrderBy(i => i.LastSeenAt),
            _ => installations.OrderByDescending(i => i.LastSeenAt),
        };
        var rows = await installations.Page(page)
            .Select(i => new InstallationRow(i.Id, i.LicenseId, i.License!.Key, i.License.Customer!.Name, i.Hostname, i.ProductVersion,
                i.FirstSeenAt, i.LastSeenAt,
                i.ReleasedAt != null ? InstallationState.Released
                : i.DecommissionedAt != null ? InstallationState.Decommissioned
                : i.LastSeenAt >= activeSince ? InstallationState.Active : InstallationState.Stale))
            .ToListAsync(ct);

        // Migration days of the licenses on this page, from the same rule the API answers with.
        var ids = rows.Select(r => r.LicenseId).Distinct().ToList();
        var licenses = await db.Licenses.Where(l => ids.Contains(l.Id)).Select(l => new { l.Id, l.HasFailover }).ToDictionaryAsync(l => l.Id, ct);
        var facts = (await db.Installations.Where(i => ids.Contains(i.LicenseId))
            .Select(i => new { i.LicenseId, i.FirstSeenAt, i.LastSeenAt, i.ReleasedAt, i.DecommissionedAt }).ToListAsync(ct))
            .ToLookup(i => i.LicenseId, i => new Licensing.InstallationFacts(i.FirstSeenAt, i.LastSeenAt, i.ReleasedAt, i.DecommissionedAt));
        var now = clock.GetUtcNow().UtcDateTime;
        var used = ids.ToDictionary(id => id, id => Licensing.InstallationStanding.OverAllowance([.. facts[id]],
            Licensing.InstallationStanding.Allowance(licenses[id].HasFailover), now, options.Value).Used.TotalDays);
        return new([.. rows.Select(r => r with { MigrationDaysUsed = used[r.LicenseId], MigrationDaysLeft = Math.Max(0, options.Value.MigrationWindowDays - used[r.LicenseId]) })], total);
    }
}
