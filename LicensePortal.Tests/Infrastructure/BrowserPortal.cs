using System.Net;
using Deque.AxeCore.Playwright;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace LicensePortal.Tests.Infrastructure;

/// <summary>
/// The portal on a free loopback port, driven by Debian's Chromium. Without Chromium the browser
/// tests skip on a developer's machine; with CI=true they fail instead, so CI never skips them.
/// </summary>
public sealed class BrowserPortal : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? playwright;

    public PortalFactory Portal { get; } = new();
    public IBrowser Browser { get; private set; } = null!;
    public string BaseUrl { get; private set; } = "";
    public static string ScreenshotDirectory => Path.Combine(AppContext.BaseDirectory, "screenshots");

    public static bool Available => File.Exists(ChromiumPath);

    public static string Email(string role) => LicensePortal.Data.Demo.DemoSeeder.Users.Single(u => u.Role == role).Email;

    /// <summary>Where a journey saves a screenshot or download for a person to look at.</summary>
    public static string Shot(string name) => Path.Combine(ScreenshotDirectory, name);

    public static void RequireChromium()
    {
        if (Available)
            return;
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"CI=true but {ChromiumPath} is missing: run 'apt-get install -y chromium'.");
        Assert.Skip($"Browser tests need Chromium at {ChromiumPath} (apt-get install -y chromium).");
    }

    public async ValueTask InitializeAsync()
    {
        if (!Available)
            return;
        Portal.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        Portal.StartServer();
        BaseUrl = Portal.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        // CI runs the whole suite on two busy cores: give live updates time to arrive.
        Assertions.SetDefaultExpectTimeout(15_000);
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(
            new BrowserTypeLaunchOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args =
                [
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                ],
            }
        );
        Directory.CreateDirectory(ScreenshotDirectory);
    }

    public async Task<IPage> SignedInPageAsync(string email, string password)
    {
        var context = await Browser.NewContextAsync(
            new BrowserNewContextOptions
            {
                BaseURL = BaseUrl,
                ViewportSize = new ViewportSize { Width = 1366, Height = 850 },
            }
        );
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        // Signed in is when the person sees their name in the app bar: the cookie is set and the page is live. Returning
        // on the click left each journey to wait for that itself; most waited for a home card, but one went straight
        // to GotoAsync while the sign-in redirect could still be under way.
        await page.GetByTestId("user-name").WaitForAsync();
        // The home page is drawn before it is live (App.razor): its buttons answer once the live connection is up.
        await page.GetByTestId("live").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        return page;
    }

    /// <summary>
    /// Types into a MudAutocomplete and clicks the option. The autocomplete searches after a debounce; on two busy
    /// CI cores the first keystrokes can land while a dialog is still settling its focus, so a person would type
    /// again when nothing is offered — and so does this, three times at most, before it fails.
    /// </summary>
    public static async Task ChooseAsync(IPage page, ILocator combobox, string typed, string option)
    {
        var choice = page.GetByText(option, new() { Exact = true });
        for (var attempt = 1; ; attempt++)
        {
            await combobox.FillAsync("");
            await combobox.PressSequentiallyAsync(typed, new() { Delay = 20 });
            try
            {
                await choice.WaitForAsync(new() { Timeout = 10_000 });
                break;
            }
            catch (TimeoutException) when (attempt < 3) { }
        }
        await choice.ClickAsync();
    }

    /// <summary>
    /// Chooses a file as a person does: clicks the button and picks the file in the browser's file chooser. Not
    /// SetInputFilesAsync on the hidden input: Playwright sets files there without waiting for anything, so a file can
    /// land before Blazor listens to the input and be lost. The click waits until the button is enabled, and a
    /// FileButton is enabled only once Blazor listens.
    /// </summary>
    public static async Task ChooseFileAsync(IPage page, ILocator button, FilePayload file)
    {
        var chooser = await page.RunAndWaitForFileChooserAsync(() => button.ClickAsync());
        await chooser.SetFilesAsync(file);
    }

    /// <summary>axe-core finds nothing serious or critical on the page as it is now.</summary>
    public static async Task AssertNoSeriousAxeViolationsAsync(IPage page)
    {
        var serious = (await page.RunAxe())
            .Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id}: {string.Join(", ", v.Nodes.Select(n => n.Target))}")
            .ToList();
        Assert.True(serious.Count == 0, string.Join("\n", serious));
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
            await Browser.DisposeAsync();
        playwright?.Dispose();
        await Portal.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserPortal>
{
    public const string Name = "browser";
}
