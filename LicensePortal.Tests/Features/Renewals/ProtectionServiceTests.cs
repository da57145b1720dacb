using LicensePortal.Features.Home;
using LicensePortal.Features.Licenses;
using LicensePortal.Features.Quotes;
using LicensePortal.Features.Renewals;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Tests.Features.Renewals;

public class ProtectionServiceTests : IAsyncLifetime
{
    private readonly PortalFactory portal = new() { Licenses = 300 };
    private static readonly System.Security.Claims.ClaimsPrincipal Sales = TestData.As(Roles.Sales);
    private static readonly DateOnly Today = new(2026, 11, 26);
    private static readonly PageRequest All = new(0, 200, null, false);
    private ProtectionService Protection => portal.Service<ProtectionService>();

    public ValueTask InitializeAsync()
    {
        _ = portal.Server;
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => portal.DisposeAsync();

    private Task<License> LicenseAsync(int customer, int inDays, string level = "250 mailboxes") =>
        portal.NewLicenseAsync(customer, level: level, protection: Today.AddDays(inDays));

    [Fact]
    public async Task The_list_holds_active_licenses_ending_from_today_to_the_configured_window()
    {
        var customer = (await portal.NewCustomerAsync("Window Hosting")).Id;
        var listed = new[] { await LicenseAsync(customer, 0), await LicenseAsync(customer, 30), await LicenseAsync(customer, 60) };
        await LicenseAsync(customer, 61);
        await LicenseAsync(customer, -1);
        await portal.NewLicenseAsync(customer);
        var disabled = await LicenseAsync(customer, 10);
        await using (var db = await portal.DbAsync())
            await db.Licenses.Where(l => l.Id == disabled.Id).ExecuteUpdateAsync(s => s.SetProperty(l => l.Status, LicenseStatus.Disabled));

        var window = await Protection.LicensesAsync(Sales, new(CustomerId: customer), All);
        var month = await Protection.LicensesAsync(Sales, new(Days: 30, CustomerId: customer), All);

        Assert.Equal(60, Protection.Options.ProtectionEndingDays);
        Assert.Equal(listed.Select(l => l.Key), window.Rows.Select(r => r.Key));
        Assert.Equal(3, window.Total);
        Assert.Equal(listed.Take(2).Select(l => l.Key), month.Rows.Select(r => r.Key));
        Assert.Equal(
            ("Professional 250 mailboxes", "SmarterMail", 12),
            (window.Rows[0].Configuration, window.Rows[0].Product, window.Rows[0].Major)
        );
    }

    [Fact]
    public async Task Customers_are_grouped_with_their_count_and_first_and_last_end_dates()
    {
        var many = (await portal.NewCustomerAsync("Grouped Many Hosting")).Id;
        var one = (await portal.NewCustomerAsync("Grouped One Hosting")).Id;
        await LicenseAsync(many, 40);
        await LicenseAsync(many, 5);
        await LicenseAsync(many, 20);
        await LicenseAsync(one, 3);

        var bySoonest = await Protection.CustomersAsync(Sales, new(Search: "Grouped"), All);
        var byCount = await Protection.CustomersAsync(
            Sales,
            new(Search: "Grouped"),
            new PageRequest(0, 1, nameof(ProtectionCustomerRow.Licenses), true)
        );

        Assert.Equal(2, bySoonest.Total);
        Assert.Equal([one, many], bySoonest.Rows.Select(r => r.CustomerId));
        var row = bySoonest.Rows[1];
        Assert.Equal(
            ("Grouped Many Hosting", 3, Today.AddDays(5), Today.AddDays(40), 0),
            (row.Customer, row.Licenses, row.FirstEndsOn, row.LastEndsOn, row.Quoted)
        );
        Assert.Equal("+1 503 555 0100", row.Phone);
        Assert.Equal(2, byCount.Total);
        Assert.Equal(many, Assert.Single(byCount.Rows).CustomerId);
    }

    [Fact]
    public async Task Grouping_paging_and_totals_match_the_licenses_counted_one_by_one()
    {
        await using var db = await portal.DbAsync();
        var until = Today.AddDays(60);
        var expected = (
            await db
                .Licenses.Where(l => l.Status == LicenseStatus.Active)
                .Select(l => new { l.CustomerId, l.ProtectionEndsOn })
                .ToListAsync()
        )
            .Where(l => l.ProtectionEndsOn >= Today && l.ProtectionEndsOn <= until)
            .ToList();
        Assert.NotEmpty(expected);

        var licenses = await Protection.LicensesAsync(Sales, new(), new PageRequest(0, 10, null, false));
        var customers = await Protection.CustomersAsync(Sales, new(), All);
        var second = await Protection.CustomersAsync(Sales, new(), new PageRequest(1, 5, null, false));

        Assert.Equal(expected.Count, licenses.Total);
        Assert.Equal(expected.Select(l => l.CustomerId).Distinct().Count(), customers.Total);
        Assert.Equal(expected.Count, customers.Rows.Sum(r => r.Licenses));
        Assert.Equal(customers.Rows.Skip(5).Take(5).Select(r => r.CustomerId), second.Rows.Select(r => r.CustomerId));
        Assert.Equal(customers.Rows.Select(r => r.FirstEndsOn).Order(), customers.Rows.Select(r => r.FirstEndsOn));
        Assert.Equal(licenses.Rows.Select(r => r.EndsOn).Order(), licenses.Rows.Select(r => r.EndsOn));
    }

    [Fact]
    public async Task An_open_renewal_quote_shows_on_its_licenses_and_counts_for_the_customer_until_cancelled()
    {
        var customer = (await portal.NewCustomerAsync("Quoted Hosting")).Id;
        var quotedLicense = await LicenseAsync(customer, 12);
        await LicenseAsync(customer, 14);
        var quotes = portal.Service<QuoteService>();
        var id = await quotes.CreateDraftAsync(
            Sales,
            customer,
            [new QuoteRequestLine(quotedLicense.Id, quotedLicense.EditionId, quotedLicense.LevelId, false, RenewProtection: true)],
            30,
            null
        );
        var number = (await quotes.GetAsync(id)).Number;

        var row = Assert.Single((await Protection.CustomersAsync(Sales, new(CustomerId: customer), All)).Rows);
        var rows = (await Protection.LicensesAsync(Sales, new(CustomerId: customer), All)).Rows;

        Assert.Equal((2, 1), (row.Licenses, row.Quoted));
        Assert.Equal((id, number), (rows[0].QuoteId, rows[0].QuoteNumber));
        Assert.Null(rows[1].QuoteId);

        await quotes.CancelAsync(Sales, id);
        Assert.Equal(0, Assert.Single((await Protection.CustomersAsync(Sales, new(CustomerId: customer), All)).Rows).Quoted);
    }

    [Fact]
    public async Task Reminders_show_for_the_current_end_date_only()
    {
        var customer = (await portal.NewCustomerAsync("Reminded Hosting")).Id;
        var license = await LicenseAsync(customer, 6);
        await using (var db = await portal.DbAsync())
        {
            db.ProtectionReminders.AddRange(
                new ProtectionReminder
                {
                    LicenseId = license.Id,
                    ProtectionEndsOn = Today.AddDays(6),
                    DaysBefore = 30,
                    SentTo = "x@example.com",
                },
                new ProtectionReminder
                {
                    LicenseId = license.Id,
                    ProtectionEndsOn = Today.AddDays(6),
                    DaysBefore = 7,
                    SentTo = "x@example.com",
                },
                new ProtectionReminder
                {
                    LicenseId = license.Id,
                    ProtectionEndsOn = Today.AddDays(6 - 365),
                    DaysBefore = 7,
                    SentTo = "x@example.com",
                }
            );
            await db.SaveChangesAsync();
        }

        var row = Assert.Single((await Protection.LicensesAsync(Sales, new(CustomerId: customer), All)).Rows);

        Assert.Equal([30, 7], row.RemindersSent);
    }

    [Fact]
    public async Task Search_finds_a_customer_by_name_or_a_license_by_key_prefix()
    {
        var customer = (await portal.NewCustomerAsync("Searchable Mail Co")).Id;
        var license = await LicenseAsync(customer, 9);

        Assert.Equal(license.Key, Assert.Single((await Protection.LicensesAsync(Sales, new(Search: "searchable mail"), All)).Rows).Key);
        Assert.Equal(
            license.Key,
            Assert.Single((await Protection.LicensesAsync(Sales, new(Search: license.Key[..12].ToLowerInvariant()), All)).Rows).Key
        );
    }

    [Fact]
    public async Task The_home_page_figure_counts_the_same_licenses_and_opens_the_list()
    {
        var card = (await portal.Service<HomeService>().CardsForAsync(Sales)).Single(c => c.Title == "Protection ending");
        var list = await Protection.LicensesAsync(Sales, new(), new PageRequest(0, 1, null, false));

        // The figure counts licenses, so it opens the list by license (the page shows customers by default).
        Assert.Equal((list.Total, "/protection?view=licenses"), (card.Count, card.Href));
        Assert.Contains("next 60 days", card.Caption);
    }

    [Theory]
    [InlineData(Roles.Fraud)]
    [InlineData(Roles.Admin)]
    public async Task Other_roles_cannot_read_the_list(string role)
    {
        var user = TestData.As(role);

        Assert.Contains(
            "Only sales staff and managers",
            (await Assert.ThrowsAsync<DomainException>(() => Protection.CustomersAsync(user, new(), All))).Message
        );
        await Assert.ThrowsAsync<DomainException>(() => Protection.LicensesAsync(user, new(), All));
    }

    [Fact]
    public async Task A_manager_may_read_the_protection_ending_list()
    {
        var list = await Protection.CustomersAsync(TestData.As(Roles.Manager), new(), All);

        // The manager reads the list sales works from, row for row.
        var sales = await Protection.CustomersAsync(Sales, new(), All);
        Assert.Equal(sales.Total, list.Total);
        Assert.Equal(sales.Rows.Select(r => r.CustomerId), list.Rows.Select(r => r.CustomerId));
    }
}
