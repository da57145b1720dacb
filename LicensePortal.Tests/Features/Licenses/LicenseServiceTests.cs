using LicensePortal.Data;
using LicensePortal.Features.Installations;
using LicensePortal.Features.Licenses;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Tests.Features.Licenses;

[Collection(SharedPortal.Name)]
public class LicenseServiceTests(PortalFactory portal)
{
    private static readonly PageRequest FirstPage = new(0, 50, null, false);
    private static readonly DateOnly Today = DateOnly.FromDateTime(PortalFactory.Now.UtcDateTime);

    private LicenseService Service
    {
        get
        {
            _ = portal.Server;
            return portal.Service<LicenseService>();
        }
    }

    private async Task<List<License>> AllAsync()
    {
        await using var db = await portal.Service<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.Licenses.ToListAsync();
    }

    [Fact]
    public async Task Without_filters_it_pages_through_every_license()
    {
        var all = await AllAsync();
        var page = await Service.ListAsync(new LicenseFilter(), new PageRequest(1, 50, null, false));

        Assert.Equal(all.Count, page.Total);
        Assert.Equal(all.OrderBy(l => l.Id).Skip(50).Take(50).Select(l => l.Id), page.Rows.Select(r => r.Id));
    }

    [Fact]
    public async Task Status_product_and_customer_filters_match_the_rows()
    {
        var all = await AllAsync();
        var sample = all.First(l => l.Status == LicenseStatus.Disabled);

        var disabled = await Service.ListAsync(new LicenseFilter { Status = LicenseStatus.Disabled }, FirstPage);
        var product = await Service.ListAsync(new LicenseFilter { ProductId = sample.ProductId }, FirstPage);
        var customer = await Service.ListAsync(new LicenseFilter { CustomerId = sample.CustomerId }, FirstPage);

        Assert.Equal(all.Count(l => l.Status == LicenseStatus.Disabled), disabled.Total);
        Assert.All(disabled.Rows, r => Assert.Equal(LicenseStatus.Disabled, r.Status));
        Assert.Equal(all.Count(l => l.ProductId == sample.ProductId), product.Total);
        Assert.Equal(all.Where(l => l.CustomerId == sample.CustomerId).Select(l => l.Id).Order(), customer.Rows.Select(r => r.Id).Order());
    }

    [Theory]
    [InlineData(ProtectionFilter.Current)]
    [InlineData(ProtectionFilter.Lapsed)]
    [InlineData(ProtectionFilter.Ending)]
    public async Task The_protection_filter_follows_the_end_date(ProtectionFilter filter)
    {
        var all = await AllAsync();
        Func<License, bool> expected = filter switch
        {
            ProtectionFilter.Current => l => l.ProtectionEndsOn >= Today,
            ProtectionFilter.Lapsed => l => l.ProtectionEndsOn is null || l.ProtectionEndsOn < Today,
            // Renewals:ProtectionEndingDays, the "Protection ending" list's window.
            _ => l => l.ProtectionEndsOn >= Today && l.ProtectionEndsOn <= Today.AddDays(60),
        };

        var result = await Service.ListAsync(new LicenseFilter { Protection = filter }, new PageRequest(0, 200, null, false));

        Assert.Equal(all.Count(expected), result.Total);
    }

    [Fact]
    public async Task Over_allowance_means_more_active_installations_than_one_or_two_with_failover()
    {
        await using var db = await portal.Service<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var active = await db
            .Installations.Active(ActivityCut.At(PortalFactory.Now.UtcDateTime, new InstallationOptions()))
            .Select(i => i.LicenseId)
            .ToListAsync();
        var licenses = (await AllAsync()).ToDictionary(l => l.Id);
        var expected = active
            .GroupBy(id => id)
            .Where(g => g.Count() > (licenses[g.Key].HasFailover ? 2 : 1))
            .Select(g => g.Key)
            .Order()
            .ToList();

        var result = await Service.ListAsync(new LicenseFilter { OverAllowance = true }, new PageRequest(0, 200, null, false));

        Assert.NotEmpty(expected);
        Assert.Equal(expected, result.Rows.Select(r => r.Id).Order());
    }

    [Fact]
    public async Task A_key_prefix_finds_its_license_and_sorting_by_key_orders_rows()
    {
        var license = (await AllAsync())[7];

        var found = await Service.ListAsync(new LicenseFilter { Search = license.Key[..11].ToLowerInvariant() }, FirstPage);
        var sorted = await Service.ListAsync(new LicenseFilter(), new PageRequest(0, 50, nameof(LicenseRow.Key), true));

        Assert.Contains(found.Rows, r => r.Id == license.Id);
        Assert.Equal(sorted.Rows.Select(r => r.Key).OrderDescending(StringComparer.Ordinal), sorted.Rows.Select(r => r.Key));
    }
}
