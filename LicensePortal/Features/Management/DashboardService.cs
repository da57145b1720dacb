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

/// <summary>The business at a glance for managers, counted in SQL from live data.</summary>
public sealed class DashboardService(
    IDbContextFactory<AppDbContext> dbFactory,
    LicenseService licenses,
    FraudCaseService cases,
    VendorCalendar calendar
)
{
    /// <summary>How many vendor weeks the trends show.</summary>
    public const int TrendWeeks = 12;

    public async Task<Dashboard> BuildAsync(ClaimsPrincipal actor, CancellationToken ct = default)
    {
        actor.Demand(Policies.Manager, "Only managers see the dashboard.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var today = calendar.Today;
        var one = new PageRequest(0, 1, null, false);

        var byProduct = await db
            .Licenses.GroupBy(l => new { l.ProductId, l.Product!.Name })
            .Select(g => new
            {
                g.Key.ProductId,
                g.Key.Name,
                Count = g.Count(),
            })
            .OrderBy(x => x.Name)
            .ToListAsync(ct);
        var byEdition = await db
            .Licenses.GroupBy(l => new { l.Edition!.Name, l.Edition.Rank })
            .Select(g => new
            {
                g.Key.Name,
                g.Key.Rank,
                Count = g.Count(),
            })
            .ToListAsync(ct);
        var byMajor = await db
            .Licenses.GroupBy(l => new
            {
                l.ProductId,
                l.Product!.Name,
                l.Major,
            })
            .Select(g => new
            {
                g.Key.ProductId,
                g.Key.Name,
                g.Key.Major,
                Count = g.Count(),
            })
            .OrderBy(x => x.Name)
            .ThenBy(x => x.Major)
            .ToListAsync(ct);
        var legacy = (await licenses.ListAsync(new LicenseFilter { Legacy = true }, one, ct)).Total;
        var all = byProduct.Sum(p => p.Count);

        // Each figure below is the total of the list it links to, asked of that list's service with the link's filter,
        // so the number and the rows behind it agree; months and days are the vendor's.
        var byAge = new List<Figure>();
        foreach (var age in Enum.GetValues<CaseAge>())
            byAge.Add(
                new Figure(
                    CaseAges.Label(age, cases.Options),
                    (await cases.QueueAsync(actor, new CaseFilter(CaseView.Open, Age: age), one, ct)).Total,
                    $"/fraud/cases?age={age}"
                )
            );
        var monthStart = new DateOnly(today.Year, today.Month, 1);
        var disabled = (await licenses.ListAsync(new LicenseFilter { DisabledSince = monthStart }, one, ct)).Total;

        // Counted and summed in SQL by stored state and whether the validity has passed (a few groups), then read as
        // the states people see: a draft or sent quote past its validity is expired (Quote.StateOn).
        var quoteGroups = await db
            .Quotes.GroupBy(q => new { q.Status, Lapsed = q.ValidUntil < today })
            .Select(g => new
            {
                g.Key.Status,
                g.Key.Lapsed,
                Count = g.Count(),
                Value = g.Sum(q => q.Total),
            })
            .ToListAsync(ct);
        var quoteStates = quoteGroups
            .GroupBy(g => Quote.StateOn(g.Status, g.Lapsed ? DateOnly.MinValue : today, today))
            .ToDictionary(g => g.Key, g => (Count: g.Sum(x => x.Count), Value: g.Sum(x => x.Value)));
        var pending = await db.TransferRequests.CountAsync(t => t.Status == TransferStatus.Pending, ct);

        return new(
            [.. byProduct.Select(p => new Figure(p.Name, p.Count, $"/licenses?product={p.ProductId}"))],
            [
                .. byEdition
                    .GroupBy(e => e.Name)
                    .OrderBy(g => g.Min(e => e.Rank))
                    .Select(g => new Figure(g.Key, g.Sum(e => e.Count), $"/licenses?edition={Uri.EscapeDataString(g.Key)}")),
            ],
            [.. byMajor.Select(m => new Figure($"{m.Name} {m.Major}.x", m.Count, $"/licenses?product={m.ProductId}&major={m.Major}"))],
            new Figure("Legacy", legacy, "/licenses?legacy=true"),
            new Figure("Supported", all - legacy, "/licenses?legacy=false"),
            byAge,
            new Figure("Keys disabled this month", disabled, $"/licenses?disabledSince={monthStart:yyyy-MM-dd}"),
            [
                .. Enum.GetValues<QuoteStatus>()
                    .Select(s => new Figure(
                        s.ToString(),
                        quoteStates.GetValueOrDefault(s).Count,
                        $"/quotes?status={s}",
                        quoteStates.GetValueOrDefault(s).Value
                    )),
            ],
            new Figure("Transfers awaiting approval", pending, "/transfers/approvals")
        );
    }
}
