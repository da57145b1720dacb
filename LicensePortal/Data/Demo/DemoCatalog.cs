namespace LicensePortal.Data.Demo;

/// <summary>The demo products: release histories chosen so that some majors are legacy today.</summary>
internal static class DemoCatalog
{
    public sealed record ProductSpec(
        string Name,
        string Unit,
        (int Major, DateOnly On)[] Majors,
        (string Name, int? Capacity, decimal ProPrice)[] Levels
    );

    public static readonly (string Name, string Description)[] Editions =
    [
        ("Free", "The core product for a single small server: no clustering, no premium add-ons, community support."),
        (
            "Professional",
            "Everything in Free for larger levels, plus web-based administration for resellers, mobile sync and email support."
        ),
        (
            "Enterprise",
            "Everything in Professional, plus high-availability features, advanced security and compliance tools, API access and "
                + "priority phone support."
        ),
    ];

    public static readonly ProductSpec[] Products =
    [
        new(
            "SmarterMail",
            "mailboxes",
            [(10, new DateOnly(2021, 4, 20)), (11, new DateOnly(2022, 11, 8)), (12, new DateOnly(2024, 3, 12))],
            [
                ("10 mailboxes", 10, 0m),
                ("100 mailboxes", 100, 299m),
                ("250 mailboxes", 250, 499m),
                ("500 mailboxes", 500, 799m),
                ("1,000 mailboxes", 1000, 1199m),
                ("Unlimited mailboxes", null, 2499m),
            ]
        ),
        // Version numbers skip (no 17): legacy status counts releases, not numbers.
        new(
            "SmarterTrack",
            "agents",
            [(15, new DateOnly(2020, 6, 2)), (16, new DateOnly(2022, 5, 17)), (18, new DateOnly(2024, 9, 24))],
            [
                ("1 agent", 1, 0m),
                ("3 agents", 3, 199m),
                ("5 agents", 5, 299m),
                ("10 agents", 10, 549m),
                ("25 agents", 25, 999m),
                ("Unlimited agents", null, 1999m),
            ]
        ),
        new(
            "SmarterStats",
            "sites",
            [(7, new DateOnly(2019, 2, 5)), (8, new DateOnly(2021, 3, 30)), (9, new DateOnly(2023, 4, 18)), (10, new DateOnly(2025, 5, 6))],
            [("1 site", 1, 0m), ("5 sites", 5, 149m), ("25 sites", 25, 349m), ("100 sites", 100, 699m), ("Unlimited sites", null, 1299m)]
        ),
    ];

    /// <summary>Each later major costs a little more than the one before it.</summary>
    public static decimal LicensePrice(decimal proPrice, int editionRank, int majorIndex)
    {
        var price = editionRank switch
        {
            0 => 0m,
            1 => proPrice,
            _ => proPrice * 2m,
        };
        return decimal.Round(price * (1m + 0.05m * majorIndex), 0) - (price == 0 ? 0 : 1);
    }
}
