using LicensePortal.Data;
using LicensePortal.Features.Installations;
using LicensePortal.Features.Licenses;
using LicensePortal.Features.Licensing;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Tests.Features.Licensing;

[Collection(SharedPortal.Name)]
public class LicensingServicesTests(PortalFactory portal)
{
    private async Task<AppDbContext> DbAsync()
    {
        _ = portal.Server;
        return await portal.Service<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
    }

    [Fact]
    public async Task The_pricing_service_prices_a_stored_license_from_the_stored_price_list()
    {
        await using var db = await DbAsync();
        var license = await db.Licenses.Include(l => l.Edition).Include(l => l.Level).Include(l => l.Product)
            .FirstAsync(l => l.Product!.Name == "SmarterMail" && l.Major == 12 && l.Edition!.Name == "Professional" && !l.HasFailover && l.Level!.Rank < 5);
        var enterprise = await db.Editions.SingleAsync(e => e.ProductId == license.ProductId && e.Name == "Enterprise");
        var list = await db.PriceLists.Include(p => p.Entries).SingleAsync(p => p.ProductId == license.ProductId && p.Major == 12);
        var expected = list.Entries.Single(e => e.EditionId == enterprise.Id && e.LevelId == license.LevelId).LicensePrice
                       - list.Entries.Single(e => e.EditionId == license.EditionId && e.LevelId == license.LevelId).LicensePrice;

        var price = await portal.Service<PricingService>().PriceUpgradeAsync(license.Id, new PricingService.Target(enterprise.Id, license.LevelId, false));

        Assert.Equal(expected, price.Total);
        Assert.Equal((12, 12), (price.FromMajor, price.ToMajor));
    }

    [Fact]
    public async Task The_pricing_service_refuses_an_edition_of_another_product()
    {
        await using var db = await DbAsync();
        var license = await db.Licenses.Include(l => l.Product).FirstAsync(l => l.Product!.Name == "SmarterMail");
        var foreign = await db.Editions.FirstAsync(e => e.ProductId != license.ProductId);

        var error = await Assert.ThrowsAsync<DomainException>(() =>
            portal.Service<PricingService>().PriceUpgradeAsync(license.Id, new PricingService.Target(foreign.Id, license.LevelId, false)));
        Assert.Contains("can only be upgraded within SmarterMail", error.Message);
    }

    [Fact]
    public async Task The_entitlement_service_marks_10x_SmarterMail_licenses_legacy()
    {
        await using var db = await DbAsync();
        var legacy = await db.Licenses.FirstAsync(l => l.Product!.Name == "SmarterMail" && l.Major == 10);
        var current = await db.Licenses.FirstAsync(l => l.Product!.Name == "SmarterMail" && l.Major == 12);

        var entitlements = portal.Service<EntitlementService>();

        Assert.True((await entitlements.ForLicenseAsync(legacy.Id)).IsLegacy);
        Assert.Equal("All 12.x releases, patches and bug fixes at no charge.", (await entitlements.ForLicenseAsync(current.Id)).Lines[0]);
    }

    [Fact]
    public async Task The_standing_service_agrees_with_the_over_allowance_list()
    {
        await using var db = await DbAsync();
        var allOver = await db.OverAllowanceLicenseIds(ActivityCut.At(PortalFactory.Now.UtcDateTime, new InstallationOptions())).ToListAsync();
        var over = allOver.Take(5).ToList();
        var standing = portal.Service<StandingService>();

        Assert.NotEmpty(over);
        foreach (var id in over)
        {
            var s = await standing.ForLicenseAsync(id);
            Assert.True(s.OverAllowance);
            Assert.Contains(s.Status, new[] { StandingStatus.Grace, StandingStatus.Flagged, StandingStatus.Disabled });
        }
        var within = await db.Licenses.Where(l => l.Status == LicenseStatus.Active && !allOver.Contains(l.Id)).Select(l => l.Id).FirstAsync();
        Assert.False((await standing.ForLicenseAsync(within)).OverAllowance);
    }
}
