using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using LicensePortal.Verifier;
using Microsoft.Playwright;
using static LicensePortal.Tests.Infrastructure.BrowserPortal;
using static Microsoft.Playwright.Assertions;

namespace LicensePortal.Tests.Journeys;

[Collection(BrowserCollection.Name)]
public class OfflineActivationJourneyTests(BrowserPortal browser)
{
    [Fact]
    public async Task A_sales_rep_activates_an_air_gapped_server_hands_back_its_license_file_and_later_releases_it_with_its_code()
    {
        BrowserPortal.RequireChromium();
        var customer = await browser.Portal.NewCustomerAsync("Vault Bank plc");
        var license = await browser.Portal.NewLicenseAsync(customer.Id);
        var request = OfflineActivation.Request(
            license.Key,
            "vault-7",
            "mail.vault.bank.example",
            "12.3.9142",
            browser.Portal.Clock.GetUtcNow()
        );
        var page = await browser.SignedInPageAsync(Email(Roles.Sales), PortalFactory.Password);
        await page.GotoAsync($"/licenses/{license.Id}");
        await page.GetByTestId("live").WaitForAsync(new() { State = WaitForSelectorState.Attached });

        // The customer emailed the request the product wrote: paste it, as it came.
        await page.GetByRole(AriaRole.Button, new() { Name = "Activate a server offline…" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        // The file button joins the tab order once the browser listens for its file (a round trip after the dialog is drawn);
        // on a busy machine that is after a person could already type, so wait for it before tabbing to it.
        var fileButton = dialog.GetByRole(AriaRole.Button, new() { Name = "Load request file…" });
        await Expect(fileButton).ToHaveAttributeAsync("tabindex", "0");
        // Pasted into the field as it came; the keyboard reaches the file button next. (The dialog tries to put the focus in
        // the field when it opens, but MudBlazor's own focus on opening wins on a busy machine, so this clicks first.)
        var field = dialog.GetByLabel("Activation request");
        await field.ClickAsync();
        await Expect(field).ToBeFocusedAsync();
        await page.Keyboard.InsertTextAsync($"Hello, here is our request:\n{request}");
        await Expect(field).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("BEGIN LICENSEPORTAL ACTIVATION REQUEST"));
        await field.PressAsync("Tab");
        await Expect(fileButton).ToBeFocusedAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Activate server" }).ClickAsync();
        await Expect(dialog.GetByTestId("offline-activated"))
            .ToContainTextAsync("mail.vault.bank.example is activated offline: its license file holds until");
        var code = (await dialog.GetByTestId("offline-release-code").InnerTextAsync()).Trim();
        await AssertNoSeriousAxeViolationsAsync(page);
        await page.ScreenshotAsync(new() { Path = Shot("offline-activated.png"), FullPage = true });

        // The file downloads under the server's name and verifies on the server, as the product checks it.
        var download = await page.RunAndWaitForDownloadAsync(() =>
            dialog.GetByRole(AriaRole.Link, new() { Name = "Download mail.vault.bank.example.license" }).ClickAsync()
        );
        Assert.Equal("mail.vault.bank.example.license", download.SuggestedFilename);
        var path = Shot("mail.vault.bank.example.license");
        await download.SaveAsAsync(path);
        using var http = new HttpClient { BaseAddress = new Uri(browser.BaseUrl) };
        var keys = await http.PublishedKeysAsync();
        Assert.Equal(
            LicenseFileVerdict.Valid,
            OfflineActivation.Verify(
                keys,
                await File.ReadAllTextAsync(path),
                license.Key,
                "vault-7",
                browser.Portal.Clock.GetUtcNow(),
                out var grant
            )
        );
        Assert.Equal(code, grant!.ReleaseCode);

        await dialog.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Expect(page.GetByTestId("license-installation").GetByTestId("offline-until")).ToContainTextAsync("Offline until");

        // A year on the customer uninstalls it and reads out the code: a typo is refused in the dialog, which keeps it.
        await page.GetByRole(AriaRole.Button, new() { Name = "Release an offline server…" }).ClickAsync();
        var release = page.GetByRole(AriaRole.Dialog);
        await release.GetByLabel("Release code").FillAsync("ABCDE-23456");
        await release.GetByRole(AriaRole.Button, new() { Name = "Release server" }).ClickAsync();
        await Expect(release).ToContainTextAsync("No offline server of this license has that release code");
        await release.GetByLabel("Release code").FillAsync(code.ToLowerInvariant());
        await release.GetByRole(AriaRole.Button, new() { Name = "Release server" }).ClickAsync();
        await Expect(page.GetByText("mail.vault.bank.example released: it stops counting on")).ToBeVisibleAsync();
        // The code can be read from the file, so the server counts through the settle time; the evidence shows the release.
        await Expect(page.GetByTestId("release-row")).ToContainTextAsync("release code");
        await Expect(page.GetByTestId("release-row")).ToContainTextAsync("Accepted, from");
        await page.ScreenshotAsync(new() { Path = Shot("offline-release-settling.png"), FullPage = true });
        await page.Context.CloseAsync();
    }
}
