using System.Security.Claims;
using LicensePortal.Features.Customers;
using LicensePortal.Features.Fraud;
using LicensePortal.Features.Home;
using LicensePortal.Features.Installations;
using LicensePortal.Features.Licenses;
using LicensePortal.Features.Management;
using LicensePortal.Features.Quotes;
using LicensePortal.Features.Renewals;
using LicensePortal.Features.Transfers;
using LicensePortal.Features.Users;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Tests.Features.Home;

/// <summary>
/// Every figure on the home page and the dashboard equals the number of rows of the list its link opens. The list is
/// asked of its own service with the filter read back from the link, as the page would read it, so a link that drops
/// or misspells a filter fails here.
/// </summary>
public static class FigureLinks
{
    private static readonly PageRequest One = new(0, 1, null, false);

    /// <summary>The total of the list a link opens, read the way the list page reads its address.</summary>
    public static async Task<int> ListTotalAsync(PortalFactory portal, ClaimsPrincipal user, string href)
    {
        var (path, query) = Split(href);
        string? Get(string name) => query.TryGetValue(name, out var v) ? v.ToString() : null;
        void Known(params string[] names)
        {
            var unknown = query.Keys.Except(names).ToList();
            Assert.True(unknown.Count == 0, $"{href}: the list page does not read {string.Join(", ", unknown)}");
        }
        static T? Enum<T>(string? s)
            where T : struct, System.Enum => System.Enum.TryParse<T>(s, true, out var v) ? v : null;
        static int? Int(string? s) => int.TryParse(s, out var v) ? v : null;
        static bool? Bool(string? s) => bool.TryParse(s, out var v) ? v : null;
        static DateOnly? Date(string? s) => DateOnly.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null;

        switch (path)
        {
            case "/licenses":
                Known(
                    "q",
                    "product",
                    "status",
                    "protection",
                    "overAllowance",
                    "customer",
                    "legacy",
                    "failover",
                    "major",
                    "edition",
                    "level",
                    "disabledSince"
                );
                return (
                    await portal
                        .Service<LicenseService>()
                        .ListAsync(
                            new LicenseListQuery
                            {
                                Q = Get("q"),
                                Product = Int(Get("product")),
                                Status = Get("status"),
                                Protection = Get("protection"),
                                OverAllowance = Bool(Get("overAllowance")),
                                Customer = Int(Get("customer")),
                                Legacy = Bool(Get("legacy")),
                                Major = Int(Get("major")),
                                Failover = Bool(Get("failover")),
                                Edition = Get("edition"),
                                Level = Int(Get("level")),
                                DisabledSince = Date(Get("disabledSince")),
                            }.ToFilter(),
                            One
                        )
                ).Total;
            case "/customers":
                Known("q", "createdSince");
                return (await portal.Service<CustomerService>().ListAsync(Get("q"), One, default, Date(Get("createdSince")))).Total;
            case "/quotes":
                Known("q", "status", "mine", "expiring", "customer");
                Assert.Null(Get("mine"));
                return (
                    await portal
                        .Service<QuoteService>()
                        .ListAsync(
                            new QuoteFilter(
                                Enum<QuoteStatus>(Get("status")),
                                null,
                                Int(Get("customer")),
                                Bool(Get("expiring")) ?? false,
                                Get("q")
                            ),
                            One
                        )
                ).Total;
            case "/protection":
                Known("view", "q", "product", "days", "customer");
                var filter = new ProtectionEndingFilter(
                    Int(Get("days")) ?? portal.Service<ProtectionService>().Options.ProtectionEndingDays,
                    Get("q"),
                    Int(Get("product")),
                    Int(Get("customer"))
                );
                // The page shows customers unless the link asks for licenses.
                return Get("view") == "licenses"
                    ? (await portal.Service<ProtectionService>().LicensesAsync(user, filter, One)).Total
                    : (await portal.Service<ProtectionService>().CustomersAsync(user, filter, One)).Total;
            case "/fraud/cases":
                Known("q", "view", "age");
                return (
                    await portal
                        .Service<FraudCaseService>()
                        .QueueAsync(
                            user,
                            new CaseFilter(Enum<CaseView>(Get("view")) ?? CaseView.Open, Get("q"), Enum<CaseAge>(Get("age"))),
                            One
                        )
                ).Total;
            case "/installations":
                Known("q", "state");
                return (await portal.Service<InstallationService>().ListAsync(Enum<InstallationState>(Get("state")), Get("q"), One)).Total;
            case "/transfers/approvals":
                Known();
                return (await portal.Service<TransferService>().ListAsync(user, TransferStatus.Pending, null, One)).Total;
            case "/admin/users":
                Known("locked");
                return (
                    await portal
                        .Service<UserAdminService>()
                        .ListAsync(user, new UserQuery(null, null, "Name", false, 0, 1, Bool(Get("locked")) ?? false))
                ).Total;
            default:
                Assert.Fail($"{href} is not a list with a total");
                return -1;
        }
    }

