using LicensePortal.Features.Fraud;
using LicensePortal.Features.Licenses;
using LicensePortal.Features.Licensing;
using LicensePortal.Features.Management;
using LicensePortal.Features.Quotes;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Tests.Features.Management;

/// <summary>A portal whose cases, quotes and license events are only the ones the trend tests put in known weeks.</summary>
public sealed class TrendsPortal : PortalFactory, IAsyncLifetime
{
    public async ValueTask InitializeAsync()
    {
        await using var db = await this.DbAsync();
        await db.CallAttempts.ExecuteDeleteAsync();
        await db.FraudCases.ExecuteDeleteAsync();
        await db.Quotes.ExecuteDeleteAsync();
        await db.LicenseEvents.ExecuteDeleteAsync();
    }
}

public class DashboardTrendsTests(TrendsPortal portal) : IClassFixture<TrendsPortal>
{
    // The clock says Thursday 26 November 2026, 12:00 UTC: 05:00 in the vendor's America/Phoenix (UTC-7), so the
    // current week started on Monday 23 November at 07:00 UTC and the twelve weeks start on Monday 7 September.
    private static DateTime Utc(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, DateTimeKind.Utc);

    [Fact]
    public void A_vendor_week_starts_on_its_monday()
    {
        Assert.Equal(new DateOnly(2026, 11, 23), VendorCalendar.WeekStart(new DateOnly(2026, 11, 23)));
        Assert.Equal(new DateOnly(2026, 11, 23), VendorCalendar.WeekStart(new DateOnly(2026, 11, 29)));
        Assert.Equal(new DateOnly(2026, 11, 16), VendorCalendar.WeekStart(new DateOnly(2026, 11, 22)));
    }

    [Fact]
    public async Task Each_week_counts_what_happened_between_the_vendors_monday_midnights()
    {
        await using (var db = await portal.DbAsync())
        {
            var customer = await portal.NewCustomerAsync("Trends Hosting");
            var licenses = new List<License>();
            for (var i = 0; i < 4; i++)
                licenses.Add(await portal.NewLicenseAsync(customer.Id));

            FraudCase Case(int license, DateTime opened, CaseState state, DateTime? closed = null) =>
                new()
                {
                    LicenseId = licenses[license].Id,
                    OpenedAt = opened,
                    DeadlineAt = opened.AddDays(14),
                    OpenedBy = "monitor",
                    Reason = "test",
                    State = state,
                    ClosedAt = closed,
                    Outcome =
                        state == CaseState.Resolved ? CaseOutcome.MigrationCompleted
                        : state == CaseState.KeyDisabled ? CaseOutcome.KeyDisabled
                        : null,
                };
            db.FraudCases.AddRange(
                // 23:59 on Sunday 22 November in Phoenix: the week of 16 November, closed with the key disabled (not "resolved").
                Case(0, Utc(11, 23, 6, 59), CaseState.KeyDisabled, Utc(11, 24, 10)),
                // Midnight on Monday 23 November in Phoenix: this week, resolved this week.
                Case(1, Utc(11, 23, 7), CaseState.Resolved, Utc(11, 24, 10)),
                // The last minute before the first week: not counted.
                Case(2, Utc(9, 7, 6, 59), CaseState.Resolved, Utc(9, 7, 6, 59)),
                // The first moment of the first week, resolved in the week of 12 October.
                Case(3, Utc(9, 7, 7), CaseState.Resolved, Utc(10, 13, 9))
            );

            LicenseEvent Event(string kind, DateTime at) =>
                new()
                {
                    LicenseId = licenses[0].Id,
                    At = at,
                    Kind = kind,
                    Description = "test",
                    UserName = "test",
                };
            db.LicenseEvents.AddRange(
                Event(LicenseEventKinds.Disabled, Utc(11, 20, 18)),
                Event(LicenseEventKinds.Disabled, Utc(10, 12, 15)),
                Event(LicenseEventKinds.ProtectionRenewed, Utc(10, 12, 16)),
                Event(LicenseEventKinds.ProtectionRenewed, Utc(10, 18, 23)),
                // Monday 19 October 06:00 UTC is still Sunday in Phoenix.
                Event(LicenseEventKinds.ProtectionRenewed, Utc(10, 19, 6)),
                Event(LicenseEventKinds.Issued, Utc(10, 13, 9))
            );

            Quote NewQuote(string number, decimal total, DateTime? sent, DateTime? accepted) =>
                new()
                {
                    Number = number,
                    CustomerId = customer.Id,
                    QuoteDate = new DateOnly(2026, 10, 1),
                    ValidUntil = new DateOnly(2026, 12, 31),
                    Status = accepted is null ? QuoteStatus.Sent : QuoteStatus.Accepted,
                    Total = total,
                    SalesRepName = "Sam",
                    SalesRepEmail = "sam@example.com",
                    CreatedAt = Utc(10, 1, 12),
                    SentAt = sent,
                    AcceptedAt = accepted,
                };
            db.Quotes.AddRange(
                NewQuote("T-1", 1234.50m, Utc(10, 13, 9), Utc(11, 23, 7)),
                NewQuote("T-2", 99.99m, Utc(10, 14, 9), null),
                NewQuote("T-3", 500m, Utc(11, 23, 6), null),
                NewQuote("T-4", 10m, null, null)
            );
            await db.SaveChangesAsync();
        }

        var trends = await portal.Service<DashboardTrends>().BuildAsync(TestData.As(Roles.Manager));

        var expected = Enumerable
            .Range(0, 12)
            .Select(i => new WeekFigures(new DateOnly(2026, 9, 7).AddDays(7 * i), 0, 0, 0, 0, 0, 0, 0, 0))
            .ToArray();
        expected[0] = expected[0] with { CasesOpened = 1 };
        expected[5] = expected[5] with
        {
            CasesResolved = 1,
            KeysDisabled = 1,
            ProtectionRenewals = 3,
            QuotesSent = 2,
            QuotesSentValue = 1334.49m,
        };
        expected[10] = expected[10] with { CasesOpened = 1, KeysDisabled = 1, QuotesSent = 1, QuotesSentValue = 500m };
        expected[11] = expected[11] with { CasesOpened = 1, CasesResolved = 1, QuotesAccepted = 1, QuotesAcceptedValue = 1234.50m };
        Assert.Equal(expected, trends.Weeks);
        Assert.Equal(
            ["7 Sep", "14 Sep", "21 Sep", "28 Sep", "5 Oct", "12 Oct", "19 Oct", "26 Oct", "2 Nov", "9 Nov", "16 Nov", "23 Nov"],
            trends.Weeks.Select(w => w.Label)
        );
    }

