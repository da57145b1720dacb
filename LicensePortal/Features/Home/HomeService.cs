using System.Security.Claims;
using LicensePortal.Data;
using LicensePortal.Features.Installations;
using LicensePortal.Features.Licenses;
using LicensePortal.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LicensePortal.Features.Home;

public sealed record HomeCard(string Area, string Title, int Count, string Caption, string Href);

/// <summary>The work waiting for the signed-in user, counted from live data for each of their areas.</summary>
public sealed class HomeService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, IOptions<InstallationOptions> installationOptions, IOptions<Quotes.QuoteOptions> quoteOptions,
    IOptions<Renewals.RenewalOptions> renewalOptions, Licensing.VendorCalendar calendar)
{
    public async Task<IReadOnlyList<HomeCard>> CardsForAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now);
        var activeSince = now.AddDays(-installationOptions.Value.ActiveWithinDays);
        bool In(string policy) => user.Allows(policy);
        var cards = new List<HomeCard>();

        if (In(Policies.Sales))
        {
            // Protection ends on the vendor's dates; the same window as the "Protection ending" list it opens.
            var vendorToday = calendar.Today;
            var window = renewalOptions.Value.ProtectionEndingDays;
            var soon = vendorToday.AddDays(window);
            cards.Add(new("Sales", "Protection ending", await db.Licenses.CountAsync(l => l.Status == LicenseStatus.Active && l.ProtectionEndsOn >= vendorToday && l.ProtectionEndsOn <= soon, ct),
                $"Active licenses whose upgrade protection ends in the next {window} days: a renewal call.", "/protection"));
            var soonDays = quoteOptions.Value.ExpiringSoonDays;
            var expiring = today.AddDays(soonDays);
            cards.Add(new("Sales", "Quotes expiring soon", await db.Quotes.CountAsync(q => (q.Status == Quotes.QuoteStatus.Draft || q.Status == Quotes.QuoteStatus.Sent)
                    && q.ValidUntil >= today && q.ValidUntil <= expiring, ct),
                $"Draft or sent quotes whose validity ends within {soonDays} days: a follow-up call.", "/quotes?expiring=true"));
            cards.Add(new("Sales", "New customers this month", await db.Customers.CountAsync(c => c.CreatedAt >= new DateTime(now.Year, now.Month, 1, 0, 0, 0, DateTimeKind.Utc), ct),
                "Customers added since the first of the month.", "/customers"));
        }
        if (In(Policies.Fraud))
        {
            var week = now.AddDays(7);
            var open = Fraud.FraudCase.OpenStates;
            cards.Add(new("Fraud", "Open fraud cases", await db.FraudCases.CountAsync(c => open.Contains(c.State), ct),
                "Keys over their allowance past the migration window: the call queue.", "/fraud/cases"));
            cards.Add(new("Fraud", "Keys to disable this week", await db.FraudCases.CountAsync(c => open.Contains(c.State) && (c.ExtendedTo ?? c.DeadlineAt) <= week, ct),
                "Open cases whose deadline falls within 7 days.", "/fraud/cases"));
            cards.Add(new("Fraud", "Licenses over allowance", await db.OverAllowanceLicenseIds(activeSince).CountAsync(ct),
                "More active installations than the license allows: migrations in progress or used up.", "/licenses?overAllowance=true"));
            cards.Add(new("Fraud", "Stale installations", await db.Installations.InState(InstallationState.Stale, activeSince).CountAsync(ct),
                $"Not seen for {installationOptions.Value.ActiveWithinDays} days and not released: no longer counted as active.", "/installations?state=Stale"));
            cards.Add(new("Fraud", "Disabled keys", await db.Licenses.CountAsync(l => l.Status == LicenseStatus.Disabled, ct),
                "Keys whose check-ins answer 'disabled'.", "/licenses?status=Disabled"));
        }
        if (In(Policies.Manager))
        {
            cards.Add(new("Management", "Transfers awaiting approval", await db.TransferRequests.CountAsync(t => t.Status == Transfers.TransferStatus.Pending, ct),
                "Requests for written consent that a manager other than the requester must decide.", "/transfers/approvals"));
            cards.Add(new("Management", "Active licenses", await db.Licenses.CountAsync(l => l.Status == LicenseStatus.Active, ct),
                "Across all products and majors.", "/management"));
        }
        if (In(Policies.Admin))
        {
            var nowOffset = IdentityClock.Now;
            cards.Add(new("Admin", "Staff accounts", await db.Users.CountAsync(ct), "People who can sign in to the portal.", "/admin/users"));
            // SQLite cannot compare DateTimeOffset; staff accounts are few, so count them here.
            var lockoutEnds = await db.Users.Select(u => u.LockoutEnd).ToListAsync(ct);
            cards.Add(new("Admin", "Locked accounts", lockoutEnds.Count(end => end > nowOffset),
                "Locked by an admin or after 5 failed sign-ins.", "/admin/users"));
        }
        return cards;
    }
}

public static class HomeFeature
{
    public static IServiceCollection AddHomeFeature(this IServiceCollection services) => services.AddScoped<HomeService>();
}