    public static (string Path, Dictionary<string, Microsoft.Extensions.Primitives.StringValues> Query) Split(string href)
    {
        var at = href.IndexOf('?');
        return at < 0 ? (href, []) : (href[..at], QueryHelpers.ParseQuery(href[at..]));
    }

    /// <summary>Work for every card: an open case queue after a monitor run, a new customer, a locked account.</summary>
    public static async Task<(int SeededCases, MonitorResult Pass)> PrepareAsync(PortalFactory portal)
    {
        int seeded;
        await using (var before = await portal.DbAsync())
            seeded = await before.FraudCases.CountAsync();
        var pass = await portal.Service<FraudMonitor>().RunAsync();
        await portal
            .Service<CustomerService>()
            .SaveAsync(
                TestData.As(Roles.Sales),
                null,
                new CustomerForm
                {
                    Name = "Figures Hosting",
                    Email = "it@figures.example",
                    Phone = "+1 503 555 0199",
                    AddressLine1 = "1 Main St",
                    City = "Portland",
                    Region = "OR",
                    PostalCode = "97201",
                    Country = "United States",
                }
            );
        await using var db = await portal.DbAsync();
        var sales = await db.Users.SingleAsync(u => u.Email == BrowserPortal.Email(Roles.Sales));
        await portal.Service<UserAdminService>().LockAsync(TestData.As(Roles.Admin), sales.Id);
        return (seeded, pass);
    }

    public static readonly string[] HomeRoles = [Roles.Sales, Roles.Fraud, Roles.Manager, Roles.Admin];
}

/// <summary>A portal of its own: the fixture runs the monitor, adds a customer and locks an account.</summary>
public sealed class FiguresPortal : PortalFactory, IAsyncLifetime
{
    /// <summary>The cases the demo data seeded (all open) and what the fixture's monitor pass did to them.</summary>
    public (int SeededCases, MonitorResult Pass) Prepared { get; private set; }

    public async ValueTask InitializeAsync() => Prepared = await FigureLinks.PrepareAsync(this);
}

public class FigureListTests(FiguresPortal portal) : IClassFixture<FiguresPortal>
{
    [Theory]
    [InlineData(Roles.Sales, "Protection ending")]
    [InlineData(Roles.Sales, "Quotes expiring soon")]
    [InlineData(Roles.Sales, "New customers this month")]
    [InlineData(Roles.Fraud, "Open fraud cases")]
    [InlineData(Roles.Fraud, "Keys to disable this week")]
    [InlineData(Roles.Fraud, "Licenses over allowance")]
    [InlineData(Roles.Fraud, "Stale installations")]
    [InlineData(Roles.Fraud, "Disabled keys")]
    [InlineData(Roles.Manager, "Transfers awaiting approval")]
    [InlineData(Roles.Manager, "Active licenses")]
    [InlineData(Roles.Admin, "Staff accounts")]
    [InlineData(Roles.Admin, "Locked accounts")]
    public async Task A_home_card_opens_a_list_of_exactly_its_number_of_rows(string role, string title)
    {
        var user = TestData.As(role);
        var card = (await portal.Service<HomeService>().CardsForAsync(user)).Single(c => c.Title == title);

        Assert.Equal(card.Count, await FigureLinks.ListTotalAsync(portal, user, card.Href));
    }

