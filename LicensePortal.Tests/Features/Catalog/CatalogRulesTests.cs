using LicensePortal.Features.Catalog;
using LicensePortal.Infrastructure;

namespace LicensePortal.Tests.Features.Catalog;

public class CatalogRulesTests
{
    private static readonly ReleaseFacts[] History =
    [
        new(10, 0, new(2021, 4, 20)),
        new(10, 1, new(2021, 8, 20)),
        new(11, 0, new(2022, 11, 8)),
        new(11, 1, new(2023, 3, 8)),
        new(11, 2, new(2023, 7, 8)),
        new(12, 0, new(2024, 3, 12)),
    ];

    public static TheoryData<string, ReleaseFacts, string?> Releases =>
        new()
        {
            { "a new major after the last", new(13, 0, new(2026, 11, 26)), null },
            { "a minor after its major", new(12, 1, new(2024, 7, 1)), null },
            { "a minor between two others keeps order", new(11, 3, new(2023, 8, 1)), null },
            { "a minor on the day of the previous one", new(12, 1, new(2024, 3, 12)), null },
            { "a duplicate version", new(11, 1, new(2023, 3, 9)), "Version 11.1 already exists." },
            { "a duplicate major", new(12, 0, new(2025, 1, 1)), "Version 12.0 already exists." },
            {
                "a major dated before the previous major",
                new(13, 0, new(2024, 1, 1)),
                "The release date of 13.0 is out of order: it must be after 12.0 (2024-03-12)."
            },
            { "a major on the same day as the previous major", new(13, 0, new(2024, 3, 12)), "must be after 12.0 (2024-03-12)" },
            { "a skipped major slotted between others must fit its dates", new(9, 0, new(2022, 1, 1)), "must be before 10.0 (2021-04-20)" },
            { "a minor before its major", new(12, 1, new(2024, 3, 11)), "must be on or after 12.0 (2024-03-12)" },
            { "a minor dated after the next minor", new(11, 3, new(2023, 6, 1)), "must be on or after 11.2 (2023-07-08)" },
            { "a minor of a missing major", new(14, 1, new(2027, 1, 1)), "Add the 14.0 major release before its minor releases." },
            {
                "a minor for a legacy major",
                new(10, 2, new(2024, 6, 1)),
                "10.x is legacy on 2024-06-01: legacy majors get no further minor releases."
            },
            { "a minor for 10.x before it became legacy", new(10, 2, new(2024, 3, 11)), null },
            { "a negative minor", new(12, -1, new(2025, 1, 1)), "The minor version can't be negative." },
            { "major zero", new(0, 0, new(2020, 1, 1)), "The major version must be 1 or higher." },
        };

    [Theory]
    [MemberData(nameof(Releases))]
    public void New_releases_keep_the_history_in_order(string because, ReleaseFacts added, string? problem)
    {
        var result = Record.Exception(() => CatalogRules.RequireRelease(History, added));
        if (problem is null)
            Assert.True(result is null, $"{because}: {result?.Message}");
        else
            Assert.True(result is DomainException refused && refused.Message.Contains(problem), $"{because}: {result?.Message}");
    }

    [Theory]
    [InlineData("", "Enter a name for the edition.")]
    [InlineData("   ", "Enter a name for the edition.")]
    [InlineData("enterprise", "There is already an edition called enterprise.")]
    [InlineData("Platinum", null)]
    public void Edition_names_are_required_and_unique(string name, string? problem) =>
        Assert.Equal(
            problem,
            Record.Exception(() => CatalogRules.RequireName(name, "edition", ["Free", "Professional", "Enterprise"]))?.Message
        );

    [Theory]
    [InlineData("-0.01", "The price can't be negative.")]
    [InlineData("0.001", "The price must be in whole cents.")]
    [InlineData("0", null)]
    [InlineData("1299.99", null)]
    public void Prices_are_whole_cents_and_not_negative(string price, string? problem) =>
        Assert.Equal(
            problem,
            CatalogRules.PriceProblem(decimal.Parse(price, System.Globalization.CultureInfo.InvariantCulture), "The price")
        );
}
