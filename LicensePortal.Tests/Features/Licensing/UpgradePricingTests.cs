using LicensePortal.Features.Licensing;
using LicensePortal.Infrastructure;

namespace LicensePortal.Tests.Features.Licensing;

public class UpgradePricingTests
{
    private static readonly EditionRef Free = new(1, "Free", 0),
        Pro = new(2, "Professional", 1),
        Ent = new(3, "Enterprise", 2);
    private static readonly LevelRef L10 = new(11, "10 mailboxes", 0),
        L100 = new(12, "100 mailboxes", 1),
        L250 = new(13, "250 mailboxes", 2),
        L500 = new(14, "500 mailboxes", 3);

    private static readonly MajorRelease[] Majors = [new(10, new(2021, 4, 20)), new(11, new(2022, 11, 8)), new(12, new(2024, 3, 12))];

    /// <summary>Illustrative prices: Pro 250 is $299 and Ent 250 $599 on 12.x, as in docs/RULES.md's worked example.</summary>
    private static PriceListSnapshot List(int major, decimal bump) =>
        new(
            major,
            [
                new(Free, L10, 0m, 0m, 0m),
                new(Pro, L100, 199m + bump, 99m + bump, 49m + bump),
                new(Pro, L250, 299m + bump, 149m + bump, 74.75m + bump),
                new(Pro, L500, 499m + bump, 249m + bump, 124.75m + bump),
                new(Ent, L100, 399m + bump, 199m + bump, 99.75m + bump),
                new(Ent, L250, 599m + bump, 299m + bump, 149.75m + bump),
                new(Ent, L500, 999m + bump, 499m + bump, 249.75m + bump),
            ]
        );

    private static readonly Dictionary<int, PriceListSnapshot> Lists = new()
    {
        [10] = List(10, -50m),
        [11] = List(11, -20m),
        [12] = List(12, 0m),
    };

    private static readonly DateOnly QuoteDate = new(2026, 11, 26);

    private static UpgradeRequest Request(
        int major,
        LicenseConfiguration current,
        LicenseConfiguration target,
        DateOnly? protectionEndsOn = null,
        DateOnly? quoteDate = null,
        IReadOnlyDictionary<int, PriceListSnapshot>? lists = null,
        int targetProduct = 1,
        bool toCurrentMajor = false,
        bool renew = false
    ) =>
        new(
            1,
            "SmarterMail",
            major,
            current,
            protectionEndsOn,
            targetProduct,
            target,
            quoteDate ?? QuoteDate,
            Majors,
            lists ?? Lists,
            toCurrentMajor,
            renew
        );

    private static LicenseConfiguration C(EditionRef e, LevelRef l, bool failover = false) => new(e, l, failover);

    public static TheoryData<string, UpgradeRequest, decimal> Priced =>
        new()
        {
            { "docs/RULES.md worked example: 12.x Pro 250 to Ent 250 pays $300.00", Request(12, C(Pro, L250), C(Ent, L250)), 300.00m },
            { "level only, same major", Request(12, C(Pro, L250), C(Pro, L500)), 200.00m },
            { "edition and level together", Request(12, C(Pro, L100), C(Ent, L500)), 800.00m },
            { "adding failover costs the add-on", Request(12, C(Pro, L250), C(Pro, L250, true)), 149.00m },
            { "failover kept: both sides include the add-on", Request(12, C(Pro, L250, true), C(Ent, L250, true)), 450.00m },
            { "free edition upward", Request(12, C(Free, L10), C(Pro, L100)), 199.00m },
            {
                "older major with current protection: step free, change on the 12.x list",
                Request(10, C(Pro, L250), C(Ent, L250), new DateOnly(2027, 3, 31)),
                300.00m
            },
            {
                "protection ending on the quote date still covers the step",
                Request(11, C(Pro, L250), C(Ent, L250), new DateOnly(2026, 11, 26)),
                300.00m
            },
            {
                "protection ended the day before: reinstatement at the 12.x price",
                Request(11, C(Pro, L250), C(Ent, L250), new DateOnly(2026, 11, 25)),
                74.75m + 300.00m
            },
            {
                "no protection ever: reinstatement for the present configuration",
                Request(10, C(Pro, L500), C(Ent, L500)),
                124.75m + 500.00m
            },
            {
                "quote before 12.x was released: 11.x is current, priced on its list",
                Request(11, C(Pro, L250), C(Ent, L250), quoteDate: new DateOnly(2024, 3, 11)),
                300.00m
            },
        };

