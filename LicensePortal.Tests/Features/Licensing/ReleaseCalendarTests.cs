using LicensePortal.Features.Licensing;

namespace LicensePortal.Tests.Features.Licensing;

public class ReleaseCalendarTests
{
    private static readonly MajorRelease[] SmarterMail = [new(10, new(2021, 4, 20)), new(11, new(2022, 11, 8)), new(12, new(2024, 3, 12))];

    public static TheoryData<string, MajorRelease[], int, DateOnly, bool> Legacy =>
        new()
        {
            { "FAQ: current 12.x makes 10.x legacy", SmarterMail, 10, new(2026, 1, 1), true },
            { "FAQ: 11.x is not legacy while 12.x is current", SmarterMail, 11, new(2026, 1, 1), false },
            { "the current major is not legacy", SmarterMail, 12, new(2026, 1, 1), false },
            { "exactly two later majors: legacy from the day the second ships", SmarterMail, 10, new(2024, 3, 12), true },
            { "the day before the second later major: not yet legacy", SmarterMail, 10, new(2024, 3, 11), false },
            {
                "skipped version numbers count as releases (15, 16, 18)",
                [new(15, new(2020, 6, 2)), new(16, new(2022, 5, 17)), new(18, new(2024, 9, 24))],
                15,
                new(2025, 1, 1),
                true
            },
            {
                "skipped numbers: 16 has only one later release",
                [new(15, new(2020, 6, 2)), new(16, new(2022, 5, 17)), new(18, new(2024, 9, 24))],
                16,
                new(2025, 1, 1),
                false
            },
            {
                "two later majors released the same day",
                [new(1, new(2020, 1, 1)), new(2, new(2021, 1, 1)), new(3, new(2021, 1, 1))],
                1,
                new(2021, 1, 1),
                true
            },
            { "a major announced for later does not count yet", [.. SmarterMail, new(13, new(2027, 6, 1))], 11, new(2026, 11, 26), false },
            { "and counts once it is out", [.. SmarterMail, new(13, new(2027, 6, 1))], 11, new(2027, 6, 1), true },
        };

    [Theory]
    [MemberData(nameof(Legacy))]
    public void A_major_is_legacy_after_two_later_major_releases(
        string because,
        MajorRelease[] majors,
        int major,
        DateOnly date,
        bool legacy
    )
    {
        Assert.True(legacy == ReleaseCalendar.IsLegacy(major, majors, date), because);
        // The cut-off used to filter lists agrees with the rule for every major.
        var cutoff = ReleaseCalendar.HighestLegacyMajor(majors, date);
        Assert.True(legacy == (cutoff is { } c && major <= c), $"{because} (cut-off {cutoff})");
    }

    [Theory]
    [InlineData("2021-04-19", null)]
    [InlineData("2021-04-20", 10)]
    [InlineData("2024-03-11", 11)]
    [InlineData("2026-11-26", 12)]
    public void The_current_major_is_the_highest_released_on_or_before_the_date(string date, int? expected) =>
        Assert.Equal(expected, ReleaseCalendar.CurrentMajor(SmarterMail, DateOnly.Parse(date)));

    public static TheoryData<string, int, DateOnly?, string[]> Entitlement =>
        new()
        {
            {
                "supported major, protection current",
                12,
                new(2027, 3, 31),
                ["All 12.x releases, patches and bug fixes at no charge.", "Next major free until 2027-03-31 with upgrade protection."]
            },
            {
                "legacy major",
                10,
                null,
                [
                    "Legacy: 10.x gets no further minor updates, patches or bug fixes.",
                    "No upgrade protection: a major upgrade needs protection bought first.",
                ]
            },
            {
                "older major with protection",
                11,
                new(2027, 1, 15),
                ["All 11.x releases, patches and bug fixes at no charge.", "Free upgrade to 12.x with upgrade protection until 2027-01-15."]
            },
            {
                "protection ends today: still current",
                12,
                new(2026, 11, 26),
                ["All 12.x releases, patches and bug fixes at no charge.", "Next major free until 2026-11-26 with upgrade protection."]
            },
            {
                "protection ended yesterday",
                12,
                new(2026, 11, 25),
                [
                    "All 12.x releases, patches and bug fixes at no charge.",
                    "Upgrade protection lapsed on 2026-11-25: a major upgrade needs protection reinstated.",
                ]
            },
        };

    [Theory]
    [MemberData(nameof(Entitlement))]
    public void The_entitlement_says_what_the_license_gets(string because, int major, DateOnly? protection, string[] lines)
    {
        var entitlement = Entitlements.For(major, protection, SmarterMail, new DateOnly(2026, 11, 26));
        Assert.True(lines.SequenceEqual(entitlement.Lines), $"{because}: {string.Join(" | ", entitlement.Lines)}");
    }
}
