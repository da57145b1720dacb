using LicensePortal.Features.Fraud;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.Playwright;
using static LicensePortal.Tests.Infrastructure.BrowserPortal;
using static Microsoft.Playwright.Assertions;

namespace LicensePortal.Tests.Journeys;

/// <summary>The fraud queue and case page as an agent uses them all day: on a 1280 px screen, from the keyboard, and on a phone.</summary>
[Collection(BrowserCollection.Name)]
public class FraudQueueJourneyTests(BrowserPortal browser)
{
    [Fact]
    public async Task An_agent_logs_a_call_with_the_keyboard_only_and_goes_on_to_the_next_open_case()
    {
        RequireChromium();
        var (caseId, _) = await OverAllowanceCaseAsync("Keyboard Call Hosting");
        var page = await browser.SignedInPageAsync(Email(Roles.Fraud), PortalFactory.Password);
        await page.GotoAsync($"/fraud/cases/{caseId}");
        var number = page.GetByLabel("Number dialled");
        await Expect(number).ToHaveValueAsync("+1 503 555 0100");

        // Enter in the number field submits; with no outcome chosen, nothing is logged and the form says why.
        await number.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByText("Choose what happened on the call.")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("case-timeline").Filter(new() { HasText = "Call:" })).ToHaveCountAsync(0);

        // Tab to the outcomes, pick one with the arrow keys, Tab to the notes, type, Tab to "Log call", Enter.
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Space");
        // Each key is answered by the server; a person sees the choice land before pressing the next key, and so does this.
        await Expect(page.GetByRole(AriaRole.Radio, new() { Name = "no answer" })).ToBeCheckedAsync();
        await page.Keyboard.PressAsync("ArrowDown");
        await Expect(page.GetByRole(AriaRole.Radio, new() { Name = "voicemail" })).ToBeCheckedAsync();
        await Expect(page.GetByText("Choose what happened on the call.")).ToHaveCountAsync(0);
        await TabUntilFocusedAsync(page, page.GetByLabel("Notes"));
        await page.Keyboard.TypeAsync("Left a message with the deadline.");
        await TabUntilFocusedAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Log call" }));
        await page.Keyboard.PressAsync("Enter");

        await Expect(page.GetByTestId("call-logged")).ToContainTextAsync("Call logged.");
        await Expect(page.GetByTestId("case-timeline").First).ToContainTextAsync("Call: voicemail");
        var next = page.GetByTestId("next-case");
        await Expect(next).ToBeFocusedAsync();
        await page.ScreenshotAsync(new() { Path = Shot("fraud-call-logged-next-case.png") });

