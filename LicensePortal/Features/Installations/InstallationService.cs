using LicensePortal.Data;
using LicensePortal.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LicensePortal.Features.Installations;

public sealed record InstallationRow(long Id, int LicenseId, string LicenseKey, string Customer, string Hostname, string ProductVersion,
    DateTime FirstSeenAt, DateTime LastSeenAt, InstallationState State);

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
        return new(rows, total);
    }
}
