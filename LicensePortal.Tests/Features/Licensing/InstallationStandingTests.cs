using LicensePortal.Features.Installations;
using LicensePortal.Features.Licensing;

namespace LicensePortal.Tests.Features.Licensing;

public class InstallationStandingTests
{
    private static readonly InstallationOptions Options = new();
    private static readonly DateTime T0 = new(2026, 6, 1, 9, 0, 0, DateTimeKind.Utc);

    /// <summary>An installation first seen at <paramref name="first"/> and checking in until <paramref name="lastSeen"/>.</summary>
    private static InstallationFacts I(DateTime first, DateTime lastSeen, DateTime? released = null, DateTime? decommissioned = null) =>
        new(first, lastSeen, released, decommissioned);

    private static Standing At(
        DateTime now,
        bool failover = false,
        bool disabled = false,
        CaseFacts? openCase = null,
        params InstallationFacts[] installations
    ) => InstallationStanding.Evaluate(new LicenseFacts(failover, disabled, null, installations, openCase), now, Options);

    /// <summary>An old server since long before, and a new one from T0, both still checking in at <paramref name="now"/>.</summary>
    private static InstallationFacts[] Migration(DateTime now) => [I(T0.AddDays(-400), now), I(T0, now)];

    public static TheoryData<string, int, StandingStatus, int?> MigrationDays =>
        new()
        {
            { "day 29 of a migration: grace, one day left", 29, StandingStatus.Grace, 30 },
            { "day 30: the window is used up", 30, StandingStatus.Flagged, null },
            { "day 31: still flagged", 31, StandingStatus.Flagged, null },
            { "day 1: grace", 1, StandingStatus.Grace, 30 },
        };

    [Theory]
    [MemberData(nameof(MigrationDays))]
    public void Two_servers_on_one_key_are_tolerated_for_the_migration_window(
        string because,
        int day,
        StandingStatus status,
        int? graceEndsDay
    )
    {
        var now = T0.AddDays(day);
        var standing = At(now, installations: Migration(now));

        Assert.True(status == standing.Status, because);
        Assert.Equal((1, 2), (standing.Allowance, standing.ActiveInstallations));
        Assert.Equal(T0, standing.OverAllowanceSince);
        Assert.Equal(TimeSpan.FromDays(day), standing.OverAllowanceUsed);
        if (graceEndsDay is { } d)
            Assert.Equal(T0.AddDays(d), standing.GraceEndsAt);
        Assert.Equal(status == StandingStatus.Flagged, standing.CaseDue);
        if (standing.CaseDue)
            Assert.Equal(T0.AddDays(30 + 14), standing.DisableAt);
    }

    [Fact]
    public void Failover_allows_two_active_installations_and_a_third_starts_the_window()
    {
        var now = T0.AddDays(3);
        Assert.Equal(StandingStatus.Active, At(now, failover: true, installations: Migration(now)).Status);

        var three = At(now, failover: true, installations: [.. Migration(now), I(T0.AddDays(1), now)]);
        Assert.Equal((StandingStatus.Grace, 2, 3), (three.Status, three.Allowance, three.ActiveInstallations));
        Assert.Equal(T0.AddDays(1 + 30), three.GraceEndsAt);
    }

    [Fact]
    public void Released_and_decommissioned_installations_do_not_count()
    {
        var now = T0.AddDays(40);
        var standing = At(
            now,
            installations:
            [
                I(T0.AddDays(-400), T0.AddDays(5), released: T0.AddDays(5)),
                I(T0, now),
                I(T0.AddDays(1), now, decommissioned: T0.AddDays(2)),
            ]
        );

        Assert.Equal((StandingStatus.Active, 1), (standing.Status, standing.ActiveInstallations));
        Assert.Equal(TimeSpan.FromDays(5), standing.OverAllowanceUsed);
        Assert.Null(standing.OverAllowanceSince);
    }

    public static TheoryData<string, int, int> Stale =>
        new()
        {
            { "unseen for 13 days: still active, still over allowance", 13, 2 },
            { "unseen for exactly 14 days: still active", 14, 2 },
            { "unseen for 15 days: stale, no longer counted", 15, 1 },
        };

    [Theory]
    [MemberData(nameof(Stale))]
    public void An_installation_unseen_for_the_active_period_goes_stale(string because, int unseenDays, int active)
    {
        var now = T0.AddDays(20);
        var standing = At(now, installations: [I(T0.AddDays(-400), now.AddDays(-unseenDays)), I(T0, now)]);
        Assert.True(active == standing.ActiveInstallations, because);
        Assert.Equal(active > 1 ? StandingStatus.Grace : StandingStatus.Active, standing.Status);
    }

    [Fact]
    public void A_stale_server_counted_over_allowance_until_it_went_stale()
    {
        // The old server was last seen on day 4: it counted as active until day 4 + 14 = 18.
        var now = T0.AddDays(25);
        var standing = At(now, installations: [I(T0.AddDays(-400), T0.AddDays(4)), I(T0, now)]);

        Assert.Equal(StandingStatus.Active, standing.Status);
        Assert.Equal(TimeSpan.FromDays(18), standing.OverAllowanceUsed);
    }