    [Theory]
    [MemberData(nameof(Priced))]
    public void Upgrades_cost_the_difference_on_the_right_list(string because, UpgradeRequest request, decimal total)
    {
        var price = UpgradePricing.Price(request);

        Assert.True(total == price.Total, $"{because}: expected {total}, got {price.Total}");
        Assert.Equal(price.Lines.Sum(l => l.Amount), price.Total);
        Assert.All(price.Lines, l => Assert.False(string.IsNullOrWhiteSpace(l.Reason)));
    }

    [Fact]
    public void A_cross_major_quote_says_the_step_is_covered_by_protection_until_its_end_date()
    {
        var price = UpgradePricing.Price(Request(10, C(Pro, L250), C(Ent, L250), new DateOnly(2027, 3, 31)));

        var step = Assert.Single(price.Lines, l => l.Kind == QuoteLineKind.MajorUpgrade);
        Assert.Equal("Major upgrade 10.x → 12.x", step.Title);
        Assert.Contains("Covered by upgrade protection, current until 2027-03-31", step.Reason);
        Assert.Equal(0m, step.Amount);
        Assert.Equal((10, 12), (price.FromMajor, price.ToMajor));
        Assert.Equal(new DateOnly(2027, 3, 31), price.ProtectionEndsOnAfter);
    }

    [Fact]
    public void Reinstating_protection_says_why_and_renews_it_for_twelve_months()
    {
        var price = UpgradePricing.Price(Request(11, C(Pro, L250), C(Ent, L250), new DateOnly(2025, 1, 31)));

        var step = Assert.Single(price.Lines, l => l.Kind == QuoteLineKind.MajorUpgrade);
        Assert.Contains("Upgrade protection lapsed on 2025-01-31", step.Reason);
        Assert.Contains("12.x price for Professional 250 mailboxes", step.Reason);
        Assert.Equal(74.75m, step.Amount);
        Assert.Equal(new DateOnly(2027, 11, 26), price.ProtectionEndsOnAfter);
    }

    [Fact]
    public void The_change_line_names_both_configurations_and_their_list_prices()
    {
        var line = UpgradePricing.Price(Request(12, C(Pro, L250), C(Ent, L250, true))).Lines.Single();

        Assert.Equal("Professional 250 mailboxes → Enterprise 250 mailboxes with failover", line.Title);
        Assert.Equal("Difference on the 12.x price list: $898.00 − $299.00 (failover add-on included).", line.Reason);
        Assert.Equal((299m, 898m, 599m), (line.FromPrice!.Value, line.ToPrice!.Value, line.Amount));
    }

