using LicensePortal.Features.Fraud;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.Playwright;
using static LicensePortal.Tests.Infrastructure.BrowserPortal;
using static Microsoft.Playwright.Assertions;

namespace LicensePortal.Tests.Journeys;

[Collection(BrowserCollection.Name)]
public class FraudJourneyTests(BrowserPortal browser)
{
    [Fact]
    public async Task A_fraud_agent_works_a_case_from_the_queue_to_an_active_key()
    {
        BrowserPortal.RequireChromium();
        var portal = browser.Portal;
        var customer = await portal.NewCustomerAsync("Fraud Journey Networks");
        var license = await portal.NewLicenseAsync(customer.Id);
        using var api = new HttpClient { BaseAddress = new Uri(browser.BaseUrl) };
        await api.CheckInAsync(license.Key, "old-server");
        await api.CheckInAsync(license.Key, "new-server");
        var caseId = await portal
            .Service<FraudCaseService>()
            .OpenAsync(TestData.As(Roles.Fraud, "monitor"), license.Id, "Over allowance past the window");

        var page = await browser.SignedInPageAsync(Email(Roles.Fraud), PortalFactory.Password);
        await page.Locator("nav a[href='/fraud/cases']").ClickAsync();
        await page.GetByLabel("Key or customer").FillAsync("Fraud Journey");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("q=Fraud"));
        await Expect(page.GetByTestId("case-phone")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("case-phone")).ToHaveTextAsync("+1 503 555 0100");
        await page.ScreenshotAsync(new() { Path = Shot("fraud-queue.png") });
        await page.GetByRole(AriaRole.Link, new() { Name = $"#{caseId}" }).ClickAsync();

        // Log the call: the outcome has no default, so it is chosen.
        await page.GetByRole(AriaRole.Radio, new() { Name = "spoke – will fix" }).CheckAsync();
        await page.GetByLabel("Notes").FillAsync("Customer moved to the new server last week; will shut the old one down now.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Log call" }).ClickAsync();
        await Expect(page.GetByTestId("call-logged")).ToContainTextAsync("Call logged.");
        await Expect(page.GetByTestId("case-timeline").First).ToContainTextAsync("Call:");

        // Mark the old server decommissioned.
        var oldRow = page.GetByTestId("case-installation").Filter(new() { HasText = "old-server" });
        await oldRow.GetByRole(AriaRole.Button, new() { Name = "Decommission…" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByLabel("Reason").FillAsync("Confirmed on the phone");
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Mark decommissioned" }).ClickAsync();
        await Expect(oldRow).ToContainTextAsync("Decommissioned");

        // Resolve.
        await page.GetByRole(AriaRole.Button, new() { Name = "Resolve…" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByLabel("Note").FillAsync("Migration finished; old server decommissioned.");
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Resolve case" }).ClickAsync();
        await Expect(page.GetByText("Case resolved.")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Shot("fraud-case-resolved.png"), FullPage = true });

        // The key answers active again.
        Assert.Equal("active", (await api.CheckInAsync(license.Key, "new-server")).Status);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_fraud_agent_resolves_a_case_as_an_additional_license_and_both_keys_answer_active()
    {
        BrowserPortal.RequireChromium();
        var portal = browser.Portal;
        var customer = await portal.NewCustomerAsync("Second Site Hosting");
        var license = await portal.NewLicenseAsync(customer.Id);
        var bought = await portal.NewLicenseAsync(customer.Id);
        using var api = new HttpClient { BaseAddress = new Uri(browser.BaseUrl) };
        await api.PostCheckInAsync(license.Key, "hq-server", "hq.secondsite.example");
        await api.PostCheckInAsync(license.Key, "branch-server", "branch.secondsite.example");
        var caseId = await portal
            .Service<FraudCaseService>()
            .OpenAsync(TestData.As(Roles.Fraud, "monitor"), license.Id, "Two sites on one key");

        var page = await browser.SignedInPageAsync(Email(Roles.Fraud), PortalFactory.Password);
        await Expect(page.GetByTestId("home-card").First).ToBeVisibleAsync();
        await page.GotoAsync($"/fraud/cases/{caseId}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Resolve…" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await PickAsync(page, dialog, "Outcome", "Additional license purchased");
        await PickAsync(page, dialog, "The license they bought", bought.Key);
        await PickAsync(page, dialog, "The server that moves to it", "branch.secondsite.example");
        await dialog.GetByLabel("Note").FillAsync("Bought a second license for the branch office.");
        await page.ScreenshotAsync(new() { Path = Shot("fraud-resolve-additional-license.png") });
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Resolve case" }).ClickAsync();

        await Expect(page.GetByText("Case resolved.")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("case-outcome")).ToContainTextAsync("Additional license purchased");
        await page.ScreenshotAsync(new() { Path = Shot("fraud-case-additional-license.png"), FullPage = true });
        Assert.Equal(
            ("active", 1),
            (await api.CheckInAsync(license.Key, "hq-server")) is var hq ? (hq.Status, hq.ActiveInstallations) : default
        );
        Assert.Equal(
            ("active", 1),
            (await api.CheckInAsync(bought.Key, "branch-server")) is var branch ? (branch.Status, branch.ActiveInstallations) : default
        );
        await page.Context.CloseAsync();
    }

    /// <summary>Opens a MudSelect by its label, picks an option, and waits for the list to close as a person would.</summary>
    private static async Task PickAsync(IPage page, ILocator dialog, string label, string option)
    {
        await dialog.Locator(".mud-select").Filter(new() { HasText = label }).Locator(".mud-input-control").ClickAsync();
        await page.GetByRole(AriaRole.Option).Filter(new() { HasText = option }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Option)).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_sales_rep_cannot_open_the_case_queue()
    {
        BrowserPortal.RequireChromium();
        var page = await browser.SignedInPageAsync(Email(Roles.Sales), PortalFactory.Password);
        await Expect(page.GetByTestId("home-card").First).ToBeVisibleAsync();

        await page.GotoAsync("/fraud/cases");

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You don't have access to that page" })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }
}
