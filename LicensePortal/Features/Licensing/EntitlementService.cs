using LicensePortal.Data;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Features.Licensing;

/// <summary>Legacy status of licenses (docs/RULES.md, Catalog and legacy), for the lists that filter and badge it.</summary>
public sealed class EntitlementService(IDbContextFactory<AppDbContext> dbFactory, VendorCalendar calendar)
{
    /// <summary>For each product, the highest legacy major today, so lists can filter and badge legacy licenses in SQL.</summary>
    public async Task<IReadOnlyDictionary<int, int?>> LegacyCutoffsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var majors = await db
            .Releases.Where(r => r.Minor == 0)
            .Select(r => new
            {
                r.ProductId,
                r.Major,
                r.ReleasedOn,
            })
            .ToListAsync(ct);
        var today = calendar.Today;
        return majors
            .GroupBy(m => m.ProductId)
            .ToDictionary(
                g => g.Key,
                g => ReleaseCalendar.HighestLegacyMajor(g.Select(m => new MajorRelease(m.Major, m.ReleasedOn)), today)
            );
    }
}
