using System.Linq.Expressions;
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
    /// <summary>How many vendor weeks the trends show.</summary>
    public const int TrendWeeks = 12;

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
        var byAge = new List<Figure>();
        foreach (var age in CaseAges.All)
            byAge.Add(new Figure(CaseAges.Label(age, cases.Options), (await cases.QueueAsync(actor, new CaseFilter(CaseView.Open, Age: age), one, ct)).Total, $"/fraud/cases?age={age}"));
        var monthStart = new DateOnly(today.Year, today.Month, 1);
        var disabled = (await licenses.ListAsync(new LicenseFilter(DisabledSince: monthStart), one, ct)).Total;

        // Counted and summed in SQL by stored state and whether the validity has passed (a few groups), then read as
        // the states people see: a draft or sent quote past its validity is expired (Quote.StateOn).
        var quoteGroups = await db.Quotes.GroupBy(q => new { q.Status, Lapsed = q.ValidUntil < today })
            .Select(g => new { g.Key.Status, g.Key.Lapsed, Count = g.Count(), Value = g.Sum(q => q.Total) }).ToListAsync(ct);
        var quoteStates = quoteGroups.GroupBy(g => Quote.StateOn(g.Status, g.Lapsed ? DateOnly.MinValue : today, today))
            .ToDictionary(g => g.Key, g => (Count: g.Sum(x => x.Count), Value: g.Sum(x => x.Value)));
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

