using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.Playwright;
using static LicensePortal.Tests.Infrastructure.BrowserPortal;
using static Microsoft.Playwright.Assertions;

namespace LicensePortal.Tests.Journeys;

[Collection(BrowserCollection.Name)]
public class TransferJourneyTests(BrowserPortal browser)
{
    [Fact]
    public async Task A_sales_rep_requests_a_transfer_a_manager_approves_it_and_the_license_shows_its_new_owner()
    {
        RequireChromium();
        var seller = await browser.Portal.NewCustomerAsync("Selling Mail Co");
        await browser.Portal.NewCustomerAsync("Buying Hosting Pty Ltd");
        var license = await browser.Portal.NewLicenseAsync(seller.Id);

        // The sales rep requests the transfer from the license page.
        var sales = await browser.SignedInPageAsync(Email(Roles.Sales), PortalFactory.Password);
        await Expect(sales.GetByTestId("home-card").First).ToBeVisibleAsync();
        await sales.GotoAsync($"/licenses/{license.Id}");
        await sales.GetByRole(AriaRole.Button, new() { Name = "Request transfer…" }).ClickAsync();
        var dialog = sales.GetByRole(AriaRole.Dialog);
        // Sent empty, the form names every missing field at once in the portal's words and stays open.
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Request consent" }).ClickAsync();
        await Expect(dialog.GetByText("Choose the new owner, or enter a new customer.")).ToBeVisibleAsync();
        await Expect(dialog.GetByText("Give the reason for the transfer: it is printed on the consent letter.")).ToBeVisibleAsync();
        await sales.ScreenshotAsync(new() { Path = Shot("transfer-request-errors.png") });
        await ChooseAsync(
            sales,
            dialog.GetByRole(AriaRole.Combobox, new() { Name = "New owner" }),
            "Buying Hosting",
            "Buying Hosting Pty Ltd (it@acme.example)"
        );
        await Expect(dialog.GetByRole(AriaRole.Combobox, new() { Name = "New owner" }))
            .ToHaveValueAsync("Buying Hosting Pty Ltd (it@acme.example)");
        await dialog.GetByLabel("Reason (printed on the letter)").FillAsync("Seller sold its hosting business to the buyer");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Request consent" }).ClickAsync();
        await Expect(sales.GetByText("Transfer requested")).ToBeVisibleAsync();
        // A sales rep cannot open the approval queue.
        await sales.GotoAsync("/transfers/approvals");
        await Expect(sales.GetByRole(AriaRole.Heading, new() { Name = "You don't have access to that page" })).ToBeVisibleAsync();
        await sales.Context.CloseAsync();

        // A manager approves it and downloads the letter.
        var manager = await browser.SignedInPageAsync(Email(Roles.Manager), PortalFactory.Password);
        await manager.Locator("nav a[href='/transfers/approvals']").ClickAsync();
        var row = manager.Locator(".mud-table-body tr").Filter(new() { HasText = license.Key });
        await row.GetByRole(AriaRole.Button, new() { Name = "Approve…" }).ClickAsync();
        await manager.GetByRole(AriaRole.Dialog).GetByLabel("Reason").FillAsync("Sale contract seen");
        await manager.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Approve and issue letter" }).ClickAsync();
        await Expect(manager.GetByText("Approved: the consent letter is issued")).ToBeVisibleAsync();
        await manager.GotoAsync("/transfers");
        var letterLink = manager.Locator(".mud-table-body tr").Filter(new() { HasText = license.Key }).GetByTestId("letter-link");
        var download = await manager.RunAndWaitForDownloadAsync(() => letterLink.ClickAsync());
        var path = Shot("consent-letter.pdf");
        await download.SaveAsAsync(path);
        var text = PdfText.All(await File.ReadAllBytesAsync(path));
        Assert.Contains("Selling Mail Co", text);
        Assert.Contains("Buying Hosting Pty Ltd", text);
        Assert.Contains("Maria Keller", text);

        // The license shows its new owner and the chain of owners.
        await manager.GotoAsync($"/licenses/{license.Id}");
        await Expect(manager.GetByTestId("owner-step")).ToHaveCountAsync(2);
        await Expect(manager.GetByTestId("owner-step").Nth(1)).ToContainTextAsync("Buying Hosting Pty Ltd");
        await Expect(manager.GetByRole(AriaRole.Link, new() { Name = "Buying Hosting Pty Ltd" }).First).ToBeVisibleAsync();
        await manager.ScreenshotAsync(new() { Path = Shot("transfer-license-new-owner.png"), FullPage = true });
        await manager.GotoAsync("/management");
        await Expect(manager.GetByTestId("dashboard-figure").First).ToBeVisibleAsync();
        await manager.ScreenshotAsync(new() { Path = Shot("manager-dashboard.png"), FullPage = true });
        await manager.Context.CloseAsync();
    }

    [Fact]
    public async Task A_manager_who_requested_a_transfer_cannot_approve_it()
    {
        RequireChromium();
        var seller = await browser.Portal.NewCustomerAsync("Own Request Ltd");
        var buyer = await browser.Portal.NewCustomerAsync("Own Request Buyer Ltd");
        var license = await browser.Portal.NewLicenseAsync(seller.Id);
        await browser
            .Portal.Service<LicensePortal.Features.Transfers.TransferService>()
            .RequestAsync(
                TestData.As(Roles.Manager, Email(Roles.Manager)),
                license.Id,
                buyer.Id,
                null,
                LicensePortal.Features.Transfers.TransferKind.Lease,
                "Lease to a partner",
                new DateOnly(2027, 6, 30)
            );

        var manager = await browser.SignedInPageAsync(Email(Roles.Manager), PortalFactory.Password);
        await Expect(manager.GetByTestId("home-card").First).ToBeVisibleAsync();
        await manager.GotoAsync("/transfers/approvals");
        var row = manager.Locator(".mud-table-body tr").Filter(new() { HasText = license.Key });
        // The buttons say no before any dialog opens; the service still refuses (TransferServiceTests).
        await Expect(row.GetByRole(AriaRole.Button, new() { Name = "Approve…" })).ToBeDisabledAsync();
        await Expect(row.GetByRole(AriaRole.Button, new() { Name = "Reject…" })).ToBeDisabledAsync();
        await Expect(row.GetByText("Your own request: another manager must approve.")).ToBeVisibleAsync();

        // The license page says the request is waiting and offers no second one.
        await manager.GotoAsync($"/licenses/{license.Id}");
        await Expect(manager.GetByTestId("pending-transfer"))
            .ToContainTextAsync(
                "Lease to Own Request Buyer Ltd until 30 Jun 2027 requested on 26 Nov 2026 by Test Manager, awaiting a manager."
            );
        await Expect(manager.GetByRole(AriaRole.Button, new() { Name = "Request transfer…" })).ToHaveCountAsync(0);
        await manager.ScreenshotAsync(new() { Path = Shot("license-pending-transfer.png") });
        await manager.Context.CloseAsync();
    }
}