    [Fact]
    public async Task Every_home_card_is_covered_by_a_test()
    {
        var titles = new List<string>();
        foreach (var role in FigureLinks.HomeRoles)
            titles.AddRange((await portal.Service<HomeService>().CardsForAsync(TestData.As(role))).Select(c => c.Title));
        var tested = typeof(FigureListTests)
            .GetMethod(nameof(A_home_card_opens_a_list_of_exactly_its_number_of_rows))!
            .GetCustomAttributes(typeof(InlineDataAttribute), false)
            .Cast<InlineDataAttribute>()
            .Select(a => (string)a.Data[1]!);
        Assert.Equal(titles.Distinct().Order(), tested.Order());
    }

    [Fact]
    public async Task The_figures_compared_with_their_lists_are_the_fixtures_exact_rows_not_zero()
    {
        // Without rows these tests would compare zero with zero. The fixture's data is all this class has: no test here adds any.
        var manager = TestData.As(Roles.Manager);
        var cards = (await portal.Service<HomeService>().CardsForAsync(manager)).ToDictionary(c => c.Title);
        // "Figures Hosting" is the one customer added this month: the demo customers are 30 days old or more.
        Assert.Equal(1, cards["New customers this month"].Count);
        // The 300-license demo seeds 8 cases, all open; the fixture's pass disabled 3 keys past their deadline, closed 1 case
        // the customer had fixed and opened none: 4 stay open.
        var (seeded, pass) = portal.Prepared;
        Assert.Equal((8, 3, 1, 0), (seeded, pass.KeysDisabled, pass.ResolvedByCustomer, pass.CasesOpened));
        Assert.Equal(seeded - pass.KeysDisabled - pass.ResolvedByCustomer, cards["Open fraud cases"].Count);
        var admin = (await portal.Service<HomeService>().CardsForAsync(TestData.As(Roles.Admin))).ToDictionary(c => c.Title);
        Assert.Equal(1, admin["Locked accounts"].Count);
        var dashboard = await portal.Service<DashboardService>().BuildAsync(manager);
        // The keys the pass disabled are the ones disabled this month: the demo's disabled keys were disabled before it.
        Assert.Equal(pass.KeysDisabled, dashboard.DisabledThisMonth.Value);
        Assert.Equal(cards["Open fraud cases"].Count, dashboard.OpenCasesByAge.Sum(f => f.Value));
    }

    [Theory]
    [InlineData("Keys disabled this month")]
    [InlineData("Transfers awaiting approval")]
    [InlineData("Legacy")]
    [InlineData("Supported")]
    [InlineData("Under 7 days")]
    [InlineData("7 to 13 days")]
    [InlineData("14 days or more")]
    [InlineData("by product")]
    [InlineData("by edition")]
    [InlineData("by major")]
    [InlineData("quotes by state")]
    public async Task A_dashboard_figure_opens_a_list_of_exactly_its_number_of_rows(string figure)
    {
        var manager = TestData.As(Roles.Manager);
        var d = await portal.Service<DashboardService>().BuildAsync(manager);
        IReadOnlyList<Figure> figures = figure switch
        {
            "by product" => d.ByProduct,
            "by edition" => d.ByEdition,
            "by major" => d.ByMajor,
            "quotes by state" => d.QuotesByState,
            _ =>
            [
                new[] { d.DisabledThisMonth, d.AwaitingApproval, d.Legacy, d.Supported }
                    .Concat(d.OpenCasesByAge)
                    .Single(f => f.Label == figure),
            ],
        };
        Assert.NotEmpty(figures);
        foreach (var f in figures)
            Assert.True(f.Value == await FigureLinks.ListTotalAsync(portal, manager, f.Href), $"{f.Label} {f.Value} opens {f.Href}");
    }
}

/// <summary>A portal of its own: the cases this test opens would change the figures FigureListTests counts exactly.</summary>
public class KeysToDisableThisWeekTests : IAsyncLifetime
{
    private readonly PortalFactory portal = new() { Licenses = 10 };

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => portal.DisposeAsync();

