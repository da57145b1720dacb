using System.Security.Claims;
using LicensePortal.Features.Customers;
using LicensePortal.Features.Fraud;
using LicensePortal.Features.Installations;
using LicensePortal.Features.Licenses;
using LicensePortal.Features.Licensing;
using LicensePortal.Features.Quotes;
using LicensePortal.Features.Renewals;
using LicensePortal.Features.Transfers;
using LicensePortal.Features.Users;
using LicensePortal.Infrastructure;
using Microsoft.Extensions.Options;

namespace LicensePortal.Features.Home;

/// <summary>
/// The work waiting for the signed-in user, counted from live data for each of their areas. Each figure is the
/// total of the list its card opens, asked of that list's own service with the filter the link carries, so the
/// number and the rows behind it cannot drift apart. "Today" and "this month" are the vendor's (VendorCalendar).
/// </summary>
public sealed class HomeService(
    VendorCalendar calendar,
    LicenseService licenses,
    CustomerService customers,
    QuoteService quotes,
    ProtectionService protection,
    FraudCaseService cases,
    InstallationService installations,
    TransferService transfers,
    UserAdminService users,
    IOptions<InstallationOptions> installationOptions,
    IOptions<QuoteOptions> quoteOptions
)
{
    private static readonly PageRequest One = new(0, 1, null, false);

    public async Task<IReadOnlyList<HomeCard>> CardsForAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        var today = calendar.Today;
        var monthStart = new DateOnly(today.Year, today.Month, 1);
        bool In(string policy) => user.Allows(policy);
        var cards = new List<(string Area, string Title, Task<int> Count, string Caption, string Href)>();
        // Each figure reads its own pooled context on a pool thread (SQLite's async calls complete synchronously), so the
        // figures are counted side by side: sign-in waits for the slowest, not the sum.
        void Add(string area, string title, Func<Task<int>> count, string caption, string href) =>
            cards.Add((area, title, Task.Run(count, ct), caption, href));
        static Func<Task<int>> TotalOf<T>(Func<Task<PageResult<T>>> list) => async () => (await list()).Total;
        static Func<Task<int>> UsersIn(Func<Task<(IReadOnlyList<UserRow> Rows, int Total)>> list) => async () => (await list()).Total;

        if (In(Policies.Sales))
        {
            var window = protection.Options.ProtectionEndingDays;
            Add(
                "Sales",
                "Protection ending",
                TotalOf(() => protection.LicensesAsync(user, new ProtectionEndingFilter(window), One, ct)),
                $"Active licenses whose upgrade protection ends in the next {window} days: a renewal call.",
                "/protection?view=licenses"
            );
            Add(
                "Sales",
                "Quotes expiring soon",
                TotalOf(() => quotes.ListAsync(new QuoteFilter(ExpiringSoon: true), One, ct)),
                $"Draft or sent quotes whose validity ends within {quoteOptions.Value.ExpiringSoonDays} days: a follow-up call.",
                "/quotes?expiring=true"
            );
            Add(
                "Sales",
                "New customers this month",
                TotalOf(() => customers.ListAsync(null, One, ct, monthStart)),
                $"Customers added since {monthStart:d MMMM}.",
                $"/customers?createdSince={monthStart:yyyy-MM-dd}"
            );
        }
        if (In(Policies.Fraud))
        {
            Add(
                "Fraud",
                "Open fraud cases",
                TotalOf(() => cases.QueueAsync(user, new CaseFilter(CaseView.Open), One, ct)),
                "Keys over their allowance past the migration window: the call queue.",
                "/fraud/cases"
            );
            Add(
                "Fraud",
                "Keys to disable this week",
                TotalOf(() => cases.QueueAsync(user, new CaseFilter(CaseView.ToDisableThisWeek), One, ct)),
                $"Open cases still over their allowance whose deadline falls by the end of {today.AddDays(6):d MMMM}.",
                $"/fraud/cases?view={CaseView.ToDisableThisWeek}"
            );
            Add(
                "Fraud",
                "Licenses over allowance",
                TotalOf(() => licenses.ListAsync(new LicenseFilter { OverAllowance = true }, One, ct)),
                "More active installations than the license allows: migrations in progress or used up.",
                "/licenses?overAllowance=true"
            );
            Add(
                "Fraud",
                "Stale installations",
                TotalOf(() => installations.ListAsync(InstallationState.Stale, null, One, ct)),
                $"Not seen for {installationOptions.Value.ActiveWithinDays} days and not released: no longer counted as active.",
                "/installations?state=Stale"
            );
            Add(
                "Fraud",
                "Disabled keys",
                TotalOf(() => licenses.ListAsync(new LicenseFilter { Status = LicenseStatus.Disabled }, One, ct)),
                "Keys whose check-ins answer 'disabled'.",
                "/licenses?status=Disabled"
            );
        }
        if (In(Policies.Manager))
        {
            Add(
                "Management",
                "Transfers awaiting approval",
                TotalOf(() => transfers.ListAsync(user, TransferStatus.Pending, null, One, ct)),
                "Requests for written consent that a manager other than the requester must decide.",
                "/transfers/approvals"
            );
            Add(
                "Management",
                "Active licenses",
                TotalOf(() => licenses.ListAsync(new LicenseFilter { Status = LicenseStatus.Active }, One, ct)),
                "Across all products and majors.",
                "/licenses?status=Active"
            );
        }
        if (In(Policies.Admin))
        {
            Add(
                "Admin",
                "Staff accounts",
                UsersIn(() => users.ListAsync(user, new UserQuery(null, null, "Name", false, 0, 1), ct)),
                "People who can sign in to the portal.",
                "/admin/users"
            );
            Add(
                "Admin",
                "Locked accounts",
                UsersIn(() => users.ListAsync(user, new UserQuery(null, null, "Name", false, 0, 1, LockedOnly: true), ct)),
                "Locked by an admin, or barred after failed sign-ins.",
                "/admin/users?locked=true"
            );
        }
        await Task.WhenAll(cards.Select(c => c.Count));
        return [.. cards.Select(c => new HomeCard(c.Area, c.Title, c.Count.Result, c.Caption, c.Href))];
    }
}
