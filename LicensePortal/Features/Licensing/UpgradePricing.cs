using LicensePortal.Infrastructure;

namespace LicensePortal.Features.Licensing;

public sealed record EditionRef(int Id, string Name, int Rank);

public sealed record LevelRef(int Id, string Name, int Rank);

public sealed record PriceEntry(EditionRef Edition, LevelRef Level, decimal LicensePrice, decimal FailoverPrice, decimal ProtectionPrice)
{
    /// <summary>What this configuration costs: the license, plus the failover add-on when included.</summary>
    public decimal Price(bool failover) => LicensePrice + (failover ? FailoverPrice : 0m);
}

/// <summary>One product major's price list as it stands on the quote date.</summary>
public sealed record PriceListSnapshot(int Major, IReadOnlyList<PriceEntry> Entries)
{
    public PriceEntry? Find(EditionRef edition, LevelRef level) =>
        Entries.FirstOrDefault(e => e.Edition.Id == edition.Id && e.Level.Id == level.Id);
}

public sealed record LicenseConfiguration(EditionRef Edition, LevelRef Level, bool HasFailover);

public sealed record UpgradeRequest(
    int ProductId,
    string ProductName,
    int LicenseMajor,
    LicenseConfiguration Current,
    DateOnly? ProtectionEndsOn,
    int TargetProductId,
    LicenseConfiguration Target,
    DateOnly QuoteDate,
    IReadOnlyCollection<MajorRelease> Majors,
    IReadOnlyDictionary<int, PriceListSnapshot> PriceLists,
    bool ToCurrentMajor = false,
    bool RenewProtection = false
);

/// <summary>Stored as numbers: new kinds go at the end.</summary>
public enum QuoteLineKind
{
    MajorUpgrade,
    Change,
    ProtectionRenewal,
}

public sealed record QuoteLine(QuoteLineKind Kind, string Title, string Reason, decimal? FromPrice, decimal? ToPrice, decimal Amount);

/// <summary>
/// The price of an upgrade; <see cref="From"/> and <see cref="To"/> name the configurations as quotes print them.
/// <see cref="RenewsProtection"/>: accepting renews (or reinstates) upgrade protection for 12 months, with the end date
/// the renewal rule gives on the acceptance date; <see cref="ProtectionEndsOnAfter"/> is that date if accepted on the quote date.
/// </summary>
public sealed record UpgradePrice(
    int FromMajor,
    int ToMajor,
    string From,
    string To,
    IReadOnlyList<QuoteLine> Lines,
    decimal Total,
    DateOnly? ProtectionEndsOnAfter,
    bool RenewsProtection
);

