using Deque.AxeCore.Playwright;
using LicensePortal.Features.Quotes;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static LicensePortal.Tests.Infrastructure.BrowserPortal;
using static Microsoft.Playwright.Assertions;

namespace LicensePortal.Tests.Journeys;

/// <summary>
/// axe-core on every main page a role may open, in the light and the dark theme: any serious or critical violation
/// fails, and the message lists them all (rule, page, element).
/// </summary>
[Collection(BrowserCollection.Name)]
public class AccessibilityTests(BrowserPortal browser)
{
    [Theory]
    [InlineData(Roles.Sales)]
    [InlineData(Roles.Fraud)]
    [InlineData(Roles.Manager)]
    [InlineData(Roles.Admin)]
    public async Task Every_page_a_role_opens_has_no_serious_or_critical_axe_violation(string role)
    {
        RequireChromium();
        var pages = await PagesForAsync(role);
        var page = await browser.SignedInPageAsync(Email(role), PortalFactory.Password);
        var found = new List<string>();
        try
        {
            foreach (var dark in new[] { false, true })
            {
                await SetThemeAsync(page, dark);
                foreach (var url in pages)
                {
                    await page.GotoAsync(url);
                    await LoadedAsync(page);
                    var result = await page.RunAxe();
                    foreach (var violation in result.Violations.Where(v => v.Impact is "serious" or "critical"))
                        foreach (var node in violation.Nodes)
                            found.Add(
                                $"{violation.Id} ({violation.Impact}) on {url} [{(dark ? "dark" : "light")}]: {node.Target} "
                                    + $"{Snippet(node.Html)}"
                            );
                }
            }
        }
        finally
        {
            // The theme is the demo user's saved preference: the other journeys expect the light one.
            await SetThemeAsync(page, false);
            await page.Context.CloseAsync();
        }
        Assert.True(found.Count == 0, $"{found.Count} serious or critical axe violations for {role}:\n" + string.Join("\n", found));
    }

    [Fact]
    public async Task The_account_menu_and_a_row_menu_are_named_buttons_that_open()
    {
        RequireChromium();
        int customerId;
        await using (var db = await browser.Portal.DbAsync())
            customerId = await db.Customers.OrderBy(c => c.Id).Select(c => c.Id).FirstAsync();
        var page = await browser.SignedInPageAsync(Email(Roles.Sales), PortalFactory.Password);

        // The account menu is one named button, opened from the keyboard.
        var user = page.GetByRole(AriaRole.Button, new() { Name = "Account menu", Exact = true });
        await Expect(user).ToHaveCountAsync(1);
        await user.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByText("Change password")).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");

        // The ⋮ button has a name, so "Edit customer…" is reachable by it.
        await page.GotoAsync($"/customers/{customerId}");
        await page.GetByRole(AriaRole.Button, new() { Name = "More actions" }).ClickAsync();
        await Expect(page.GetByText("Edit customer…")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    private static string Snippet(string? html) =>
        html is null ? ""
        : html.Length <= 160 ? html
        : html[..160] + "…";

    private async Task<List<string>> PagesForAsync(string role)
    {
        var portal = browser.Portal;
        await using var db = await portal.DbAsync();
        var customerId = await db.Customers.OrderBy(c => c.Id).Select(c => c.Id).FirstAsync();
        var licenseId = await db.Licenses.OrderBy(l => l.Id).Select(l => l.Id).FirstAsync();
        var productId = await db.Products.OrderBy(p => p.Id).Select(p => p.Id).FirstAsync();
        var quoteId = await db.Quotes.OrderBy(q => q.Id).Select(q => (int?)q.Id).FirstOrDefaultAsync() ?? await NewQuoteAsync();
        var caseId = await db.FraudCases.OrderBy(c => c.Id).Select(c => c.Id).FirstAsync();

        bool May(string policy) => Policies.RolesFor[policy].Contains(role);
        var pages = new List<string> { "/" };
        if (May(Policies.Sales))
            pages.AddRange(["/customers", $"/customers/{customerId}", "/quotes", $"/quotes/{quoteId}", "/quotes/new", "/protection"]);
        if (May(Policies.Licenses))
            pages.AddRange(["/licenses", $"/licenses/{licenseId}", "/transfers"]);
        if (May(Policies.Fraud))
            pages.AddRange(["/fraud/cases", $"/fraud/cases/{caseId}", "/installations"]);
        if (May(Policies.Manager))
            pages.AddRange(["/transfers/approvals", "/management"]);
        if (May(Policies.Auditors))
            pages.Add("/audit");
        if (May(Policies.Staff))
            pages.AddRange(["/outbox", "/catalog", $"/catalog/{productId}"]);
        if (May(Policies.Admin))
            pages.Add("/admin/users");
        return pages;
    }

    private async Task<int> NewQuoteAsync()
    {
        var portal = browser.Portal;
        var customer = await portal.NewCustomerAsync("Accessible Quotes Ltd");
        var license = await portal.NewLicenseAsync(customer.Id);
        var (edition, level) = await portal.ConfigAsync("SmarterMail", "Enterprise", "250 mailboxes");
        return await portal
            .Service<QuoteService>()
            .CreateDraftAsync(
                TestData.As(Roles.Sales, Email(Roles.Sales)),
                customer.Id,
                [new QuoteRequestLine(license.Id, edition.Id, level.Id, false)],
                30,
                null
            );
    }

    /// <summary>Loaded is when the live connection has drawn the page: its heading is there and no grid is still loading.</summary>
    private static async Task LoadedAsync(IPage page)
    {
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await page.GetByTestId("live").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await Expect(page.Locator("main h1, .mud-main-content h1").First).ToBeVisibleAsync();
        await Expect(page.Locator(".mud-table-loading, .mud-progress-linear, .mud-skeleton")).ToHaveCountAsync(0);
    }

    private static async Task SetThemeAsync(IPage page, bool dark)
    {
        await page.GotoAsync("/");
        await LoadedAsync(page);
        var toggle = page.GetByRole(
            AriaRole.Button,
            new() { Name = dark ? "Switch to dark theme" : "Switch to light theme", Exact = true }
        );
        if (await toggle.CountAsync() == 0)
            return;
        await toggle.ClickAsync();
        await Expect(
                page.GetByRole(AriaRole.Button, new() { Name = dark ? "Switch to light theme" : "Switch to dark theme", Exact = true })
            )
            .ToBeVisibleAsync();
    }
}