        // Enter follows "Next case" to another case that is still open.
        await page.Keyboard.PressAsync("Enter");
        await Expect(page).Not.ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/fraud/cases/{caseId}$"));
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"/fraud/cases/\d+$"));
        var nextId = int.Parse(page.Url.Split('/')[^1]);
        Assert.True((await browser.Portal.Service<FraudCaseService>().DetailAsync(TestData.As(Roles.Fraud, "check"), nextId)).Case.IsOpen);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Case #{nextId}" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("call-logged")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task At_1280_px_each_case_is_one_line_and_the_phone_does_not_wrap()
    {
        RequireChromium();
        await OverAllowanceCaseAsync("Wide Screen Mail Services International Holdings");
        var page = await browser.SignedInPageAsync(Email(Roles.Fraud), PortalFactory.Password);
        await page.SetViewportSizeAsync(1280, 800);
        await page.GotoAsync("/fraud/cases");
        await Expect(page.GetByTestId("case-phone").First).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Shot("fraud-queue-1280.png") });

        await AssertNoSideScrollAsync(page);
        var grid = await page.Locator(".case-queue .mud-table-container").EvaluateAsync<int[]>("e => [e.scrollWidth, e.clientWidth]");
        Assert.True(grid[0] <= grid[1], $"the queue scrolls sideways inside its grid: {grid[0]} px in {grid[1]} px");
        foreach (var phone in await page.GetByTestId("case-phone").AllAsync())
            Assert.True((await phone.BoundingBoxAsync())!.Height < 24, "a phone number wraps onto a second line");

        // The longest choice of Show reads in full.
        await page.GotoAsync("/fraud/cases?view=BackWithinAllowance");
        await AssertReadsInFullAsync(page.GetByText("Back within allowance (no call needed)"));
        await page.ScreenshotAsync(new() { Path = Shot("fraud-queue-back-within-1280.png") });

        // "All" keeps the calls to make on top: a closed case comes after every open one.
        var (closed, _) = await OverAllowanceCaseAsync("Closed Early Hosting");
        await browser.Portal.Service<FraudCaseService>().DisableNowAsync(TestData.As(Roles.Fraud), closed, "Customer admitted reselling");
        await page.GotoAsync("/fraud/cases?view=All");
        var rows = page.Locator(".case-queue tbody tr.mud-table-row");
        await Expect(rows.Filter(new() { HasText = "Closed Early Hosting" })).ToContainTextAsync("Key disabled");
        await page.ScreenshotAsync(new() { Path = Shot("fraud-queue-all-1280.png") });
        // Open rows offer Take or Release; closed ones offer nothing.
        var open = new List<bool>();
        foreach (var row in await rows.AllAsync())
            open.Add(await row.GetByRole(AriaRole.Button).CountAsync() > 0);
        Assert.Contains(false, open);
        Assert.Equal(open.OrderByDescending(o => o), open);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task At_390_px_the_queue_the_case_and_the_license_page_fit_the_phone()
    {
        RequireChromium();
        var (caseId, licenseId) = await OverAllowanceCaseAsync("Pocket Size Hosting");
        var page = await browser.SignedInPageAsync(Email(Roles.Fraud), PortalFactory.Password);
        await page.SetViewportSizeAsync(390, 844);

        await page.GotoAsync("/fraud/cases?q=Pocket");
        var row = page.Locator(".case-queue tr.mud-table-row").Filter(new() { HasText = "Pocket Size Hosting" });
        await Expect(row.GetByTestId("case-link")).ToHaveTextAsync($"#{caseId}");
        await Expect(row.GetByText("Pocket Size Hosting")).ToBeVisibleAsync();
        await Expect(row.GetByTestId("case-phone")).ToBeVisibleAsync();
        await Expect(row.GetByRole(AriaRole.Button, new() { Name = $"Take case #{caseId}" })).ToBeVisibleAsync();
        await AssertNoSideScrollAsync(page);
        await page.ScreenshotAsync(new() { Path = Shot("fraud-queue-390.png"), FullPage = true });
        await page.GotoAsync("/fraud/cases?view=BackWithinAllowance");
        await AssertReadsInFullAsync(page.GetByText("Back within allowance (no call needed)"));

        await page.GotoAsync($"/fraud/cases/{caseId}");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Log call" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("case-installation")).ToHaveCountAsync(2);
        await AssertNoSideScrollAsync(page);
        await page.ScreenshotAsync(new() { Path = Shot("fraud-case-390.png"), FullPage = true });
        // The destructive action waits in the header's menu.
        await page.GetByRole(AriaRole.Button, new() { Name = "More actions" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Menuitem, new() { Name = "Disable key now…" })).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");

        await page.GotoAsync($"/licenses/{licenseId}");
        await Expect(page.GetByTestId("license-key")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("license-installation")).ToHaveCountAsync(2);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = $"Open case #{caseId}" })).ToBeVisibleAsync();
        await AssertNoSideScrollAsync(page);
        await page.ScreenshotAsync(new() { Path = Shot("license-390.png"), FullPage = true });
        await page.Context.CloseAsync();
    }

    private async Task<(int CaseId, int LicenseId)> OverAllowanceCaseAsync(string customerName)
    {
        var portal = browser.Portal;
        var customer = await portal.NewCustomerAsync(customerName);
        var license = await portal.NewLicenseAsync(customer.Id);
        using var api = new HttpClient { BaseAddress = new Uri(browser.BaseUrl) };
        await api.CheckInAsync(license.Key, "old-server");
        await api.CheckInAsync(license.Key, "new-server");
        return (
            await portal
                .Service<FraudCaseService>()
                .OpenAsync(TestData.As(Roles.Fraud, "monitor"), license.Id, "Over allowance past the window"),
            license.Id
        );
    }

    private static async Task AssertNoSideScrollAsync(IPage page)
    {
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
        var (scroll, client) = (widths[0], widths[1]);
        Assert.True(scroll <= client, $"{page.Url} scrolls sideways: {scroll} px of content in {client} px");
    }

    private static async Task AssertReadsInFullAsync(ILocator text)
    {
        await Expect(text).ToBeVisibleAsync();
        var widths = await text.EvaluateAsync<int[]>("e => [e.scrollWidth, e.clientWidth]");
        Assert.True(widths[0] <= widths[1], $"the text is cut: {widths[0]} px in {widths[1]} px");
    }

    /// <summary>Presses Tab until the element has the focus, as a person does (a handful of presses at most).</summary>
    private static async Task TabUntilFocusedAsync(IPage page, ILocator target)
    {
        for (var i = 0; i < 6; i++)
        {
            if (await target.EvaluateAsync<bool>("e => e === document.activeElement"))
                return;
            await page.Keyboard.PressAsync("Tab");
        }
        await Expect(target).ToBeFocusedAsync();
    }
}