/// <summary>docs/RULES.md, Upgrades, renewals and reminders: what an edition, level or failover upgrade, a major step or a protection
/// renewal costs on a date.</summary>
public static class UpgradePricing
{
    /// <summary>
    /// Prices one license's line of a quote: any of a major step, a configuration change and a
    /// protection renewal, at least one of them.
    /// <list type="bullet">
    /// <item>Within the license's major a change costs the difference of the two configurations on that major's list.</item>
    /// <item>A license on an older major is brought to the current major when its configuration changes, or on its own
    /// when <see cref="UpgradeRequest.ToCurrentMajor"/> asks for it: free with protection current on the quote date,
    /// otherwise at the current major's 12-month protection price for its present configuration, which reinstates
    /// protection for 12 months; a change is then priced on the current major's list.</item>
    /// <item>A renewal (<see cref="UpgradeRequest.RenewProtection"/>) costs the current major's 12-month protection price
    /// for the configuration the license has after the quote; a reinstatement in the same line already is one, so it is not charged
    /// twice.</item>
    /// </list>
    /// Refusals throw <see cref="DomainException"/> with a message a sales rep can read to the customer.
    /// </summary>
    public static UpgradePrice Price(UpgradeRequest r)
    {
        if (r.TargetProductId != r.ProductId)
            throw new DomainException(
                $"A {r.ProductName} license can only be upgraded within {r.ProductName}; another product needs a new license."
            );
        CheckDirection(r.Current, r.Target);

        var currentMajor =
            ReleaseCalendar.CurrentMajor(r.Majors, r.QuoteDate)
            ?? throw new DomainException($"{r.ProductName} has no major release on or before {r.QuoteDate:yyyy-MM-dd}.");
        var latest = Math.Max(currentMajor, r.LicenseMajor);
        var changes = Changes(r.Current, r.Target);
        var moves = r.LicenseMajor < latest && (changes || r.ToCurrentMajor);
        if (!changes && !moves && !r.RenewProtection)
            throw new DomainException(
                r.LicenseMajor < latest
                    ? $"Nothing changes: choose a higher edition or level, add failover, move the license to {latest}.x or renew its "
                        + $"upgrade protection."
                    : "Nothing changes: choose a higher edition or level, add failover, or renew upgrade protection."
            );
        var toMajor = moves ? latest : r.LicenseMajor;
        var lines = new List<QuoteLine>();
        var renews = false;

        if (moves)
        {
            var present = Entry(PriceList(r, toMajor), r.Current, r.ProductName);
            if (Entitlements.ProtectionCurrent(r.ProtectionEndsOn, r.QuoteDate))
            {
                lines.Add(
                    new(
                        QuoteLineKind.MajorUpgrade,
                        $"Major upgrade {r.LicenseMajor}.x → {toMajor}.x",
                        $"Covered by upgrade protection, current until {r.ProtectionEndsOn:yyyy-MM-dd}.",
                        null,
                        null,
                        0m
                    )
                );
            }
            else
            {
                var why = r.ProtectionEndsOn is { } ended
                    ? $"Upgrade protection lapsed on {ended:yyyy-MM-dd}"
                    : "The license has no upgrade protection";
                lines.Add(
                    new(
                        QuoteLineKind.MajorUpgrade,
                        $"Major upgrade {r.LicenseMajor}.x → {toMajor}.x",
                        Sentence.End(
                            $"{why}: reinstating 12 months of protection at the {toMajor}.x price for "
                                + $"{present.Edition.Name} {present.Level.Name}"
                        )
                            + $" It runs 12 months from the acceptance date ({r.QuoteDate.AddMonths(ProtectionRenewal.Months):yyyy-MM-dd} "
                            + "if accepted today).",
                        null,
                        null,
                        Money(present.ProtectionPrice)
                    )
                );
                renews = true;
            }
        }

        if (changes)
        {
            var list = PriceList(r, toMajor);
            var from = Entry(list, r.Current, r.ProductName);
            var to = Entry(list, r.Target, r.ProductName);
            var fromPrice = from.Price(r.Current.HasFailover);
            var toPrice = to.Price(r.Target.HasFailover);
            var amount = Money(toPrice - fromPrice);
            if (amount <= 0)
                throw new DomainException(
                    $"The {toMajor}.x price list makes this upgrade cost nothing: {Describe(r.Target)} ({toPrice.Usd()}) is not dearer "
                        + $"than {Describe(r.Current)} ({fromPrice.Usd()}). Ask an admin to check the price list."
                );
            lines.Add(
                new(
                    QuoteLineKind.Change,
                    $"{Describe(r.Current)} → {Describe(r.Target)}",
                    $"Difference on the {toMajor}.x price list: {toPrice.Usd()} − "
                        + $"{fromPrice.Usd()}{(r.Target.HasFailover ? " (failover add-on included)" : "")}.",
                    fromPrice,
                    toPrice,
                    amount
                )
            );
        }

        if (r.RenewProtection && !renews)
        {
            lines.Add(RenewalLine(r, latest));
            renews = true;
        }

        var protectionAfter = renews ? ProtectionRenewal.RenewedUntil(r.ProtectionEndsOn, r.QuoteDate) : r.ProtectionEndsOn;
        return new(
            r.LicenseMajor,
            toMajor,
            Describe(r.Current),
            Describe(r.Target),
            lines,
            lines.Sum(l => l.Amount),
            protectionAfter,
            renews
        );
    }

