using System.Linq.Expressions;
using System.Security.Claims;
using LicensePortal.Data;
using LicensePortal.Features.Fraud;
using LicensePortal.Features.Licenses;
using LicensePortal.Features.Licensing;
using LicensePortal.Features.Quotes;
using LicensePortal.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Features.Management;

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
        return new([
            .. weeks.Select(
                (w, i) =>
                    new WeekFigures(
                        w.Monday,
                        opened.GetValueOrDefault(i)?.Count ?? 0,
                        resolved.GetValueOrDefault(i)?.Count ?? 0,
                        Events(i, LicenseEventKinds.Disabled),
                        sent.GetValueOrDefault(i)?.Count ?? 0,
                        sent.GetValueOrDefault(i)?.Value ?? 0,
                        accepted.GetValueOrDefault(i)?.Count ?? 0,
                        accepted.GetValueOrDefault(i)?.Value ?? 0,
                        Events(i, LicenseEventKinds.ProtectionRenewed)
                    )
            ),
        ]);
    }

    /// <summary>The five weekly GROUP BY queries, each over an indexed range of its timestamp (the query-plan tests read them).</summary>
    internal static (
        IQueryable<WeekTotal> CasesOpened,
        IQueryable<WeekTotal> CasesResolved,
        IQueryable<WeekTotal> Events,
        IQueryable<WeekTotal> QuotesSent,
        IQueryable<WeekTotal> QuotesAccepted
    ) Queries(AppDbContext db, DateTime[] starts, DateTime to)
    {
        var from = starts[0];
        return (
            db.FraudCases.Where(c => c.OpenedAt >= from && c.OpenedAt < to)
                .GroupBy(WeekOf<FraudCase>(c => c.OpenedAt, starts))
                .Select(g => new WeekTotal { Week = g.Key, Count = g.Count() }),
            db.FraudCases.Where(c => c.State == CaseState.Resolved && c.ClosedAt >= from && c.ClosedAt < to)
                .GroupBy(WeekOf<FraudCase>(c => c.ClosedAt!.Value, starts))
                .Select(g => new WeekTotal { Week = g.Key, Count = g.Count() }),
            db.LicenseEvents.Where(e =>
                    (e.Kind == LicenseEventKinds.Disabled || e.Kind == LicenseEventKinds.ProtectionRenewed) && e.At >= from && e.At < to
                )
                .GroupBy(WeekAndKind(starts))
                .Select(g => new WeekTotal
                {
                    Week = g.Key.Week,
                    Kind = g.Key.Kind,
                    Count = g.Count(),
                }),
            db.Quotes.Where(q => q.SentAt >= from && q.SentAt < to)
                .GroupBy(WeekOf<Quote>(q => q.SentAt!.Value, starts))
                .Select(g => new WeekTotal
                {
                    Week = g.Key,
                    Count = g.Count(),
                    Value = g.Sum(q => q.Total),
                }),
            db.Quotes.Where(q => q.AcceptedAt >= from && q.AcceptedAt < to)
                .GroupBy(WeekOf<Quote>(q => q.AcceptedAt!.Value, starts))
                .Select(g => new WeekTotal
                {
                    Week = g.Key,
                    Count = g.Count(),
                    Value = g.Sum(q => q.Total),
                })
        );
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
            body = Expression.Add(
                body,
                Expression.Condition(
                    Expression.GreaterThanOrEqual(at.Body, Expression.Constant(start)),
                    Expression.Constant(1),
                    Expression.Constant(0)
                )
            );
        return Expression.Lambda<Func<T, int>>(body, at.Parameters);
    }

    private static Expression<Func<LicenseEvent, WeekKind>> WeekAndKind(DateTime[] starts)
    {
        var week = WeekOf<LicenseEvent>(e => e.At, starts);
        var e = week.Parameters[0];
        return Expression.Lambda<Func<LicenseEvent, WeekKind>>(
            Expression.MemberInit(
                Expression.New(typeof(WeekKind)),
                Expression.Bind(typeof(WeekKind).GetProperty(nameof(WeekKind.Week))!, week.Body),
                Expression.Bind(typeof(WeekKind).GetProperty(nameof(WeekKind.Kind))!, Expression.Property(e, nameof(LicenseEvent.Kind)))
            ),
            e
        );
    }

    private sealed class WeekKind
    {
        public int Week { get; init; }
        public string Kind { get; init; } = "";
    }
}