    public static TheoryData<string, UpgradeRequest, string> Refused =>
        new()
        {
            { "edition down", Request(12, C(Ent, L250), C(Pro, L250)), "The edition can't go down from Enterprise to Professional" },
            { "level down", Request(12, C(Pro, L500), C(Ent, L250)), "The level can't go down from 500 mailboxes to 250 mailboxes" },
            { "failover removed", Request(12, C(Pro, L250, true), C(Ent, L250)), "Failover can't be removed" },
            { "no change", Request(12, C(Pro, L250), C(Pro, L250)), "Nothing changes" },
            {
                "no change on an older major, and no major step asked for",
                Request(10, C(Pro, L250), C(Pro, L250), new DateOnly(2027, 1, 1)),
                "Nothing changes: choose a higher edition or level, add failover, move the license to 12.x or renew its upgrade protection."
            },
            {
                "a major step asked for on the current major",
                Request(12, C(Pro, L250), C(Pro, L250), toCurrentMajor: true),
                "Nothing changes: choose a higher edition or level, add failover, or renew upgrade protection."
            },
            {
                "renewing protection that costs nothing",
                Request(12, C(Free, L10), C(Free, L10), renew: true),
                "Upgrade protection for Free 10 mailboxes costs nothing on the SmarterMail 12.x price list"
            },
            {
                "renewing on an older major without the current major's list",
                Request(11, C(Pro, L250), C(Pro, L250), renew: true, lists: new Dictionary<int, PriceListSnapshot> { [11] = Lists[11] }),
                "There is no SmarterMail 12.x price list"
            },
            {
                "renewing with no protection price for the target",
                Request(12, C(Pro, L250), C(Ent, L500), renew: true, lists: Without(12, Ent, L500)),
                "has no price for Enterprise 500 mailboxes"
            },
            { "another product", Request(12, C(Pro, L250), C(Ent, L250), targetProduct: 2), "can only be upgraded within SmarterMail" },
            {
                "missing target entry",
                Request(12, C(Pro, L250), C(Ent, L500), lists: Without(12, Ent, L500)),
                "The SmarterMail 12.x price list has no price for Enterprise 500 mailboxes"
            },
            {
                "missing present entry on the current major",
                Request(10, C(Pro, L250), C(Ent, L250), lists: Without(12, Pro, L250)),
                "The SmarterMail 12.x price list has no price for Professional 250 mailboxes"
            },
            {
                "missing price list",
                Request(10, C(Pro, L250), C(Ent, L250), lists: new Dictionary<int, PriceListSnapshot> { [10] = Lists[10] }),
                "There is no SmarterMail 12.x price list"
            },
            {
                "list makes it free",
                Request(12, C(Pro, L250), C(Ent, L250), lists: With(12, Ent, L250, 299m)),
                "makes this upgrade cost nothing: Enterprise 250 mailboxes ($299.00) is not dearer than Professional 250 mailboxes "
                    + "($299.00)"
            },
            { "list makes it negative", Request(12, C(Pro, L250), C(Ent, L250), lists: With(12, Ent, L250, 100m)), "is not dearer than" },
        };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Upgrades_the_rules_forbid_are_refused_with_a_reason(string because, UpgradeRequest request, string message)
    {
        var error = Assert.Throws<DomainException>(() => UpgradePricing.Price(request));
        Assert.True(error.Message.Contains(message), $"{because}: {error.Message}");
    }

    private static Dictionary<int, PriceListSnapshot> Without(int major, EditionRef e, LevelRef l) =>
        Lists.ToDictionary(
            p => p.Key,
            p => p.Key != major ? p.Value : p.Value with { Entries = [.. p.Value.Entries.Where(x => !(x.Edition == e && x.Level == l))] }
        );

    private static Dictionary<int, PriceListSnapshot> With(int major, EditionRef e, LevelRef l, decimal price) =>
        Lists.ToDictionary(
            p => p.Key,
            p =>
                p.Key != major
                    ? p.Value
                    : p.Value with
                    {
                        Entries = [.. p.Value.Entries.Select(x => x.Edition == e && x.Level == l ? x with { LicensePrice = price } : x)],
                    }
        );

    [Fact]
    public void Within_one_major_going_A_to_B_then_B_to_C_costs_what_A_to_C_costs()
    {
        // Property: every chain of upward steps over the 12.x list adds up to the direct upgrade.
        var configurations = (
            from e in new[] { Pro, Ent }
            from l in new[] { L100, L250, L500 }
            from f in new[] { false, true }
            select C(e, l, f)
        ).ToList();
        bool Up(LicenseConfiguration a, LicenseConfiguration b) =>
            b.Edition.Rank >= a.Edition.Rank && b.Level.Rank >= a.Level.Rank && (b.HasFailover || !a.HasFailover) && a != b;
        var checkedChains = 0;
        foreach (var a in configurations)
            foreach (var b in configurations.Where(b => Up(a, b)))
                foreach (var c in configurations.Where(c => Up(b, c)))
                {
                    var direct = UpgradePricing.Price(Request(12, a, c)).Total;
                    var stepwise = UpgradePricing.Price(Request(12, a, b)).Total + UpgradePricing.Price(Request(12, b, c)).Total;
                    Assert.Equal(direct, stepwise);
                    checkedChains++;
                }
        Assert.True(checkedChains > 20);
    }