/// <summary>One vendor week (Monday to Sunday) of the trends; money in dollars.</summary>
public sealed record WeekFigures(DateOnly Monday, int CasesOpened, int CasesResolved, int KeysDisabled,
    int QuotesSent, decimal QuotesSentValue, int QuotesAccepted, decimal QuotesAcceptedValue, int ProtectionRenewals)
{
    /// <summary>The week as people read it on an axis: "12 Oct".</summary>
    public string Label => Monday.ToString("d MMM", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Weekly trends for managers: the last <see cref="DashboardService.TrendWeeks"/> vendor weeks, the current one (to date) last.</summary>
public sealed record Trends(IReadOnlyList<WeekFigures> Weeks);

public sealed class DashboardTrends(IDbContextFactory<AppDbContext> dbFactory, VendorCalendar calendar)
{
    /// <summary>
    /// Each series is grouped by week in SQL over an indexed range of its own timestamp: cases by when they were opened and
    /// when they were resolved, keys and renewals by their license events, quotes by when they were sent and accepted.
    /// </summary>
    public async Task<Trends> BuildAsync(ClaimsPrincipal actor, CancellationToken ct = default)
    {
        actor.Demand(Policies.Manager, "Only managers see the dashboard.");
        var weeks = calendar.LastWeeks(DashboardService.TrendWeeks);
        var starts = weeks.Select(w => w.StartUtc).ToArray();
        var to = weeks[^1].EndUtc;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var q = Queries(db, starts, to);
        var opened = await q.CasesOpened.ToDictionaryAsync(x => x.Week, ct);
        var resolved = await q.CasesResolved.ToDictionaryAsync(x => x.Week, ct);
        var events = await q.Events.ToListAsync(ct);
        var sent = await q.QuotesSent.ToDictionaryAsync(x => x.Week, ct);
        var accepted = await q.QuotesAccepted.ToDictionaryAsync(x => x.Week, ct);

        int Events(int week, string kind) => events.Where(e => e.Week == week && e.Kind == kind).Sum(e => e.Count);
        return new([.. weeks.Select((w, i) => new WeekFigures(w.Monday, opened.GetValueOrDefault(i)?.Count ?? 0, resolved.GetValueOrDefault(i)?.Count ?? 0,
            Events(i, LicenseEventKinds.Disabled), sent.GetValueOrDefault(i)?.Count ?? 0, sent.GetValueOrDefault(i)?.Value ?? 0,
            accepted.GetValueOrDefault(i)?.Count ?? 0, accepted.GetValueOrDefault(i)?.Value ?? 0, Events(i, LicenseEventKinds.ProtectionRenewed)))]);
    }

    /// <summary>The five weekly GROUP BY queries, each over an indexed range of its timestamp (the query-plan tests read them).</summary>
    internal static (IQueryable<WeekTotal> CasesOpened, IQueryable<WeekTotal> CasesResolved, IQueryable<WeekTotal> Events, IQueryable<WeekTotal> QuotesSent,
        IQueryable<WeekTotal> QuotesAccepted) Queries(AppDbContext db, DateTime[] starts, DateTime to)
    {
        var from = starts[0];
        return (
            db.FraudCases.Where(c => c.OpenedAt >= from && c.OpenedAt < to)
                .GroupBy(WeekOf<FraudCase>(c => c.OpenedAt, starts)).Select(g => new WeekTotal { Week = g.Key, Count = g.Count() }),
            db.FraudCases.Where(c => c.State == CaseState.Resolved && c.ClosedAt >= from && c.ClosedAt < to)
                .GroupBy(WeekOf<FraudCase>(c => c.ClosedAt!.Value, starts)).Select(g => new WeekTotal { Week = g.Key, Count = g.Count() }),
            db.LicenseEvents.Where(e => (e.Kind == LicenseEventKinds.Disabled || e.Kind == LicenseEventKinds.ProtectionRenewed) && e.At >= from && e.At < to)
                .GroupBy(WeekAndKind(starts)).Select(g => new WeekTotal { Week = g.Key.Week, Kind = g.Key.Kind, Count = g.Count() }),
            db.Quotes.Where(q => q.SentAt >= from && q.SentAt < to)
                .GroupBy(WeekOf<Quote>(q => q.SentAt!.Value, starts)).Select(g => new WeekTotal { Week = g.Key, Count = g.Count(), Value = g.Sum(q => q.Total) }),
            db.Quotes.Where(q => q.AcceptedAt >= from && q.AcceptedAt < to)
                .GroupBy(WeekOf<Quote>(q => q.AcceptedAt!.Value, starts)).Select(g => new WeekTotal { Week = g.Key, Count = g.Count(), Value = g.Sum(q => q.Total) }));
    }

    internal sealed class WeekTotal
    {
        public int Week { get; init; }
        public string Kind { get; init; } = "";
        public int Count { get; init; }
        public decimal Value { get; init; }
    }

    /// <summary>
    /// The week a moment falls in, as SQL: the number of later week starts it has reached (a sum of CASE WHENs), so the
    /// database groups the rows and the week boundaries stay the vendor's midnights, whatever its time zone does.
    /// </summary>
    private static Expression<Func<T, int>> WeekOf<T>(Expression<Func<T, DateTime>> at, DateTime[] starts)
    {
        Expression body = Expression.Constant(0);
        foreach (var start in starts.Skip(1))
            body = Expression.Add(body, Expression.Condition(Expression.GreaterThanOrEqual(at.Body, Expression.Constant(start)), Expression.Constant(1), Expression.Constant(0)));
        return Expression.Lambda<Func<T, int>>(body, at.Parameters);
    }

    private static Expression<Func<LicenseEvent, WeekKind>> WeekAndKind(DateTime[] starts)
    {
        var week = WeekOf<LicenseEvent>(e => e.At, starts);
        var e = week.Parameters[0];
        return Expression.Lambda<Func<LicenseEvent, WeekKind>>(Expression.MemberInit(Expression.New(typeof(WeekKind)),
            Expression.Bind(typeof(WeekKind).GetProperty(nameof(WeekKind.Week))!, week.Body),
            Expression.Bind(typeof(WeekKind).GetProperty(nameof(WeekKind.Kind))!, Expression.Property(e, nameof(LicenseEvent.Kind)))), e);
    }

    private sealed class WeekKind
    {
        public int Week { get; init; }
        public string Kind { get; init; } = "";
    }
}

public static class ManagementFeature
{
    public static IServiceCollection AddManagementFeature(this IServiceCollection services) => services.AddScoped<DashboardService>().AddScoped<DashboardTrends>();
}