    [Fact]
    public void A_second_migration_in_the_same_year_gets_only_what_is_left_of_the_window()
    {
        // First migration: 20 days over, ended by releasing the old server.
        var first = new[] { I(T0.AddDays(-400), T0.AddDays(20), released: T0.AddDays(20)), I(T0, T0.AddDays(200)) };
        // Second, 100 days later: a third server for 5 days so far.
        var now = T0.AddDays(125);
        var second = At(now, installations: [first[0], I(T0, now), I(T0.AddDays(120), now)]);

        Assert.Equal(StandingStatus.Grace, second.Status);
        Assert.Equal(TimeSpan.FromDays(25), second.OverAllowanceUsed);
        Assert.Equal(now.AddDays(5), second.GraceEndsAt);

        var used = At(T0.AddDays(130), installations: [first[0], I(T0, T0.AddDays(130)), I(T0.AddDays(120), T0.AddDays(130))]);
        Assert.Equal(StandingStatus.Flagged, used.Status);
        Assert.True(used.CaseDue);
    }

    [Fact]
    public void Days_over_allowance_more_than_the_look_back_ago_are_forgotten()
    {
        var old = I(T0.AddDays(-800), T0.AddDays(-380), released: T0.AddDays(-380));
        var now = T0.AddDays(10);
        // Over allowance from -400 to -380: 20 days, all of them more than 365 days ago.
        var standing = At(now, installations: [old, I(T0.AddDays(-400), now), I(T0, now)]);

        Assert.Equal(TimeSpan.FromDays(10), standing.OverAllowanceUsed);
        Assert.Equal(T0.AddDays(30), standing.GraceEndsAt);
    }

    [Fact]
    public void Replacing_a_server_on_the_spot_is_not_an_overlap()
    {
        var now = T0.AddDays(3);
        var standing = At(now, installations: [I(T0.AddDays(-100), T0, released: T0), I(T0, now)]);
        Assert.Equal(TimeSpan.Zero, standing.OverAllowanceUsed);
    }

    public static TheoryData<string, int, bool> CaseDays =>
        new()
        {
            { "day 13 of a case: not yet", 13, false },
            { "day 14: the key is to be disabled", 14, true },
            { "day 15: overdue", 15, true },
        };

    [Theory]
    [MemberData(nameof(CaseDays))]
    public void An_open_case_is_flagged_until_its_deadline_then_due_for_disabling(string because, int day, bool due)
    {
        var opened = T0.AddDays(30);
        var now = opened.AddDays(day);
        var standing = At(now, openCase: new CaseFacts(opened, opened.AddDays(14)), installations: Migration(now));

        Assert.Equal(StandingStatus.Flagged, standing.Status);
        Assert.Equal(opened.AddDays(14), standing.DisableAt);
        Assert.True(due == standing.DeadlinePassed(now), because);
        Assert.True(standing.OverAllowance);
    }

    [Fact]
    public void An_extended_deadline_moves_the_disable_date()
    {
        var opened = T0.AddDays(30);
        var standing = At(
            opened.AddDays(15),
            openCase: new CaseFacts(opened, opened.AddDays(21)),
            installations: Migration(opened.AddDays(15))
        );
        Assert.Equal((opened.AddDays(21), false), (standing.DisableAt, standing.DeadlinePassed(opened.AddDays(15))));
    }

    [Fact]
    public void A_disabled_key_answers_disabled_whatever_its_installations()
    {
        var now = T0.AddDays(2);
        Assert.Equal(StandingStatus.Disabled, At(now, disabled: true, installations: Migration(now)).Status);
        Assert.Equal(StandingStatus.Disabled, At(now, disabled: true).Status);
    }

    [Fact]
    public void No_installations_is_active_with_nothing_used()
    {
        var standing = At(T0);
        Assert.Equal(
            (StandingStatus.Active, 0, TimeSpan.Zero),
            (standing.Status, standing.ActiveInstallations, standing.OverAllowanceUsed)
        );
    }

    [Fact]
    public void A_shorter_configured_window_is_honoured()
    {
        var options = new InstallationOptions { MigrationWindowDays = 10 };
        var now = T0.AddDays(10);
        Assert.Equal(
            StandingStatus.Flagged,
            InstallationStanding.Evaluate(new LicenseFacts(false, false, null, Migration(now)), now, options).Status
        );
        Assert.Equal(
            StandingStatus.Grace,
            InstallationStanding.Evaluate(new LicenseFacts(false, false, null, Migration(T0.AddDays(9))), T0.AddDays(9), options).Status
        );
    }

