using LicensePortal.Features.Installations;
using LicensePortal.Features.Licensing;

namespace LicensePortal.Tests.Features.Licensing;

public class ReleaseRulesTests
{
    private static readonly InstallationOptions Options = new();
    private static readonly DateTime Now = new(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc);

    private static PastRelease Product(double daysAgo, ReleaseVerdict verdict = ReleaseVerdict.Counts) =>
        new(ReleaseSource.Product, verdict, Now.AddDays(-daysAgo));

    private static PastRelease Code(double daysAgo, ReleaseVerdict verdict = ReleaseVerdict.Counts) =>
        new(ReleaseSource.ReleaseCode, verdict, Now.AddDays(-daysAgo));

    [Fact]
    public void The_first_three_releases_in_thirty_days_count_and_the_fourth_does_not()
    {
        Assert.Equal(ReleaseVerdict.Counts, ReleaseRules.Decide(ReleaseSource.Product, [Product(1), Product(2)], Now, Options));
        Assert.Equal(
            ReleaseVerdict.OverLimit,
            ReleaseRules.Decide(ReleaseSource.Product, [Product(1), Product(2), Product(29.9)], Now, Options)
        );
    }

    [Fact]
    public void A_release_exactly_thirty_days_old_no_longer_counts_toward_the_limit()
    {
        PastRelease[] earlier = [Product(1), Product(2), Product(30)];
        Assert.Equal(ReleaseVerdict.Counts, ReleaseRules.Decide(ReleaseSource.Product, earlier, Now, Options));
    }

    [Fact]
    public void Releases_over_the_limit_or_refused_do_not_use_up_the_limit_but_approved_ones_do()
    {
        PastRelease[] ignored =
        [
            Product(1, ReleaseVerdict.OverLimit),
            Code(2, ReleaseVerdict.Refused),
            Code(3, ReleaseVerdict.AwaitingApproval),
        ];
        Assert.Equal(ReleaseVerdict.Counts, ReleaseRules.Decide(ReleaseSource.Product, [.. ignored, Product(4), Product(5)], Now, Options));
        Assert.Equal(
            ReleaseVerdict.OverLimit,
            ReleaseRules.Decide(ReleaseSource.Product, [Product(4), Product(5), Code(6, ReleaseVerdict.Approved)], Now, Options)
        );
    }

    [Fact]
    public void Release_codes_free_the_allowance_twice_a_year_and_then_wait_for_a_manager()
    {
        Assert.Equal(ReleaseVerdict.Counts, ReleaseRules.Decide(ReleaseSource.ReleaseCode, [Code(200)], Now, Options));
        Assert.Equal(ReleaseVerdict.AwaitingApproval, ReleaseRules.Decide(ReleaseSource.ReleaseCode, [Code(200), Code(300)], Now, Options));
        Assert.Equal(ReleaseVerdict.Counts, ReleaseRules.Decide(ReleaseSource.ReleaseCode, [Code(200), Code(366)], Now, Options));
        // An approved code was a manager's decision: it does not use up the year's free ones.
        Assert.Equal(
            ReleaseVerdict.Counts,
            ReleaseRules.Decide(ReleaseSource.ReleaseCode, [Code(200), Code(100, ReleaseVerdict.Approved)], Now, Options)
        );
    }

    [Fact]
    public void A_release_code_past_the_release_limit_waits_for_a_manager_rather_than_being_ignored()
    {
        Assert.Equal(
            ReleaseVerdict.AwaitingApproval,
            ReleaseRules.Decide(ReleaseSource.ReleaseCode, [Product(1), Product(2), Product(3)], Now, Options)
        );
    }

    [Fact]
    public void A_release_takes_effect_after_the_settle_time_from_configuration()
    {
        Assert.Equal(Now.AddHours(24), ReleaseRules.SettlesAt(Now, Options));
        Assert.Equal(Now.AddHours(6), ReleaseRules.SettlesAt(Now, new InstallationOptions { ReleaseSettleHours = 6 }));
    }

    [Fact]
    public void A_stint_whose_release_is_settling_is_still_active_and_a_check_in_continues_it()
    {
        var stint = new InstallationFacts(Now.AddDays(-3), Now.AddHours(-1), ReleasedAt: Now.AddHours(1));

        Assert.True(InstallationStanding.IsActive(stint, Now, Options));
        Assert.False(InstallationStanding.StartsNewStint(stint, Now, Options));
        Assert.Equal(InstallationState.Active, InstallationStanding.StateOf(stint, Now, Options));
        Assert.True(InstallationStanding.StartsNewStint(stint, Now.AddHours(1), Options));
        Assert.Equal(InstallationState.Released, InstallationStanding.StateOf(stint, Now.AddHours(1), Options));
    }
}
