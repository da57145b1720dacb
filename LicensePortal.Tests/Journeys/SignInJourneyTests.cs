using LicensePortal.Data.Demo;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.Playwright;
using static LicensePortal.Tests.Infrastructure.BrowserPortal;
using static Microsoft.Playwright.Assertions;

namespace LicensePortal.Tests.Journeys;

[Collection(BrowserCollection.Name)]
public class SignInJourneyTests(BrowserPortal browser)
{
    public static TheoryData<string, string[], string, string> Roles_ =>
        new()
        {
            // role, home cards it must see, a page of its area, a page it must not see
            { Roles.Sales, ["Protection ending", "Quotes expiring soon", "New customers this month"], "/licenses", "/admin/users" },
            {
                Roles.Fraud,
                ["Open fraud cases", "Keys to disable this week", "Licenses over allowance", "Stale installations", "Disabled keys"],
                "/installations",
                "/customers"
            },
            {
                Roles.Manager,
                [
                    "Protection ending",
                    "Quotes expiring soon",
                    "New customers this month",
                    "Open fraud cases",
                    "Keys to disable this week",
                    "Licenses over allowance",
                    "Stale installations",
                    "Disabled keys",
                    "Transfers awaiting approval",
                    "Active licenses",
                ],
                "/customers",
                "/admin/users"
            },
            { Roles.Admin, ["Staff accounts", "Locked accounts"], "/admin/users", "/installations" },
        };

    [Theory]
    [MemberData(nameof(Roles_))]
    public async Task Each_demo_user_signs_in_sees_their_work_and_nothing_else(
        string role,
        string[] cards,
        string allowedPage,
        string refusedPage
    )
    {
        BrowserPortal.RequireChromium();
        var user = DemoSeeder.Users.Single(u => u.Role == role);
        var page = await browser.SignedInPageAsync(user.Email, PortalFactory.Password);

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Welcome, {user.DisplayName.Split(' ')[0]}" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("user-name")).ToHaveTextAsync(user.DisplayName);
        await Expect(page.GetByTestId("user-roles")).ToHaveTextAsync(role);
        await Expect(page.GetByTestId("home-card-title")).ToHaveTextAsync(cards);
        await page.ScreenshotAsync(new() { Path = Shot($"home-{role}.png"), FullPage = true });

        // Its own area opens from the drawer, with live rows from the server.
        await page.Locator($"nav a[href='{allowedPage}']").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"{allowedPage}$"));
        // Wait for real rows from the server, not the loading row.
        await Expect(page.Locator(".mud-table-body td[data-label]").First).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Shot($"list-{role}.png") });

        // Another area is not in the drawer, and typing its address is refused.
        await Expect(page.Locator($"nav a[href='{refusedPage}']")).ToHaveCountAsync(0);
        await page.GotoAsync(refusedPage);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You don't have access to that page" })).ToBeVisibleAsync();

        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Signing_out_returns_to_the_sign_in_page()
    {
        BrowserPortal.RequireChromium();
        var page = await browser.SignedInPageAsync(DemoSeeder.Users[0].Email, PortalFactory.Password);
        await Expect(page.GetByTestId("home-card").First).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await page.GotoAsync("/licenses");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Account/Login"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_rep_turns_on_two_factor_sign_in_from_the_account_menu_and_signs_in_with_a_code_after()
    {
        BrowserPortal.RequireChromium();
        const string email = "two.factor@example.com";
        await browser.Portal.NewStaffAsync(email, Roles.Sales);
        var page = await browser.SignedInPageAsync(email, "Good-Password-1");

        await page.GetByRole(AriaRole.Button, new() { Name = "Account menu" }).ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Two-factor sign-in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Two-factor sign-in" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "QR code of your authenticator key" })).ToBeVisibleAsync();
        await AssertNoSeriousAxeViolationsAsync(page);
        var key = (await page.GetByTestId("authenticator-key").InnerTextAsync()).Replace(" ", "");
        await page.GetByLabel("Code from the app").FillAsync(Totp.Code(key, browser.Portal.Clock.GetUtcNow()));
        await page.GetByLabel("Code from the app").PressAsync("Enter");
        await Expect(page.GetByTestId("recovery-codes").Locator("li")).ToHaveCountAsync(10);
        await page.ScreenshotAsync(new() { Path = Shot("two-factor-recovery-codes.png"), FullPage = true });

        // Each code works once: the next sign-in takes the app's next one.
        browser.Portal.Clock.Advance(TimeSpan.FromSeconds(30));
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync("Good-Password-1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Enter your authenticator code" })).ToBeVisibleAsync();
        await AssertNoSeriousAxeViolationsAsync(page);
        // The code field has the focus: type and press Enter, as a person with the phone in the other hand does.
        await page.Keyboard.TypeAsync(Totp.Code(key, browser.Portal.Clock.GetUtcNow()));
        await page.Keyboard.PressAsync("Enter");

        await Expect(page.GetByTestId("user-name")).ToHaveTextAsync(email);
        await page.Context.CloseAsync();
    }
}
