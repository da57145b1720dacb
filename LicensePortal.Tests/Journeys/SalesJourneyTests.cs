using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.Playwright;
using static LicensePortal.Tests.Infrastructure.BrowserPortal;
using static Microsoft.Playwright.Assertions;

namespace LicensePortal.Tests.Journeys;

[Collection(BrowserCollection.Name)]
public class SalesJourneyTests(BrowserPortal browser)
{
    [Fact]
    public async Task A_sales_rep_quotes_an_upgrade_sends_it_and_the_accepted_quote_upgrades_the_license()
    {
        BrowserPortal.RequireChromium();
        var customer = await browser.Portal.NewCustomerAsync("Journey Hosting GmbH");
        var license = await browser.Portal.NewLicenseAsync(customer.Id);
        var page = await browser.SignedInPageAsync(Email(Roles.Sales), PortalFactory.Password);

        // Find the customer during the call.
        await page.Locator("nav a[href='/customers']").ClickAsync();
        await page.GetByLabel("Search name, email or phone").FillAsync("Journey Hosting");
        await page.GetByRole(AriaRole.Link, new() { Name = "Journey Hosting GmbH" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = license.Key }).ClickAsync();
        await Expect(page.GetByTestId("license-edition")).ToHaveTextAsync("Professional");
        await page.ScreenshotAsync(new() { Path = Shot("sales-license.png"), FullPage = true });

        // Build the quote: one step up is priced at once.
        await page.GetByRole(AriaRole.Link, new() { Name = "Quote upgrade" }).ClickAsync();
        await Expect(page.GetByTestId("breakdown-line")).ToContainTextAsync("Professional 250 mailboxes → Enterprise 250 mailboxes");
        await page.ScreenshotAsync(new() { Path = Shot("sales-quote-builder.png"), FullPage = true });
        await page.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = new("^Quote Q-2026-\\d{6}$") })).ToBeVisibleAsync();
        var number = (await page.GetByRole(AriaRole.Heading, new() { NameRegex = new("^Quote Q-") }).TextContentAsync())!
            .Replace("Quote ", "")
            .Trim();

        // Download the PDF and read it back.
        var download = await page.RunAndWaitForDownloadAsync(() =>
            page.GetByRole(AriaRole.Link, new() { Name = "Download PDF" }).ClickAsync()
        );
        var pdfPath = Shot($"{number}.pdf");
        await download.SaveAsAsync(pdfPath);
        var text = PdfText.All(await File.ReadAllBytesAsync(pdfPath));
        Assert.Contains($"Quote {number}", text);
        Assert.Contains("Journey Hosting GmbH", text);

        // Send it: the email with the PDF shows in the outbox.
        await page.GetByRole(AriaRole.Button, new() { Name = "Send to customer" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        await Expect(page.GetByText("Quote sent to it@acme.example")).ToBeVisibleAsync();
        // The click only queued it and woke the dispatcher: the outbox shows it delivered once the dispatcher has run.
        await browser.Portal.DeliveredAsync($"Quote {number}");
        await page.Locator("nav a[href='/outbox']").ClickAsync();
        await page.GetByLabel("Recipient, subject or quote").FillAsync(number);
        var row = page.Locator(".mud-table-body tr").Filter(new() { HasText = number });
        await Expect(row.GetByTestId("outbox-state")).ToHaveTextAsync("Delivered");
        await Expect(row.GetByTestId("outbox-attachment")).ToHaveTextAsync($"{number}.pdf");
        await page.ScreenshotAsync(new() { Path = Shot("sales-outbox.png") });

        // The customer agrees. The rep who wrote the quote cannot accept it alone: a manager does, and the license is
        // upgraded with the change in its timeline.
        await page.Context.CloseAsync();
        page = await browser.SignedInPageAsync(Email(Roles.Manager), PortalFactory.Password);
        await page.GotoAsync("/quotes?q=" + number);
        await page.GetByRole(AriaRole.Link, new() { Name = number }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Accept…" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Accept and upgrade" }).ClickAsync();
        await Expect(page.GetByText("Quote accepted: the licenses are upgraded.")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = license.Key }).ClickAsync();
        await Expect(page.GetByTestId("license-edition")).ToHaveTextAsync("Enterprise");
        await Expect(page.GetByTestId("timeline-entry").First).ToContainTextAsync("Upgraded");
        await Expect(page.GetByText($"by quote {number}")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Shot("sales-license-upgraded.png"), FullPage = true });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_sales_rep_opens_protection_ending_from_home_and_renews_a_customers_licenses_in_one_quote()
    {
        BrowserPortal.RequireChromium();
        var today = DateOnly.FromDateTime(browser.Portal.Clock.GetUtcNow().UtcDateTime);
        var customer = await browser.Portal.NewCustomerAsync("Renewal Journey Ltd");
        var soon = await browser.Portal.NewLicenseAsync(customer.Id, protection: today.AddDays(14));
        var later = await browser.Portal.NewLicenseAsync(customer.Id, major: 11, level: "500 mailboxes", protection: today.AddDays(40));
        var page = await browser.SignedInPageAsync(Email(Roles.Sales), PortalFactory.Password);

        // The home page's figure opens the work list; the navigation has it too.
        await Expect(page.Locator("nav a[href='/protection']")).ToBeVisibleAsync();
        await page.GetByTestId("home-card")
            .Filter(new() { HasText = "Protection ending" })
            .GetByRole(AriaRole.Link, new() { Name = "Open" })
            .ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Protection ending" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("protection-policy")).ToContainTextAsync("Customers are emailed 30 and 7 days before it ends.");
        await Expect(page.Locator(".mud-table-body tr").First).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Shot("sales-protection-ending.png"), FullPage = true });
        // The figure counts licenses, so it opens the list by license; the rep calls customers, so switches to them.
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("view=licenses"));
        await page.GetByRole(AriaRole.Button, new() { Name = "By customer" }).ClickAsync();
        await Expect(page.GetByTestId("protection-licenses").First).ToBeVisibleAsync();

        // Find the customer on the call: one row, both licenses.
        await page.GetByLabel("Customer or key").FillAsync("Renewal Journey");
        var row = page.Locator(".mud-table-body tr").Filter(new() { HasText = "Renewal Journey Ltd" });
        await Expect(row.GetByTestId("protection-licenses")).ToHaveTextAsync("2");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("q=Renewal"));
        await row.GetByTestId("protection-licenses").ClickAsync();
        await Expect(page.Locator(".mud-table-body tr").Filter(new() { HasText = soon.Key }).GetByTestId("days-left"))
            .ToHaveTextAsync("in 14 days");
        await page.ScreenshotAsync(new() { Path = Shot("sales-protection-ending-licenses.png"), FullPage = true });
        await page.GetByRole(AriaRole.Button, new() { Name = "By customer" }).ClickAsync();

        // One click: a quote renewing both, priced at once.
        await page.GetByRole(AriaRole.Link, new() { Name = "Renewal quote for Renewal Journey Ltd" }).ClickAsync();
        await Expect(page.GetByTestId("breakdown-item")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("breakdown-line").First).ToContainTextAsync("Upgrade protection renewal, 12 months");
        // The 11.x license renews at the current major's price and stays on 11.x unless the rep ticks the major step.
        await Expect(page.GetByTestId("breakdown-item").Filter(new() { HasText = later.Key }))
            .ToContainTextAsync("at the 12.x price for Professional 500 mailboxes");
        await page.ScreenshotAsync(new() { Path = Shot("sales-renewal-quote-builder.png"), FullPage = true });
        await page.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = new("^Quote Q-") })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("quote-item").First).ToContainTextAsync("upgrade protection renewed");

        // A second person accepts: the rep's manager, from the same quote page.
        var url = page.Url;
        await page.Context.CloseAsync();
        page = await browser.SignedInPageAsync(Email(Roles.Manager), PortalFactory.Password);
        await page.GotoAsync(url);
        await page.GetByRole(AriaRole.Button, new() { Name = "Accept…" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Accept and renew" }).ClickAsync();
        await Expect(page.GetByText("Quote accepted: upgrade protection is renewed.")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Shot("sales-renewal-quote-accepted.png"), FullPage = true });

        // Renewed before it lapsed: the new year runs on from the old end date.
        await page.GetByRole(AriaRole.Link, new() { Name = soon.Key }).ClickAsync();
        await Expect(page.GetByTestId("license-protection")).ToContainTextAsync($"until {today.AddDays(14).AddMonths(12):d MMM yyyy}");
        await Expect(page.GetByTestId("timeline-entry").First).ToContainTextAsync("Protection renewed");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_fraud_agent_cannot_build_quotes()
    {
        BrowserPortal.RequireChromium();
        var page = await browser.SignedInPageAsync(Email(Roles.Fraud), PortalFactory.Password);
        await Expect(page.GetByTestId("home-card").First).ToBeVisibleAsync();

        await page.GotoAsync("/quotes/new?customer=1");

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You don't have access to that page" })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }
}