    [Fact]
    public void Every_total_is_rounded_to_cents_and_positive()
    {
        var odd = Lists.ToDictionary(
            p => p.Key,
            p => p.Value with { Entries = [.. p.Value.Entries.Select(e => e with { LicensePrice = e.LicensePrice + 0.333m })] }
        );
        odd[12] = odd[12] with
        {
            Entries = [.. odd[12].Entries.Select(e => e.Edition == Ent ? e with { LicensePrice = e.LicensePrice + 0.3355m } : e)],
        };

        var price = UpgradePricing.Price(Request(12, C(Pro, L250), C(Ent, L250), lists: odd));

        Assert.Equal(300.34m, price.Total);
        Assert.Equal(2, BitConverter.GetBytes(decimal.GetBits(price.Total)[3])[2]);
    }
}

public class MajorStepAndRenewalPricingTests
{
    private static readonly EditionRef Free = new(1, "Free", 0),
        Pro = new(2, "Professional", 1),
        Ent = new(3, "Enterprise", 2);
    private static readonly LevelRef L10 = new(11, "10 mailboxes", 0),
        L250 = new(13, "250 mailboxes", 2),
        L500 = new(14, "500 mailboxes", 3);
    private static readonly MajorRelease[] Majors = [new(10, new(2021, 4, 20)), new(11, new(2022, 11, 8)), new(12, new(2024, 3, 12))];
    private static readonly DateOnly Today = new(2026, 11, 26);

    /// <summary>Protection prices differ per major, so a test sees which list a line was priced on.</summary>
    private static PriceListSnapshot List(int major, decimal bump) =>
        new(
            major,
            [
                new(Free, L10, 0m, 0m, 0m),
                new(Pro, L250, 299m + bump, 149m + bump, 74.75m + bump),
                new(Pro, L500, 499m + bump, 249m + bump, 124.75m + bump),
                new(Ent, L250, 599m + bump, 299m + bump, 149.75m + bump),
                new(Ent, L500, 999m + bump, 499m + bump, 249.75m + bump),
            ]
        );

    private static readonly Dictionary<int, PriceListSnapshot> Lists = new()
    {
        [10] = List(10, -50m),
        [11] = List(11, -20m),
        [12] = List(12, 0m),
    };

    private static UpgradeRequest Request(
        int major,
        LicenseConfiguration current,
        LicenseConfiguration target,
        DateOnly? protection,
        bool toCurrentMajor = false,
        bool renew = false
    ) => new(1, "SmarterMail", major, current, protection, 1, target, Today, Majors, Lists, toCurrentMajor, renew);

    private static LicenseConfiguration C(EditionRef e, LevelRef l, bool failover = false) => new(e, l, failover);

    [Fact]
    public void A_plain_major_step_with_current_protection_is_free_and_keeps_the_end_date()
    {
        var price = UpgradePricing.Price(Request(10, C(Pro, L250), C(Pro, L250), new DateOnly(2027, 3, 31), toCurrentMajor: true));

        var step = Assert.Single(price.Lines);
        Assert.Equal((QuoteLineKind.MajorUpgrade, "Major upgrade 10.x → 12.x", 0m), (step.Kind, step.Title, step.Amount));
        Assert.Contains("Covered by upgrade protection, current until 2027-03-31", step.Reason);
        Assert.Equal(
            (10, 12, 0m, new DateOnly(2027, 3, 31), false),
            (price.FromMajor, price.ToMajor, price.Total, price.ProtectionEndsOnAfter, price.RenewsProtection)
        );
        Assert.Equal(price.From, price.To);
    }

    [Fact]
    public void A_plain_major_step_without_protection_charges_the_current_majors_protection_and_reinstates_it()
    {
        var price = UpgradePricing.Price(Request(11, C(Pro, L500), C(Pro, L500), new DateOnly(2026, 11, 25), toCurrentMajor: true));

        var step = Assert.Single(price.Lines);
        Assert.Equal(QuoteLineKind.MajorUpgrade, step.Kind);
        Assert.Equal(124.75m, step.Amount);
        Assert.Contains(
            "Upgrade protection lapsed on 2026-11-25: reinstating 12 months of protection at the 12.x price for Professional 500 mailboxes",
            step.Reason
        );
        Assert.Contains("12 months from the acceptance date (2027-11-26 if accepted today)", step.Reason);
        Assert.Equal(
            (12, 124.75m, new DateOnly(2027, 11, 26), true),
            (price.ToMajor, price.Total, price.ProtectionEndsOnAfter, price.RenewsProtection)
        );
    }

