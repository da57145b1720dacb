using LicensePortal.Data;
using LicensePortal.Features.Installations;
using LicensePortal.Features.Licenses;
using LicensePortal.Features.Licensing;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Tests.Features.Licensing;

[Collection(SharedPortal.Name)]
public class LicensingQueriesTests(PortalFactory portal)
{
    private async Task<AppDbContext> DbAsync()
    {
        _ = portal.Server;
        return await portal.Service<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
    }

    [Fact]
    public async Task An_upgrade_of_a_stored_license_is_priced_from_the_stored_price_list()
    {
        await using var db = await DbAsync();
        var license = await db
            .Licenses.Include(l => l.Edition)
            .Include(l => l.Level)
            .Include(l => l.Product)
            .FirstAsync(l =>
                l.Product!.Name == "SmarterMail"
                && l.Major == 12
                && l.Edition!.Name == "Professional"
                && !l.HasFailover
                && l.Level!.Rank < 5
            );
        var enterprise = await db.Editions.SingleAsync(e => e.ProductId == license.ProductId && e.Name == "Enterprise");
        var list = await db.PriceLists.Include(p => p.Entries).SingleAsync(p => p.ProductId == license.ProductId && p.Major == 12);
        var expected =
            list.Entries.Single(e => e.EditionId == enterprise.Id && e.LevelId == license.LevelId).LicensePrice
            - list.Entries.Single(e => e.EditionId == license.EditionId && e.LevelId == license.LevelId).LicensePrice;

        var price = await db.PriceUpgradeAsync(
            license,
            new UpgradeTarget(enterprise.Id, license.LevelId, false),
            portal.Service<VendorCalendar>().Today,
            default
        );

        Assert.Equal(expected, price.Total);
        Assert.Equal((12, 12), (price.FromMajor, price.ToMajor));
    }

    [Fact]
    public async Task An_upgrade_to_an_edition_of_another_product_is_refused()
    {
        await using var db = await DbAsync();
        var license = await db.Licenses.Include(l => l.Product).FirstAsync(l => l.Product!.Name == "SmarterMail");
        var foreign = await db.Editions.FirstAsync(e => e.ProductId != license.ProductId);

        var error = await Assert.ThrowsAsync<DomainException>(() =>
            db.PriceUpgradeAsync(
                license,
                new UpgradeTarget(foreign.Id, license.LevelId, false),
                portal.Service<VendorCalendar>().Today,
                default
            )
        );
        Assert.Contains("can only be upgraded within SmarterMail", error.Message);
    }

    [Fact]
    public async Task With_12x_current_the_highest_legacy_SmarterMail_major_is_10()
    {
        await using var db = await DbAsync();
        var smarterMail = await db.Products.Where(p => p.Name == "SmarterMail").Select(p => p.Id).SingleAsync();

        var cutoffs = await portal.Service<EntitlementService>().LegacyCutoffsAsync();

        Assert.Equal(10, cutoffs[smarterMail]);
    }

    [Fact]
    public async Task A_license_s_standing_agrees_with_the_over_allowance_list()
    {
        await using var db = await DbAsync();
        var allOver = await db.OverAllowanceLicenseIds(ActivityCut.At(PortalFactory.Now.UtcDateTime, new InstallationOptions()))
            .ToListAsync();
        var over = allOver.Take(5).ToList();
        var options = new InstallationOptions();
        async Task<Standing> StandingAsync(int id) => await db.StandingAsync(id, PortalFactory.Now.UtcDateTime, options, default);

        Assert.Equal(5, over.Count);
        foreach (var id in over)
        {
            var s = await StandingAsync(id);
            Assert.True(s.OverAllowance);
            Assert.Contains(s.Status, new[] { StandingStatus.Grace, StandingStatus.Flagged, StandingStatus.Disabled });
        }
        var within = await db
            .Licenses.Where(l => l.Status == LicenseStatus.Active && !allOver.Contains(l.Id))
            .Select(l => l.Id)
            .FirstAsync();
        Assert.False((await StandingAsync(within)).OverAllowance);
    }
}