    /// <summary>12 months of protection at the current major's price for the configuration the license has after the quote.</summary>
    private static QuoteLine RenewalLine(UpgradeRequest r, int latest)
    {
        var entry = Entry(PriceList(r, latest), r.Target, r.ProductName);
        var price = Money(entry.ProtectionPrice);
        var config = $"{entry.Edition.Name} {entry.Level.Name}";
        if (price <= 0)
            throw new DomainException(
                $"Upgrade protection for {config} costs nothing on the {r.ProductName} {latest}.x price list, so there is nothing to "
                    + $"renew. Ask an admin to check the price list if it should have a price."
            );
        // The configuration's names end the sentence and may end in a dot of their own.
        var at = Sentence.End($"12 months at the {latest}.x price for {config}");
        var fromToday = r.QuoteDate.AddMonths(ProtectionRenewal.Months);
        var (title, reason) = r.ProtectionEndsOn switch
        {
            { } end when Entitlements.ProtectionCurrent(end, r.QuoteDate) => (
                "Upgrade protection renewal, 12 months",
                $"{at} Protection is current until {end:yyyy-MM-dd}: accepted by then, the new period runs on from that date to "
                    + $"{end.AddMonths(ProtectionRenewal.Months):yyyy-MM-dd}, no day lost; accepted later, it runs 12 months from the "
                    + $"acceptance date."
            ),
            { } ended => (
                "Upgrade protection reinstated, 12 months",
                $"{at} Protection lapsed on {ended:yyyy-MM-dd}: it runs 12 months from the acceptance date "
                    + $"({fromToday:yyyy-MM-dd} if accepted today)."
            ),
            null => (
                "Upgrade protection, 12 months",
                $"{at} The license has no upgrade protection: it runs 12 months from the acceptance date "
                    + $"({fromToday:yyyy-MM-dd} if accepted today)."
            ),
        };
        return new(QuoteLineKind.ProtectionRenewal, title, reason, null, null, price);
    }

    private static bool Changes(LicenseConfiguration current, LicenseConfiguration target) =>
        target.Edition.Rank != current.Edition.Rank || target.Level.Rank != current.Level.Rank || target.HasFailover != current.HasFailover;

    private static void CheckDirection(LicenseConfiguration current, LicenseConfiguration target)
    {
        if (target.Edition.Rank < current.Edition.Rank)
            throw new DomainException(
                $"The edition can't go down from {current.Edition.Name} to {target.Edition.Name}: an upgrade only moves up."
            );
        if (target.Level.Rank < current.Level.Rank)
            throw new DomainException(
                $"The level can't go down from {current.Level.Name} to {target.Level.Name}: an upgrade only moves up."
            );
        if (current.HasFailover && !target.HasFailover)
            throw new DomainException("Failover can't be removed by an upgrade.");
    }

    private static PriceListSnapshot PriceList(UpgradeRequest r, int major) =>
        r.PriceLists.TryGetValue(major, out var list)
            ? list
            : throw new DomainException($"There is no {r.ProductName} {major}.x price list. Ask an admin to add it.");

    private static PriceEntry Entry(PriceListSnapshot list, LicenseConfiguration c, string product) =>
        list.Find(c.Edition, c.Level)
        ?? throw new DomainException(
            $"The {product} {list.Major}.x price list has no price for {c.Edition.Name} {c.Level.Name}. Ask an admin to add it."
        );

    private static string Describe(LicenseConfiguration c) => $"{c.Edition.Name} {c.Level.Name}{(c.HasFailover ? " with failover" : "")}";

    /// <summary>Money is rounded to cents, half away from zero.</summary>
    public static decimal Money(decimal amount) => decimal.Round(amount, 2, MidpointRounding.AwayFromZero);
}
