using LicensePortal.Data;
using LicensePortal.Features.Catalog;
using LicensePortal.Features.Installations;
using LicensePortal.Features.Licenses;
using LicensePortal.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LicensePortal.Features.Licensing;

/// <summary>Loads a product's release history; no caching, so a new release counts at once.</summary>
internal static class LicensingQueries
{
    /// <summary>A product's major releases with their dates.</summary>
    public static Task<List<MajorRelease>> MajorsAsync(this AppDbContext db, int productId, CancellationToken ct) =>
        db.Releases.Where(r => r.ProductId == productId && r.Minor == 0)
            .Select(r => new MajorRelease(r.Major, r.ReleasedOn)).ToListAsync(ct);
}

/// <summary>Legacy status and entitlements of licenses (docs/RULES.md, Catalog and legacy).</summary>
public sealed class EntitlementService(IDbContextFactory<AppDbContext> dbFactory, VendorCalendar calendar)
{
    public async Task<Entitlement> ForLicenseAsync(int licenseId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var license = await db.Licenses.Where(l => l.Id == licenseId).Select(l => new { l.ProductId, l.Major, l.ProtectionEndsOn }).FirstOrDefaultAsync(ct)
            ?? throw new DomainException("That license no longer exists.");
        return Entitlements.For(license.Major, license.ProtectionEndsOn, await db.MajorsAsync(license.ProductId, ct), calendar.Today);
    }

    /// <summary>For each product, the highest legacy major today, so lists can filter and badge legacy licenses in SQL.</summary>
    public async Task<IReadOnlyDictionary<int, int?>> LegacyCutoffsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var majors = await db.Releases.Where(r => r.Minor == 0).Select(r => new { r.ProductId, r.Major, r.ReleasedOn }).ToListAsync(ct);
        var today = calendar.Today;
        return majors.GroupBy(m => m.ProductId)
            .ToDictionary(g => g.Key, g => ReleaseCalendar.HighestLegacyMajor(g.Select(m => new MajorRelease(m.Major, m.ReleasedOn)), today));
    }
}

/// <summary>Upgrade prices for a license from the price lists as they stand on the quote date (docs/RULES.md, Upgrades, renewals and reminders).</summary>
public sealed class PricingService(IDbContextFactory<AppDbContext> dbFactory, VendorCalendar calendar)
{
    public sealed record Target(int EditionId, int LevelId, bool HasFailover, bool ToCurrentMajor = false, bool RenewProtection = false);

    public async Task<UpgradePrice> PriceUpgradeAsync(int licenseId, Target target, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var license = await db.Licenses.AsNoTracking().Include(l => l.Product).Include(l => l.Edition).Include(l => l.Level)
            .FirstOrDefaultAsync(l => l.Id == licenseId, ct) ?? throw new DomainException("That license no longer exists.");
        return await PriceAsync(db, license, target, calendar.Today, ct);
    }

    internal static async Task<UpgradePrice> PriceAsync(AppDbContext db, License license, Target target, DateOnly quoteDate, CancellationToken ct)
    {
        var editions = await db.Editions.Where(e => e.ProductId == license.ProductId).ToDictionaryAsync(e => e.Id, ct);
        var levels = await db.Levels.Where(l => l.ProductId == license.ProductId).ToDictionaryAsync(l => l.Id, ct);
        if (!editions.TryGetValue(target.EditionId, out var targetEdition) || !levels.TryGetValue(target.LevelId, out var targetLevel))
            throw new DomainException($"A {license.Product!.Name} license can only be upgraded within {license.Product.Name}; choose one of its editions and levels.");
        var lists = await db.PriceLists.AsNoTracking().Where(p => p.ProductId == license.ProductId).Include(p => p.Entries).ToListAsync(ct);

        var request = new UpgradeRequest(
            license.ProductId, license.Product!.Name, license.Major,
            new LicenseConfiguration(Ref(editions[license.EditionId]), Ref(levels[license.LevelId]), license.HasFailover),
            license.ProtectionEndsOn,
            license.ProductId,
            new LicenseConfiguration(Ref(targetEdition), Ref(targetLevel), target.HasFailover),
            quoteDate,
            await db.MajorsAsync(license.ProductId, ct),
            lists.ToDictionary(p => p.Major, p => new PriceListSnapshot(p.Major,
                [.. p.Entries.Select(e => new PriceEntry(Ref(editions[e.EditionId]), Ref(levels[e.LevelId]), e.LicensePrice, e.FailoverPrice, e.ProtectionPrice))])),
            target.ToCurrentMajor, target.RenewProtection);
        return UpgradePricing.Price(request);
    }

    private static EditionRef Ref(Edition e) => new(e.Id, e.Name, e.Rank);
    private static LevelRef Ref(Level l) => new(l.Id, l.Name, l.Rank);
}

/// <summary>Installation standing of a license at a time (docs/RULES.md, Installations).</summary>
public sealed class StandingService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, IOptions<InstallationOptions> options)
{
    public async Task<Standing> ForLicenseAsync(int licenseId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.StandingAsync(licenseId, clock.GetUtcNow().UtcDateTime, options.Value, ct);
    }
}

public static class LicensingFeature
{
    public static IServiceCollection AddLicensingFeature(this IServiceCollection services) =>
        services.AddSingleton<VendorCalendar>().AddScoped<EntitlementService>().AddScoped<PricingService>().AddScoped<StandingService>();
}
