using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.Playwright;
using static LicensePortal.Tests.Infrastructure.BrowserPortal;
using static Microsoft.Playwright.Assertions;

namespace LicensePortal.Tests.Journeys;

[Collection(BrowserCollection.Name)]
public class CatalogJourneyTests(BrowserPortal browser)
{
    [Fact]
    public async Task An_admin_adds_a_major_release_and_licenses_two_majors_behind_show_as_legacy_at_once()
    {
        BrowserPortal.RequireChromium();
        var admin = await browser.SignedInPageAsync(Email(Roles.Admin), PortalFactory.Password);
        await admin.Locator("nav a[href='/catalog']").ClickAsync();
        await admin.GetByRole(AriaRole.Link, new() { Name = "SmarterTrack" }).ClickAsync();
        var rows = admin.GetByTestId("major-row");
        await Expect(rows.Filter(new() { HasText = "16.x" })).ToContainTextAsync("Supported");
        await admin.ScreenshotAsync(new() { Path = Shot("catalog-releases.png"), FullPage = true });

        await admin.GetByRole(AriaRole.Button, new() { Name = "Add release" }).ClickAsync();
        var dialog = admin.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Major").FillAsync("19");
        await dialog.GetByLabel("Released on").FillAsync("2026-11-26");
        await dialog.GetByLabel("Released on").PressAsync("Tab");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Add release" }).ClickAsync();

        await Expect(admin.GetByText("Release added")).ToBeVisibleAsync();
        await Expect(rows.Filter(new() { HasText = "19.x" })).ToContainTextAsync("Current");
        await Expect(rows.Filter(new() { HasText = "16.x" })).ToContainTextAsync("Legacy");
        await admin.Context.CloseAsync();

        var sales = await browser.SignedInPageAsync(Email(Roles.Sales), PortalFactory.Password);
        await sales.GotoAsync("/licenses?legacy=true");
        var cells = sales.Locator(".mud-table-body td[data-label='Product']");
        await Expect(cells.Filter(new() { HasText = "SmarterTrack 16.x" }).First).ToContainTextAsync("Legacy");
        await sales.ScreenshotAsync(new() { Path = Shot("licenses-legacy.png") });
        await sales.Context.CloseAsync();
    }

    [Fact]
    public async Task An_admin_sees_a_bad_price_list_import_row_by_row()
    {
        BrowserPortal.RequireChromium();
        var admin = await browser.SignedInPageAsync(Email(Roles.Admin), PortalFactory.Password);
        await admin.GotoAsync("/catalog");
        await admin.GetByRole(AriaRole.Link, new() { Name = "SmarterStats" }).ClickAsync();
        await admin.GetByRole(AriaRole.Tab, new() { Name = "Price lists" }).ClickAsync();
        await Expect(admin.GetByTestId("price-row").First).ToBeVisibleAsync();

        await ChooseFileAsync(admin, admin.GetByText("Import CSV", new() { Exact = true }), BadPriceList);

        await Expect(admin.GetByTestId("import-problem")).ToContainTextAsync("The license price can't be negative.");
        await admin.ScreenshotAsync(new() { Path = Shot("catalog-import-problems.png"), FullPage = true });
        await admin.Context.CloseAsync();
    }

    [Fact]
    public async Task A_price_list_chosen_while_the_import_button_is_still_being_wired_is_not_lost()
    {
        BrowserPortal.RequireChromium();
        var admin = await browser.SignedInPageAsync(Email(Roles.Admin), PortalFactory.Password);
        await admin.GotoAsync("/catalog");
        await admin.GetByRole(AriaRole.Link, new() { Name = "SmarterStats" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Tab, new() { Name = "Price lists" })).ToBeVisibleAsync();
        // A slow round trip, made certain: Blazor starts listening to the file input 2 s after the input is shown.
        // This leans on the name of Blazor's own InputFile set-up, so it fails loudly if that ever moves.
        await admin.EvaluateAsync(
            @"() => {
            const inputFile = Blazor._internal.InputFile;
            if (typeof inputFile?.init !== 'function') throw new Error('Blazor._internal.InputFile.init is gone');
            const init = inputFile.init;
            inputFile.init = (...args) => new Promise(done => setTimeout(() => done(init(...args)), 2000));
        }"
        );
        await admin.GetByRole(AriaRole.Tab, new() { Name = "Price lists" }).ClickAsync();
        await Expect(admin.GetByTestId("price-row").First).ToBeVisibleAsync();

        // Until then the button is greyed out and its input can't take a file.
        await Expect(admin.GetByTestId("csv-input")).ToBeDisabledAsync();
        await admin.ScreenshotAsync(new() { Path = Shot("catalog-import-not-ready.png") });
        await ChooseFileAsync(admin, admin.GetByText("Import CSV", new() { Exact = true }), BadPriceList);

        await Expect(admin.GetByTestId("import-problem")).ToContainTextAsync("The license price can't be negative.");
        await admin.Context.CloseAsync();
    }

    private static readonly FilePayload BadPriceList = new()
    {
        Name = "prices.csv",
        MimeType = "text/csv",
        Buffer = System.Text.Encoding.UTF8.GetBytes(
            "edition,level,license_price,failover_price,protection_price\nProfessional,5 sites,-1.00,1.00,1.00\n"
        ),
    };
}