    [Fact]
    public async Task Keys_to_disable_this_week_leaves_out_cases_back_within_allowance()
    {
        var fraud = TestData.As(Roles.Fraud);
        var cases = portal.Service<FraudCaseService>();
        // Two cases due in two days: one key still on two servers, one back on its one server.
        var over = await CaseDueInTwoDaysAsync("Figures Still Over", servers: 2);
        var back = await CaseDueInTwoDaysAsync("Figures Back Within", servers: 1);

        var week = await cases.QueueAsync(fraud, new CaseFilter(CaseView.ToDisableThisWeek), new PageRequest(0, 200, null, false));

        Assert.Contains(week.Rows, r => r.Id == over);
        Assert.DoesNotContain(week.Rows, r => r.Id == back);
        var card = (await portal.Service<HomeService>().CardsForAsync(fraud)).Single(c => c.Title == "Keys to disable this week");
        Assert.Equal(week.Total, card.Count);

        Assert.All(week.Rows, r => Assert.False(r.BackWithinAllowance));
        Assert.All(week.Rows, r => Assert.True(r.DisableAt < new DateTime(2026, 12, 3, 7, 0, 0, DateTimeKind.Utc), $"{r.DisableAt:o}"));
    }

    private async Task<int> CaseDueInTwoDaysAsync(string customer, int servers)
    {
        var license = await portal.NewLicenseAsync((await portal.NewCustomerAsync(customer)).Id);
        using var api = portal.CreateClient();
        for (var i = 0; i < servers; i++)
            await api.CheckInAsync(license.Key, $"server-{i}");
        var id = await portal.Service<FraudCaseService>().OpenAsync(TestData.As(Roles.Fraud), license.Id, "Figures test");
        await using var db = await portal.DbAsync();
        var fraudCase = await db.FraudCases.SingleAsync(c => c.Id == id);
        fraudCase.DeadlineAt = portal.Clock.GetUtcNow().UtcDateTime.AddDays(2);
        await db.SaveChangesAsync();
        return id;
    }
}

/// <summary>
/// At 03:00 UTC on 1 December it is still 30 November in Phoenix: "this month" is November for every figure
/// and its list alike.
/// </summary>
public sealed class EveningPortal : PortalFactory, IAsyncLifetime
{
    public async ValueTask InitializeAsync()
    {
        _ = Server;
        Clock.Advance(new DateTimeOffset(2026, 12, 1, 3, 0, 0, TimeSpan.Zero) - Now);
        await FigureLinks.PrepareAsync(this);
    }
}

public class FigureListVendorDayTests(EveningPortal portal) : IClassFixture<EveningPortal>
{
    [Fact]
    public async Task When_the_utc_date_is_ahead_of_the_vendors_every_figure_still_equals_its_list()
    {
        Assert.Equal(new DateOnly(2026, 11, 30), portal.Service<LicensePortal.Features.Licensing.VendorCalendar>().Today);
        foreach (var role in FigureLinks.HomeRoles)
        {
            var user = TestData.As(role);
            foreach (var card in await portal.Service<HomeService>().CardsForAsync(user))
                Assert.True(
                    card.Count == await FigureLinks.ListTotalAsync(portal, user, card.Href),
                    $"{role}: {card.Title} {card.Count} opens {card.Href}"
                );
        }
        var manager = TestData.As(Roles.Manager);
        var d = await portal.Service<DashboardService>().BuildAsync(manager);
        foreach (
            var f in d
                .ByProduct.Concat(d.ByEdition)
                .Concat(d.ByMajor)
                .Concat(d.QuotesByState)
                .Concat(d.OpenCasesByAge)
                .Append(d.Legacy)
                .Append(d.Supported)
                .Append(d.DisabledThisMonth)
                .Append(d.AwaitingApproval)
        )
            Assert.True(f.Value == await FigureLinks.ListTotalAsync(portal, manager, f.Href), $"{f.Label} {f.Value} opens {f.Href}");
    }

    [Fact]
    public async Task This_month_is_the_vendors_month()
    {
        var cards = (await portal.Service<HomeService>().CardsForAsync(TestData.As(Roles.Manager))).ToDictionary(c => c.Title);
        Assert.Equal("/customers?createdSince=2026-11-01", cards["New customers this month"].Href);
        // The customer added at 03:00 UTC on 1 December was added on 30 November in Phoenix: this month's, and the only one
        // (the demo customers are 30 days old or more).
        Assert.Equal(1, cards["New customers this month"].Count);
        var d = await portal.Service<DashboardService>().BuildAsync(TestData.As(Roles.Manager));
        Assert.Equal("/licenses?disabledSince=2026-11-01", d.DisabledThisMonth.Href);
    }
}
