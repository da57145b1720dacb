using LicensePortal.Features.Home;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.Playwright;
using static LicensePortal.Tests.Infrastructure.BrowserPortal;
using static Microsoft.Playwright.Assertions;

namespace LicensePortal.Tests.Journeys;

[Collection(BrowserCollection.Name)]
public class FigureJourneyTests(BrowserPortal browser)
{
    [Fact]
    public async Task A_manager_opens_a_home_figure_and_the_list_says_the_same_number()
    {
        RequireChromium();
        var card = (await browser.Portal.Service<HomeService>().CardsForAsync(TestData.As(Roles.Manager))).Single(c =>
            c.Title == "Active licenses"
        );
        var page = await browser.SignedInPageAsync(Email(Roles.Manager), PortalFactory.Password);

        await page.GetByTestId("home-card")
            .Filter(new() { Has = page.GetByTestId("home-card-title").GetByText("Active licenses", new() { Exact = true }) })
            .GetByRole(AriaRole.Link, new() { Name = "Open" })
            .ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/licenses\\?status=Active$"));
        await Expect(page.Locator(".mud-table-pagination")).ToContainTextAsync($"of {card.Count}");

        await page.GotoAsync("/fraud/cases?age=UnderSevenDays&view=ToDisableThisWeek");
        await Expect(page.GetByTestId("case-age")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Shot("figures-case-queue.png") });
        await page.GotoAsync("/licenses?disabledSince=2026-11-01");
        await Expect(page.GetByTestId("filter-disabled-since")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Shot("figures-disabled-since.png") });
        await page.Context.CloseAsync();
    }
}