    [Fact]
    public async Task Only_managers_see_the_trends()
    {
        await Assert.ThrowsAsync<DomainException>(() => portal.Service<DashboardTrends>().BuildAsync(TestData.As(Roles.Sales)));
    }
}

// SQLite's query plan (EXPLAIN QUERY PLAN).
[Trait("Provider", "Sqlite")]
public class DashboardTrendPlanTests : IAsyncLifetime
{
    private readonly PortalFactory portal = new() { Licenses = 20 };

    // The million-license database's statistics, with the trend indexes at that size: cases opened and closed a few a
    // second at most, one license event per license and day at most, quotes a few per customer.
    public ValueTask InitializeAsync() =>
        LicensePortal.Tests.Data.QueryPlanTests.UseStatisticsAsync(
            portal,
            [
                .. LicensePortal.Tests.Data.QueryPlanTests.MillionLicenseStatistics,
                "FraudCases|IX_FraudCases_OpenedAt|25140 2",
                "FraudCases|IX_FraudCases_ClosedAt|25140 2",
                "LicenseEvents|IX_LicenseEvents_Kind_At|3000000 300000 2",
                "Quotes|IX_Quotes_SentAt|400000 2",
                "Quotes|IX_Quotes_AcceptedAt|400000 2",
            ]
        );

    public ValueTask DisposeAsync() => portal.DisposeAsync();

    [Fact]
    public async Task Each_weekly_series_reads_its_date_range_through_an_index()
    {
        await using var db = await portal.DbAsync();
        var starts = Enumerable.Range(0, 12).Select(i => new DateTime(2026, 9, 7, 7, 0, 0, DateTimeKind.Utc).AddDays(7 * i)).ToArray();
        var q = DashboardTrends.Queries(db, starts, starts[^1].AddDays(7));

        (IQueryable<DashboardTrends.WeekTotal> Query, string Index)[] expected =
        [
            (q.CasesOpened, "IX_FraudCases_OpenedAt"),
            (q.CasesResolved, "IX_FraudCases_ClosedAt"),
            (q.Events, "IX_LicenseEvents_Kind_At"),
            (q.QuotesSent, "IX_Quotes_SentAt"),
            (q.QuotesAccepted, "IX_Quotes_AcceptedAt"),
        ];
        foreach (var (query, index) in expected)
        {
            var plan = await QueryPlan.OfAsync(db, query);
            Assert.True(plan.Any(step => step.Contains($"INDEX {index}")), $"not read through {index}:\n{string.Join("\n", plan)}");
        }
    }
}
