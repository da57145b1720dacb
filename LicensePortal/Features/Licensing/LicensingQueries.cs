using LicensePortal.Data;
using LicensePortal.Features.Catalog;
using LicensePortal.Features.Licenses;
using LicensePortal.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Features.Licensing;

/// <summary>What the licensing rules read from the database: release histories and price lists, uncached, so a change counts at
/// once.</summary>
internal static class LicensingQueries
{
    /// <summary>A product's major releases with their dates.</summary>
    public static Task<List<MajorRelease>> MajorsAsync(this AppDbContext db, int productId, CancellationToken ct) =>
        db
            .Releases.Where(r => r.ProductId == productId && r.Minor == 0)
            .Select(r => new MajorRelease(r.Major, r.ReleasedOn))
            .ToListAsync(ct);

    /// <summary>
    /// The upgrade of <paramref name="license"/> to <paramref name="target"/> priced from the price lists as they stand on
    /// <paramref name="quoteDate"/> (docs/RULES.md, Upgrades, renewals and reminders).
    /// </summary>
    public static async Task<UpgradePrice> PriceUpgradeAsync(
        this AppDbContext db,
        License license,
        UpgradeTarget target,
        DateOnly quoteDate,
        CancellationToken ct
    )
    {
        var editions = await db.Editions.Where(e => e.ProductId == license.ProductId).ToDictionaryAsync(e => e.Id, ct);
        var levels = await db.Levels.Where(l => l.ProductId == license.ProductId).ToDictionaryAsync(l => l.Id, ct);
        if (!editions.TryGetValue(target.EditionId, out var targetEdition) || !levels.TryGetValue(target.LevelId, out var targetLevel))
            throw new DomainException(
                $"A {license.Product!.Name} license can only be upgraded within {license.Product.Name}; choose one of its editions and "
                    + $"levels."
            );
        var lists = await db.PriceLists.AsNoTracking().Where(p => p.ProductId == license.ProductId).Include(p => p.Entries).ToListAsync(ct);

        var request = new UpgradeRequest(
            license.ProductId,
            license.Product!.Name,
            license.Major,
            new LicenseConfiguration(Ref(editions[license.EditionId]), Ref(levels[license.LevelId]), license.HasFailover),
            license.ProtectionEndsOn,
            license.ProductId,
            new LicenseConfiguration(Ref(targetEdition), Ref(targetLevel), target.HasFailover),
            quoteDate,
            await db.MajorsAsync(license.ProductId, ct),
            lists.ToDictionary(
                p => p.Major,
                p => new PriceListSnapshot(
                    p.Major,
                    [
                        .. p.Entries.Select(e => new PriceEntry(
                            Ref(editions[e.EditionId]),
                            Ref(levels[e.LevelId]),
                            e.LicensePrice,
                            e.FailoverPrice,
                            e.ProtectionPrice
                        )),
                    ]
                )
            ),
            target.ToCurrentMajor,
            target.RenewProtection
        );
        return UpgradePricing.Price(request);
    }

    private static EditionRef Ref(Edition e) => new(e.Id, e.Name, e.Rank);

    private static LevelRef Ref(Level l) => new(l.Id, l.Name, l.Rank);
}
