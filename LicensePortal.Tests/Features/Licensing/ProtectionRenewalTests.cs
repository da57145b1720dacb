using LicensePortal.Features.Licensing;
using LicensePortal.Infrastructure;

namespace LicensePortal.Tests.Features.Licensing;

public class ProtectionRenewalTests
{
    private static DateOnly D(int y, int m, int d) => new(y, m, d);

    public static TheoryData<string, DateOnly?, DateOnly, DateOnly> Renewals =>
        new()
        {
            { "weeks early: runs on from the old end date", D(2027, 1, 15), D(2026, 12, 1), D(2028, 1, 15) },
            { "a year early: still from the old end date", D(2027, 1, 15), D(2026, 1, 16), D(2028, 1, 15) },
            { "on the end date: still current, no day lost", D(2027, 1, 15), D(2027, 1, 15), D(2028, 1, 15) },
            { "the day after: lapsed, from the acceptance date", D(2027, 1, 15), D(2027, 1, 16), D(2028, 1, 16) },
            { "long lapsed: from the acceptance date", D(2024, 6, 30), D(2026, 11, 26), D(2027, 11, 26) },
            { "never had protection: from the acceptance date", null, D(2026, 11, 26), D(2027, 11, 26) },
            { "a 29 February end renewed early ends on 28 February", D(2028, 2, 29), D(2028, 2, 1), D(2029, 2, 28) },
            { "accepted on 29 February after a lapse ends on 28 February", D(2028, 1, 31), D(2028, 2, 29), D(2029, 2, 28) },
            { "a month's last day keeps its day", D(2027, 1, 31), D(2027, 1, 2), D(2028, 1, 31) },
            { "30 April stays 30 April", D(2027, 4, 30), D(2027, 4, 30), D(2028, 4, 30) },
        };

    [Theory]
    [MemberData(nameof(Renewals))]
    public void A_renewal_ends_12_months_after_the_old_end_date_or_after_acceptance_once_lapsed(
        string because,
        DateOnly? endsOn,
        DateOnly acceptedOn,
        DateOnly expected
    )
    {
        Assert.True(
            expected == ProtectionRenewal.RenewedUntil(endsOn, acceptedOn),
            $"{because}: got {ProtectionRenewal.RenewedUntil(endsOn, acceptedOn)}"
        );
    }

    [Fact]
    public void Renewing_early_never_loses_a_day_and_renewing_late_never_backdates()
    {
        var end = D(2027, 3, 10);
        for (var accepted = end.AddDays(-400); accepted <= end.AddDays(400); accepted = accepted.AddDays(1))
        {
            var until = ProtectionRenewal.RenewedUntil(end, accepted);
            if (accepted <= end)
            {
                Assert.True(ProtectionRenewal.RunsOnFromEndDate(end, accepted));
                Assert.Equal(end.AddMonths(12), until);
                Assert.True(until >= accepted.AddMonths(12));
            }
            else
            {
                Assert.False(ProtectionRenewal.RunsOnFromEndDate(end, accepted));
                Assert.Equal(accepted.AddMonths(12), until);
                Assert.True(until > end.AddMonths(12));
            }
        }
    }

    [Fact]
    public void Renewing_twice_before_either_lapses_adds_24_months()
    {
        var end = D(2027, 1, 15);
        var first = ProtectionRenewal.RenewedUntil(end, D(2026, 12, 20));
        var second = ProtectionRenewal.RenewedUntil(first, D(2026, 12, 21));

        Assert.Equal((D(2028, 1, 15), D(2029, 1, 15)), (first, second));
    }

    [Theory]
    [InlineData("2026-11-26", true)]
    [InlineData("2027-01-25", true)]
    [InlineData("2027-01-26", false)]
    [InlineData("2026-11-25", false)]
    [InlineData(null, false)]
    public void The_work_list_holds_protection_ending_from_today_to_the_window_end(string? endsOn, bool listed)
    {
        Assert.Equal(listed, ProtectionRenewal.EndsWithin(endsOn is null ? null : DateOnly.Parse(endsOn), D(2026, 11, 26), 60));
    }
}

public class ProtectionReminderRuleTests
{
    private static readonly DateOnly End = new(2027, 1, 15);

    [Fact]
    public void With_30_and_7_days_each_day_has_the_reminder_it_should()
    {
        int[] days = [30, 7];
        for (var left = 60; left >= -5; left--)
        {
            int? expected = left switch
            {
                > 30 => null,
                > 7 => 30,
                >= 0 => 7,
                _ => null,
            };
            Assert.True(expected == ProtectionReminders.Due(End, End.AddDays(-left), days), $"{left} days left");
        }
    }

    [Fact]
    public void Order_and_repeats_of_the_setting_do_not_matter()
    {
        for (var left = 40; left >= -1; left--)
        {
            var today = End.AddDays(-left);
            Assert.Equal(ProtectionReminders.Due(End, today, [30, 7]), ProtectionReminders.Due(End, today, [7, 30, 7]));
        }
    }

    [Fact]
    public void No_reminder_days_means_no_reminders()
    {
        for (var left = 400; left >= -1; left--)
            Assert.Null(ProtectionReminders.Due(End, End.AddDays(-left), []));
    }

    /// <summary>A daily run that sends what is due and not yet sent, as the reminder service does.</summary>
    private static List<(int Left, int Reminder)> Walk(int firstLeft, int[] days, int everyDays = 1)
    {
        var sent = new List<(int Left, int Reminder)>();
        for (var left = firstLeft; left >= -10; left -= everyDays)
            if (ProtectionReminders.Due(End, End.AddDays(-left), days) is { } due && sent.All(s => s.Reminder != due))
                sent.Add((left, due));
        return sent;
    }

    [Fact]
    public void Daily_runs_send_each_reminder_once_on_its_day()
    {
        Assert.Equal([(30, 30), (7, 7)], Walk(90, [30, 7]));
        Assert.Equal([(60, 60), (30, 30), (14, 14), (7, 7), (1, 1)], Walk(90, [1, 7, 14, 30, 60]));
    }

    [Fact]
    public void A_run_that_starts_late_sends_the_reminder_whose_turn_it_is_and_skips_those_past()
    {
        Assert.Equal([(20, 30), (7, 7)], Walk(20, [30, 7]));
        Assert.Equal([(5, 7)], Walk(5, [30, 7]));
        Assert.Equal([(0, 7)], Walk(0, [30, 7]));
        Assert.Empty(Walk(-1, [30, 7]));
    }

    [Fact]
    public void Runs_three_days_apart_still_send_both_reminders()
    {
        Assert.Equal([(29, 30), (5, 7)], Walk(32, [30, 7], everyDays: 3));
    }

    [Theory]
    [InlineData("30,7", new[] { 30, 7 })]
    [InlineData("7, 30", new[] { 30, 7 })]
    [InlineData("7;30 30", new[] { 30, 7 })]
    [InlineData("365", new[] { 365 })]
    [InlineData("", new int[0])]
    [InlineData("  ", new int[0])]
    public void The_setting_reads_as_whole_days_longest_first(string setting, int[] expected)
    {
        Assert.Equal(expected, ProtectionReminders.Parse(setting));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-7")]
    [InlineData("366")]
    [InlineData("7.5")]
    [InlineData("thirty")]
    public void A_setting_that_is_not_days_is_refused_with_a_reason(string setting)
    {
        var error = Assert.Throws<DomainException>(() => ProtectionReminders.Parse(setting));
        Assert.Contains("is not a number of days between 1 and 365", error.Message);
    }
}
