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

public sealed record HomeCard(string Area, string Title, int Count, string Caption, string Href);

/// <summary>
/// The work waiting for the signed-in user, counted from live data for each of their areas. Each figure is the
/// total of the list its card opens, asked of that list's own service with the filter the link carries, so the
/// number and the rows behind it cannot drift apart. "Today" and "this month" are the vendor's (VendorCalendar).
/// </summary>
public sealed class HomeService(VendorCalendar calendar, LicenseService licenses, CustomerService customers, QuoteService quotes,
    ProtectionService protection, FraudCaseService cases, InstallationService installations, TransferService transfers,
    UserAdminService users, IOptions<InstallationOptions> installationOptions,
    IOptions<QuoteOptions> quoteOptions)
{
    private static readonly PageRequest One = new(0, 1, null, false);

    public async Task<IReadOnlyList<HomeCard>> CardsForAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        var today = calendar.Today;
        var monthStart = new DateOnly(today.Year, today.Month, 1);
        bool In(string policy) => user.Allows(policy);
        var cards = new List<HomeCard>();

        if (In(Policies.Sales))
        {
            var window = protection.Options.ProtectionEndingDays;
            cards.Add(new("Sales", "Protection ending", (await protection.LicensesAsync(user, new ProtectionEndingFilter(window), One, ct)).Total,
                $"Active licenses whose upgrade protection ends in the next {window} days: a renewal call.", "/protection?view=licenses"));
            cards.Add(new("Sales", "Quotes expiring soon", (await quotes.ListAsync(new QuoteFilter(ExpiringSoon: true), One, ct)).Total,
                $"Draft or sent quotes whose validity ends within {quoteOptions.Value.ExpiringSoonDays} days: a follow-up call.", "/quotes?expiring=true"));
            cards.Add(new("Sales", "New customers this month", (await customers.ListAsync(null, One, ct, monthStart)).Total,
                $"Customers added since {monthStart:d MMMM}.", $"/customers?createdSince={monthStart:yyyy-MM-dd}"));
        }
        if (In(Policies.Fraud))
        {
            cards.Add(new("Fraud", "Open fraud cases", (await cases.QueueAsync(user, new CaseFilter(CaseView.Open), One, ct)).Total,
                "Keys over their allowance past the migration window: the call queue.", "/fraud/cases"));
            cards.Add(new("Fraud", "Keys to disable this week", (await cases.QueueAsync(user, new CaseFilter(CaseView.ToDisableThisWeek), One, ct)).Total,
                $"Open cases still over their allowance whose deadline falls by the end of {today.AddDays(6):d MMMM}.", $"/fraud/cases?view={CaseView.ToDisableThisWeek}"));
            cards.Add(new("Fraud", "Licenses over allowance", (await licenses.ListAsync(new LicenseFilter(OverAllowance: true), One, ct)).Total,
                "More active installations than the license allows: migrations in progress or used up.", "/licenses?overAllowance=true"));
            cards.Add(new("Fraud", "Stale installations", (await installations.ListAsync(InstallationState.Stale, null, One, ct)).Total,
                $"Not seen for {installationOptions.Value.ActiveWithinDays} days and not released: no longer counted as active.", "/installations?state=Stale"));
            cards.Add(new("Fraud", "Disabled keys", (await licenses.ListAsync(new LicenseFilter(Status: LicenseStatus.Disabled), One, ct)).Total,
                "Keys whose check-ins answer 'disabled'.", "/licenses?status=Disabled"));
        }
        if (In(Policies.Manager))
        {
            cards.Add(new("Management", "Transfers awaiting approval", (await transfers.ListAsync(user, TransferStatus.Pending, null, One, ct)).Total,
                "Requests for written consent that a manager other than the requester must decide.", "/transfers/approvals"));
            cards.Add(new("Management", "Active licenses", (await licenses.ListAsync(new LicenseFilter(Status: LicenseStatus.Active), One, ct)).Total,
                "Across all products and majors.", "/licenses?status=Active"));
        }
        if (In(Policies.Admin))
        {
            cards.Add(new("Admin", "Staff accounts", (await users.ListAsync(user, new UserQuery(null, null, "Name", false, 0, 1), ct)).Total,
                "People who can sign in to the portal.", "/admin/users"));
            cards.Add(new("Admin", "Locked accounts", (await users.ListAsync(user, new UserQuery(null, null, "Name", false, 0, 1, LockedOnly: true), ct)).Total,
                "Locked by an admin or after 5 failed sign-ins.", "/admin/users?locked=true"));
        }
        return cards;
    }
}

public static class HomeFeature
{
    public static IServiceCollection AddHomeFeature(this IServiceCollection services) => services.AddScoped<HomeService>();
}
