using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.Playwright;
using static LicensePortal.Tests.Infrastructure.BrowserPortal;
using static Microsoft.Playwright.Assertions;

namespace LicensePortal.Tests.Journeys;

[Collection(BrowserCollection.Name)]
public class KeyBoxJourneyTests(BrowserPortal browser)
{
    [Fact]
    public async Task A_fraud_agent_pastes_a_key_read_out_on_the_phone_into_the_app_bar_and_lands_on_the_license()
    {
        RequireChromium();
        var portal = browser.Portal;
        var license = await portal.NewLicenseAsync((await portal.NewCustomerAsync("Key Box Journey Hosting")).Id);
        var page = await browser.SignedInPageAsync(Email(Roles.Fraud), PortalFactory.Password);
        // The narrowest screen the portal is used on: the box must fit beside the name and Sign out.
        await page.SetViewportSizeAsync(1280, 800);
        var box = page.GetByLabel("License key", new() { Exact = true });

        // A key that does not exist: the agent is told so and stays where they are.
        var before = page.Url;
        await box.FillAsync(LicensePortal.Features.Licenses.LicenseKey.New());
        await box.PressAsync("Enter");
        await Expect(page.GetByText("No license has the key")).ToBeVisibleAsync();
        Assert.Equal(before, page.Url);
        await page.ScreenshotAsync(new() { Path = Shot("key-box-unknown.png") });

        // The real key as the customer reads it: lower case, spaces, no dashes.
        await box.FillAsync(string.Join(" ", license.Key.Replace("-", "").Chunk(5).Select(c => new string(c))).ToLowerInvariant());
        await box.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/licenses/{license.Id}$"));
        await Expect(page.GetByTestId("license-key")).ToHaveTextAsync(license.Key);
        await page.ScreenshotAsync(new() { Path = Shot("key-box-license.png") });

        // Part of a key opens the license list searched by it.
        await box.FillAsync(license.Key[..8]);
        await box.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/licenses\\?q={license.Key[..7]}"));
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = license.Key })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_admin_has_no_key_box()
    {
        RequireChromium();
        var page = await browser.SignedInPageAsync(Email(Roles.Admin), PortalFactory.Password);

        await Expect(page.GetByLabel("License key", new() { Exact = true })).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }
}