    [Fact]
    public void A_plain_major_step_for_a_license_that_never_had_protection_says_so()
    {
        var step = Assert.Single(
            UpgradePricing.Price(Request(10, C(Ent, L250, true), C(Ent, L250, true), null, toCurrentMajor: true)).Lines
        );

        Assert.StartsWith("The license has no upgrade protection: reinstating 12 months", step.Reason);
        // Protection is priced per edition and level: failover does not change it.
        Assert.Equal(149.75m, step.Amount);
    }

    [Fact]
    public void Asking_for_the_major_step_beside_a_change_prices_exactly_the_change()
    {
        var plain = UpgradePricing.Price(Request(10, C(Pro, L250), C(Ent, L250), null));
        var asked = UpgradePricing.Price(Request(10, C(Pro, L250), C(Ent, L250), null, toCurrentMajor: true));

        Assert.Equal(plain, asked with { Lines = plain.Lines });
        Assert.Equal(plain.Lines, asked.Lines);
    }

    [Fact]
    public void Renewing_current_protection_runs_on_from_the_end_date_at_the_current_majors_price()
    {
        var price = UpgradePricing.Price(Request(12, C(Pro, L250), C(Pro, L250), new DateOnly(2027, 1, 15), renew: true));

        var line = Assert.Single(price.Lines);
        Assert.Equal(
            (QuoteLineKind.ProtectionRenewal, "Upgrade protection renewal, 12 months", 74.75m),
            (line.Kind, line.Title, line.Amount)
        );
        Assert.Equal(
            "12 months at the 12.x price for Professional 250 mailboxes. Protection is current until 2027-01-15: accepted by then, the "
                + "new period runs on from that date to 2028-01-15, no day lost; "
                + "accepted later, it runs 12 months from the acceptance date.",
            line.Reason
        );
        Assert.Equal(
            (12, 12, new DateOnly(2028, 1, 15), true),
            (price.FromMajor, price.ToMajor, price.ProtectionEndsOnAfter, price.RenewsProtection)
        );
    }

    [Fact]
    public void Renewing_lapsed_protection_reinstates_it_from_the_acceptance_date()
    {
        var price = UpgradePricing.Price(Request(12, C(Ent, L500), C(Ent, L500), new DateOnly(2026, 10, 1), renew: true));

        var line = Assert.Single(price.Lines);
        Assert.Equal(("Upgrade protection reinstated, 12 months", 249.75m), (line.Title, line.Amount));
        Assert.Contains(
            "Protection lapsed on 2026-10-01: it runs 12 months from the acceptance date (2027-11-26 if accepted today).",
            line.Reason
        );
        Assert.Equal(new DateOnly(2027, 11, 26), price.ProtectionEndsOnAfter);
    }

    [Fact]
    public void Buying_protection_for_a_license_without_it_runs_from_the_acceptance_date()
    {
        var line = Assert.Single(UpgradePricing.Price(Request(12, C(Pro, L250), C(Pro, L250), null, renew: true)).Lines);

        Assert.Equal("Upgrade protection, 12 months", line.Title);
        Assert.Contains("The license has no upgrade protection", line.Reason);
    }

    [Fact]
    public void A_license_on_an_older_major_can_renew_and_stay_on_its_major_at_the_current_majors_price()
    {
        var price = UpgradePricing.Price(Request(11, C(Pro, L250), C(Pro, L250), new DateOnly(2027, 2, 1), renew: true));

        Assert.Equal((11, 11), (price.FromMajor, price.ToMajor));
        Assert.Equal(74.75m, Assert.Single(price.Lines).Amount);
        Assert.Contains("at the 12.x price", price.Lines[0].Reason);
    }

