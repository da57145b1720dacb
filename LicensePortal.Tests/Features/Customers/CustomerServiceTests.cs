using LicensePortal.Features.Customers;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;

namespace LicensePortal.Tests.Features.Customers;

[Collection(SharedPortal.Name)]
public class CustomerServiceTests(PortalFactory portal)
{
    private CustomerService Service
    {
        get
        {
            _ = portal.Server;
            return portal.Service<CustomerService>();
        }
    }

    [Fact]
    public async Task Search_finds_a_customer_by_name_email_or_phone()
    {
        var someone = (await Service.ListAsync(null, new PageRequest(0, 10, null, false))).Rows[3];

        foreach (var term in new[] { someone.Name, someone.Email, someone.Phone })
            Assert.Contains((await Service.ListAsync(term, new PageRequest(0, 50, null, false))).Rows, r => r.Id == someone.Id);
    }

    [Fact]
    public async Task The_list_sorts_by_name_both_ways_and_counts_licenses()
    {
        var up = await Service.ListAsync(null, new PageRequest(0, 300, "Name", false));
        var down = await Service.ListAsync(null, new PageRequest(0, 300, "Name", true));

        Assert.True(up.Total >= 300);
        Assert.Equal(up.Rows.Select(r => r.Name).Order(StringComparer.Ordinal), up.Rows.Select(r => r.Name));
        Assert.Equal(down.Rows.Select(r => r.Name).OrderDescending(StringComparer.Ordinal), down.Rows.Select(r => r.Name));
        Assert.Contains(up.Rows, r => r.Licenses > 0);
    }
}
