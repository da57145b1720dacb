using LicensePortal.Data;
using LicensePortal.Features.Outbox;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static LicensePortal.Tests.Infrastructure.BrowserPortal;
using static Microsoft.Playwright.Assertions;

namespace LicensePortal.Tests.Journeys;

/// <summary>The dashboard, the audit log and the outbox on a desktop and on a 390 px phone: drawn, and never wider than the
/// screen.</summary>
[Collection(BrowserCollection.Name)]
public class ManagerPagesJourneyTests(BrowserPortal browser)
{
    [Theory]
    [InlineData("/management", "dashboard")]
    [InlineData("/audit", "audit")]
    [InlineData("/outbox", "outbox")]
    public async Task A_manager_page_fits_a_phone_without_sideways_scrolling(string url, string name)
    {
        RequireChromium();
        await RowsAsync();
        var page = await browser.SignedInPageAsync(Email(Roles.Manager), PortalFactory.Password);
        try
        {
            foreach (var width in new[] { 1366, 390 })
            {
                await page.SetViewportSizeAsync(width, 850);
                await page.GotoAsync(url);
                await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
                await Expect(page.Locator(".mud-table-loading, .mud-progress-linear")).ToHaveCountAsync(0);
                if (url == "/management")
                    await Expect(page.GetByTestId("dashboard-trends")).ToBeVisibleAsync();
                else
                    await Expect(page.GetByTestId(url == "/audit" ? "audit-changes" : "outbox-recipient").First).ToBeVisibleAsync();
                await page.ScreenshotAsync(new() { Path = Shot($"manager-{name}-{width}.png"), FullPage = true });
                var overflow = await page.EvaluateAsync<int>(
                    "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
                );
                Assert.True(overflow <= 0, $"{url} at {width} px scrolls sideways by {overflow} px");
            }
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    /// <summary>An audit row and an outbox message with long values, so the phone layout is tried with rows in it.</summary>
    private async Task RowsAsync()
    {
        await using var db = await browser.Portal.DbAsync();
        var license = await db.Licenses.OrderBy(l => l.Id).FirstAsync();
        var now = browser.Portal.Clock.GetUtcNow().UtcDateTime;
        db.Audit(
            TestData.As(Roles.Manager, Email(Roles.Manager)),
            now,
            "Migration window restored",
            "License",
            license.Key,
            new { Note = "A long note that goes on about the servers the customer moved between data centres over the weekend" },
            new
            {
                Note = "Customer confirmed the old machine srv-0042.eu-west.hosting.example is gone",
                MachineId = "6f1c2a9e-3b7d-4c55-a1e2-9d8f7b6c5a4e",
            }
        );
        OutboxService.Enqueue(
            db,
            now,
            "a.very.long.mailbox.name@customer-with-a-long-domain.example",
            $"License {license.Key} has been disabled",
            "Hello",
            $"License {license.Key}"
        );
        await db.SaveChangesAsync();
    }
}
