using System.Security.Claims;
using LicensePortal.Features.Home;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;

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
    public async Task Fraud_counts_come_from_the_seeded_installations()
    {
        _ = portal.Server;
        var cards = await portal.Service<HomeService>().CardsForAsync(As(Roles.Fraud));

        // The demo data has migrations in progress and used up, stale installations and disabled keys;
        // cases open only once the monitor runs.
        Assert.All(cards.Where(c => !c.Title.Contains("case") && !c.Title.Contains("this week")), c => Assert.True(c.Count > 0, c.Title));
    }
}
