using System.Security.Claims;
using LicensePortal.Features.Home;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Tests.Features.Home;

[Collection(SharedPortal.Name)]
public class HomeServiceTests(PortalFactory portal)
{
    private static ClaimsPrincipal As(string role) => TestData.As(role);

    [Theory]
    [InlineData(Roles.Sales, "Sales")]
    [InlineData(Roles.Fraud, "Fraud")]
    [InlineData(Roles.Manager, "Sales,Fraud,Management")]
    [InlineData(Roles.Admin, "Admin")]
    public async Task The_home_page_counts_the_work_of_each_area_the_role_has(string role, string areas)
    {
        _ = portal.Server;
        var cards = await portal.Service<HomeService>().CardsForAsync(As(role));

        Assert.Equal(areas.Split(','), cards.Select(c => c.Area).Distinct());
    }

    [Fact]
    public async Task Each_fraud_card_counts_exactly_the_licenses_installations_and_cases_in_its_state()
    {
        // Its own portal without demo licenses: every figure below comes from what this test sets up.
        await using var own = new PortalFactory { Licenses = 0 };
        using var api = own.Client();
        var customer = await own.NewCustomerAsync();
        var usedUp = await own.NewLicenseAsync(customer.Id);
        var migrating = await own.NewLicenseAsync(customer.Id);
        var stale = await own.NewLicenseAsync(customer.Id);
        var single = await own.NewLicenseAsync(customer.Id);
        var disabled = await own.NewLicenseAsync(customer.Id);
        await api.CheckInAsync(stale.Key, "gone");
        for (var day = 0; day <= 40; day++)
        {
            if (day > 0)
                own.Clock.Advance(TimeSpan.FromDays(1));
            await api.CheckInAsync(usedUp.Key, "old");
            await api.CheckInAsync(usedUp.Key, "new");
            await api.CheckInAsync(single.Key, "only");
            // Day 30: the window of usedUp runs out and its case opens with a deadline on day 44, within the week of day 40.
            if (day == 30)
                Assert.Equal(1, (await own.Service<LicensePortal.Features.Fraud.FraudMonitor>().RunAsync()).CasesOpened);
        }
        await api.CheckInAsync(migrating.Key, "old");
        await api.CheckInAsync(migrating.Key, "new");
        await using (var db = await own.DbAsync())
        {
            await db
                .Licenses.Where(l => l.Id == disabled.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(l => l.Status, LicensePortal.Features.Licenses.LicenseStatus.Disabled));
        }

        var cards = (await own.Service<HomeService>().CardsForAsync(As(Roles.Fraud))).ToDictionary(c => c.Title, c => c.Count);

        Assert.Equal(
            new Dictionary<string, int>
            {
                ["Open fraud cases"] = 1, // usedUp
                ["Keys to disable this week"] = 1, // usedUp, still on two servers
                ["Licenses over allowance"] = 2, // usedUp and migrating
                ["Stale installations"] = 1, // stale's server, last seen on day 0
                ["Disabled keys"] = 1, // disabled
            },
            cards
        );
        var manager = (await own.Service<HomeService>().CardsForAsync(As(Roles.Manager))).ToDictionary(c => c.Title, c => c.Count);
        Assert.Equal(4, manager["Active licenses"]);
    }
}