    public static TheoryData<string, InstallationFacts, double, bool> NewStints =>
        new()
        {
            { "seen 14 days ago: the same stint goes on", I(T0, T0), 14, false },
            { "seen 14 days and a minute ago: stale, a new stint", I(T0, T0), 14.0007, true },
            { "released: a new stint", I(T0, T0.AddDays(3), released: T0.AddDays(3)), 4, true },
            {
                "decommissioned by staff: a new stint, the decision stays on record",
                I(T0, T0.AddDays(3), decommissioned: T0.AddDays(2)),
                3,
                true
            },
            { "checking in every day: the same stint", I(T0, T0.AddDays(199)), 200, false },
        };

    [Theory]
    [MemberData(nameof(NewStints))]
    public void A_check_in_starts_a_new_stint_after_a_release_a_decommissioning_or_a_silence(
        string because,
        InstallationFacts current,
        double day,
        bool starts
    )
    {
        Assert.True(starts == InstallationStanding.StartsNewStint(current, T0.AddDays(day), Options), because);
        var installation = new Installation
        {
            StintStartedAt = current.StartedAt,
            LastSeenAt = current.LastSeenAt,
            ReleasedAt = current.ReleasedAt,
            DecommissionedAt = current.DecommissionedAt,
        };
        Assert.True(starts == installation.CheckIn("h", "12.1", T0.AddDays(day), Options), because);
        Assert.Equal(starts ? T0.AddDays(day) : current.StartedAt, installation.StintStartedAt);
    }

    [Fact]
    public void A_stint_ends_at_its_release_its_decommissioning_or_when_it_went_stale_whichever_came_first()
    {
        Assert.Equal(T0.AddDays(5 + 14), InstallationStanding.EndOf(I(T0, T0.AddDays(5)), Options));
        Assert.Equal(T0.AddDays(6), InstallationStanding.EndOf(I(T0, T0.AddDays(5), released: T0.AddDays(6)), Options));
        Assert.Equal(
            T0.AddDays(2),
            InstallationStanding.EndOf(I(T0, T0.AddDays(5), released: T0.AddDays(6), decommissioned: T0.AddDays(2)), Options)
        );
        // Released long after it went silent: it stopped counting when it went stale.
        Assert.Equal(T0.AddDays(19), InstallationStanding.EndOf(I(T0, T0.AddDays(5), released: T0.AddDays(90)), Options));
    }

    [Fact]
    public void Several_stints_of_one_machine_count_only_while_it_was_there()
    {
        var now = T0.AddDays(100);
        // A runs throughout; B is there on days 0-10 and 50-55 and from day 98.
        var standing = At(
            now,
            installations:
            [
                I(T0, now),
                I(T0, T0.AddDays(10), released: T0.AddDays(10)),
                I(T0.AddDays(50), T0.AddDays(55), released: T0.AddDays(55)),
                I(T0.AddDays(98), now),
            ]
        );

        Assert.Equal(TimeSpan.FromDays(10 + 5 + 2), standing.OverAllowanceUsed);
        Assert.Equal((StandingStatus.Grace, now.AddDays(13)), (standing.Status, standing.GraceEndsAt));
    }

    [Fact]
    public void Time_before_the_window_was_restored_no_longer_counts()
    {
        var now = T0.AddDays(40);
        var facts = new LicenseFacts(false, false, WindowRestoredAt: T0.AddDays(35), Migration(now));

        var standing = InstallationStanding.Evaluate(facts, now, Options);

        Assert.Equal(
            (StandingStatus.Grace, TimeSpan.FromDays(5), T0.AddDays(35)),
            (standing.Status, standing.OverAllowanceUsed, standing.OverAllowanceSince)
        );
        Assert.Equal(T0.AddDays(65), standing.GraceEndsAt);
    }

    public static TheoryData<string, double, double> Deadlines =>
        new()
        {
            { "the monitor opens the case an hour after the window ran out: 14 days from the window's end", 1.0 / 24, 14 },
            { "6 days late: still 14 days from the window's end", 6, 14 },
            { "9 days late (the monitor was stopped): half the deadline, 7 days, from the opening", 9, 16 },
        };

    [Theory]
    [MemberData(nameof(Deadlines))]
    public void The_case_deadline_counts_from_the_end_of_the_window_but_leaves_half_the_deadline_after_a_late_opening(
        string because,
        double lateDays,
        double deadlineDay
    )
    {
        Assert.True(T0.AddDays(deadlineDay) == InstallationStanding.DeadlineFor(T0, T0.AddDays(lateDays), Options), because);
    }

    [Fact]
    public void An_open_case_back_within_allowance_promises_no_disable_date()
    {
        var opened = T0.AddDays(30);
        var now = opened.AddDays(3);
        var standing = At(now, openCase: new CaseFacts(opened, opened.AddDays(14)), installations: [I(T0, now)]);

        Assert.Equal((StandingStatus.Flagged, (DateTime?)null, true), (standing.Status, standing.DisableAt, standing.BackWithinAllowance));
        Assert.Equal(opened.AddDays(14), standing.CaseDeadline);
    }
}
