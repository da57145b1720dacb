using System.Security.Claims;
using LicensePortal.Data;
using LicensePortal.Features.Fraud;
using LicensePortal.Features.Licenses;
using LicensePortal.Features.Licensing;
using LicensePortal.Features.Quotes;
using LicensePortal.Features.Transfers;
using LicensePortal.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Features.Management;

/// <summary>One bar or slice, with the filtered list behind it.</summary>
public sealed record Figure(string Label, double Value, string Href, decimal? Money = null);

public sealed record Dashboard(
    IReadOnlyList<Figure> ByProduct, IReadOnlyList<Figure> ByEdition, IReadOnlyList<Figure> ByMajor, Figure Legacy, Figure Supported,
    IReadOnlyList<Figure> OpenCasesByAge, Figure DisabledThisMonth, IReadOnlyList<Figure> QuotesByState, Figure AwaitingApproval);

/// <summary>The business at a glance for managers, counted in SQL from live data.</summary>
public sealed class DashboardService(IDbContextFactory<AppDbContext> dbFactory, LicenseService licenses, FraudCaseService cases, VendorCalendar calendar)
{
    public async Task<Dashboard> BuildAsync(ClaimsPrincipal actor, CancellationToken ct = default)
    {
        actor.Demand(Policies.Manager, "Only managers see the dashboard.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var today = calendar.Today;
        var one = new PageRequest(0, 1, null, false);

        var byProduct = await db.Licenses.GroupBy(l => new { l.ProductId, l.Product!.Name }).Select(g => new { g.Key.ProductId, g.Key.Name, Count = g.Count() }).OrderBy(x => x.Name).ToListAsync(ct);
        var byEdition = await db.Licenses.GroupBy(l => new { l.Edition!.Name, l.Edition.Rank }).Select(g => new { g.Key.Name, g.Key.Rank, Count = g.Count() }).ToListAsync(ct);
        var byMajor = await db.Licenses.GroupBy(l => new { l.ProductId, l.Product!.Name, l.Major }).Select(g => new { g.Key.ProductId, g.Key.Name, g.Key.Major, Count = g.Count() }).OrderBy(x => x.Name).ThenBy(x => x.Major).ToListAsync(ct);
        var legacy = (await licenses.ListAsync(new LicenseFilter(Legacy: true), one, ct)).Total;
        var all = byProduct.Sum(p => p.Count);

        // Each figure below is the total of the list it links to, asked of that list's service with the link's filter,
        // so the number and the rows behind it agree; months and days are the vendor's.
        (string Label, CaseAge Age)[] ages = [("Under 7 days", CaseAge.UnderSevenDays), ("7 to 14 days", CaseAge.SevenToFourteenDays), ("14 days or more", CaseAge.FourteenDaysOrMore)];
        var byAge = new List<Figure>();
        foreach (var (label, age) in ages)
            byAge.Add(new Figure(label, (await cases.QueueAsync(actor, new CaseFilter(CaseView.Open, Age: age), one, ct)).Total, $"/fraud/cases?age={age}"));
        var monthStart = new DateOnly(today.Year, today.Month, 1);
        var disabled = (await licenses.ListAsync(new LicenseFilter(DisabledSince: monthStart), one, ct)).Total;

        // SQLite can't sum decimals, and quotes are few beside licenses: add their values up here.
        var quotes = await db.Quotes.Select(q => new { q.Status, q.ValidUntil, q.Total }).ToListAsync(ct);
        var quoteStates = quotes.GroupBy(q => Quote.StateOn(q.Status, q.ValidUntil, today)).ToDictionary(g => g.Key, g => (Count: g.Count(), Value: g.Sum(q => q.Total)));
        var pending = await db.TransferRequests.CountAsync(t => t.Status == TransferStatus.Pending, ct);

        return new(
            [.. byProduct.Select(p => new Figure(p.Name, p.Count, $"/licenses?product={p.ProductId}"))],
            [.. byEdition.GroupBy(e => e.Name).OrderBy(g => g.Min(e => e.Rank)).Select(g => new Figure(g.Key, g.Sum(e => e.Count), $"/licenses?edition={Uri.EscapeDataString(g.Key)}"))],
            [.. byMajor.Select(m => new Figure($"{m.Name} {m.Major}.x", m.Count, $"/licenses?product={m.ProductId}&major={m.Major}"))],
            new Figure("Legacy", legacy, "/licenses?legacy=true"), new Figure("Supported", all - legacy, "/licenses?legacy=false"),
            byAge,
            new Figure("Keys disabled this month", disabled, $"/licenses?disabledSince={monthStart:yyyy-MM-dd}"),
            [.. Enum.GetValues<QuoteStatus>().Select(s => new Figure(s.ToString(), quoteStates.GetValueOrDefault(s).Count, $"/quotes?status={s}", quoteStates.GetValueOrDefault(s).Value))],
            new Figure("Transfers awaiting approval", pending, "/transfers/approvals"));
    }
}

public static class ManagementFeature
{
    public static IServiceCollection AddManagementFeature(this IServiceCollection services) => services.AddScoped<DashboardService>();
}