    [Fact]
    public void A_renewal_beside_an_upgrade_is_priced_for_the_configuration_after_the_quote()
    {
        var price = UpgradePricing.Price(Request(10, C(Pro, L250), C(Ent, L500), new DateOnly(2027, 2, 1), renew: true));

        Assert.Equal([QuoteLineKind.MajorUpgrade, QuoteLineKind.Change, QuoteLineKind.ProtectionRenewal], price.Lines.Select(l => l.Kind));
        Assert.Equal([0m, 700m, 249.75m], price.Lines.Select(l => l.Amount));
        Assert.Contains("12.x price for Enterprise 500 mailboxes", price.Lines[2].Reason);
        Assert.Equal(new DateOnly(2028, 2, 1), price.ProtectionEndsOnAfter);
    }

    [Fact]
    public void A_major_step_that_reinstates_protection_is_not_charged_a_renewal_as_well()
    {
        var price = UpgradePricing.Price(
            Request(10, C(Pro, L250), C(Pro, L250), new DateOnly(2025, 5, 1), toCurrentMajor: true, renew: true)
        );

        Assert.Equal(QuoteLineKind.MajorUpgrade, Assert.Single(price.Lines).Kind);
        Assert.Equal((74.75m, true, new DateOnly(2027, 11, 26)), (price.Total, price.RenewsProtection, price.ProtectionEndsOnAfter));
    }

    public static TheoryData<int, DateOnly?, bool, bool, bool> Every()
    {
        var data = new TheoryData<int, DateOnly?, bool, bool, bool>();
        DateOnly?[] protections = [null, new DateOnly(2026, 11, 25), Today, new DateOnly(2027, 6, 30)];
        foreach (var major in new[] { 10, 11, 12 })
            foreach (var protection in protections)
                foreach (var change in new[] { false, true })
                    foreach (var toCurrent in new[] { false, true })
                        foreach (var renew in new[] { false, true })
                            data.Add(major, protection, change, toCurrent, renew);
        return data;
    }

    [Theory]
    [MemberData(nameof(Every))]
    public void Every_combination_of_major_protection_change_and_renewal_prices_by_the_rules(
        int major,
        DateOnly? protection,
        bool change,
        bool toCurrent,
        bool renew
    )
    {
        var target = change ? C(Ent, L250) : C(Pro, L250);
        var request = Request(major, C(Pro, L250), target, protection, toCurrent, renew);
        var moves = major < 12 && (change || toCurrent);
        var current = Entitlements.ProtectionCurrent(protection, Today);

        if (!change && !moves && !renew)
        {
            Assert.StartsWith("Nothing changes", Assert.Throws<DomainException>(() => UpgradePricing.Price(request)).Message);
            return;
        }
        var price = UpgradePricing.Price(request);

        Assert.Equal(moves ? 12 : major, price.ToMajor);
        Assert.Equal(moves, price.Lines.Any(l => l.Kind == QuoteLineKind.MajorUpgrade));
        Assert.Equal(change, price.Lines.Any(l => l.Kind == QuoteLineKind.Change));
        var reinstates = moves && !current;
        Assert.Equal(renew || reinstates, price.RenewsProtection);
        // Protection is charged at most once per line, always at the current (12.x) price of Pro 250 or Ent 250.
        var charged = price.Lines.Where(l => l.Kind != QuoteLineKind.Change && l.Amount > 0).ToList();
        Assert.Equal(price.RenewsProtection ? 1 : 0, charged.Count);
        Assert.All(charged, l => Assert.Contains(l.Amount, new[] { 74.75m, 149.75m }));
        if (moves && current)
            Assert.Equal(0m, price.Lines.Single(l => l.Kind == QuoteLineKind.MajorUpgrade).Amount);
        Assert.Equal(price.RenewsProtection ? ProtectionRenewal.RenewedUntil(protection, Today) : protection, price.ProtectionEndsOnAfter);
        Assert.Equal(price.Lines.Sum(l => l.Amount), price.Total);
        Assert.All(price.Lines, l => Assert.False(string.IsNullOrWhiteSpace(l.Reason)));
    }
}
