using LicensePortal.Features.Licensing;
using LicensePortal.Infrastructure;

namespace LicensePortal.Features.Catalog;

public sealed record ReleaseFacts(int Major, int Minor, DateOnly ReleasedOn);

/// <summary>Checks on catalog edits: each refuses a bad edit with a <see cref="DomainException"/> whose message says what is
/// wrong.</summary>
public static class CatalogRules
{
    public const int MaxNameLength = 50,
        MaxDescriptionLength = 1000,
        MaxNotesLength = 500;
    public const string UnitMessage = "Enter what a level counts, e.g. \"mailboxes\".";
    public const string DescriptionMessage = "Describe what the edition adds, so sales can explain it to a customer.";
    public const string CapacityMessage = "A level's capacity must be at least 1, or empty for unlimited.";
    public const string MajorMessage = "The major version must be 1 or higher.";
    public const string MinorMessage = "The minor version can't be negative.";

    private static string Article(string noun) => "aeiou".Contains(char.ToLowerInvariant(noun[0])) ? "an" : "a";

    public static void RequireName(string? name, string what, IEnumerable<string> others)
    {
        if (string.IsNullOrWhiteSpace(name))
            throw new DomainException($"Enter a name for the {what}.");
        TextLimit.Check(name, MaxNameLength, $"{what} name");
        if (others.Any(o => string.Equals(o, name.Trim(), StringComparison.OrdinalIgnoreCase)))
            throw new DomainException(Sentence.End($"There is already {Article(what)} {what} called {name.Trim()}"));
    }

    /// <summary>
    /// A new release must not repeat a version, and its date must keep the history in order:
    /// majors in order of their numbers, a major's minors after it and in order of theirs.
    /// Legacy majors get no minor releases (docs/RULES.md, Catalog and legacy).
    /// </summary>
    public static void RequireRelease(IReadOnlyCollection<ReleaseFacts> existing, ReleaseFacts added)
    {
        if (added.Major < 1)
            throw new DomainException(MajorMessage);
        if (added.Minor < 0)
            throw new DomainException(MinorMessage);
        if (existing.Any(r => r.Major == added.Major && r.Minor == added.Minor))
            throw new DomainException($"Version {added.Major}.{added.Minor} already exists.");

        var label = $"{added.Major}.{added.Minor}";
        if (added.Minor == 0)
        {
            var earlier = existing.Where(r => r.Minor == 0 && r.Major < added.Major).MaxBy(r => r.Major);
            var later = existing.Where(r => r.Minor == 0 && r.Major > added.Major).MinBy(r => r.Major);
            if (earlier is not null && added.ReleasedOn <= earlier.ReleasedOn)
                throw new DomainException(
                    $"The release date of {label} is out of order: it must be after {earlier.Major}.0 ({earlier.ReleasedOn:yyyy-MM-dd})."
                );
            if (later is not null && added.ReleasedOn >= later.ReleasedOn)
                throw new DomainException(
                    $"The release date of {label} is out of order: it must be before {later.Major}.0 ({later.ReleasedOn:yyyy-MM-dd})."
                );
            return;
        }

        var major = existing.FirstOrDefault(r => r.Major == added.Major && r.Minor == 0);
        if (major is null)
            throw new DomainException($"Add the {added.Major}.0 major release before its minor releases.");
        var before = existing.Where(r => r.Major == added.Major && r.Minor < added.Minor).MaxBy(r => r.Minor)!;
        var after = existing.Where(r => r.Major == added.Major && r.Minor > added.Minor).MinBy(r => r.Minor);
        if (added.ReleasedOn < before.ReleasedOn)
            throw new DomainException(
                $"The release date of {label} is out of order: it must be on or after {before.Major}.{before.Minor} "
                    + $"({before.ReleasedOn:yyyy-MM-dd})."
            );
        if (after is not null && added.ReleasedOn > after.ReleasedOn)
            throw new DomainException(
                $"The release date of {label} is out of order: it must be on or before {after.Major}.{after.Minor} "
                    + $"({after.ReleasedOn:yyyy-MM-dd})."
            );
        var majors = existing.Where(r => r.Minor == 0).Select(r => new MajorRelease(r.Major, r.ReleasedOn)).ToList();
        if (ReleaseCalendar.IsLegacy(added.Major, majors, added.ReleasedOn))
            throw new DomainException(
                $"{added.Major}.x is legacy on {added.ReleasedOn:yyyy-MM-dd}: legacy majors get no further minor releases."
            );
    }

    /// <summary>
    /// Every price of a price list is dollars and cents, zero or more, and a sold entry has all three: refused with
    /// every bad entry named at once, so the admin fixes the grid in one go.
    /// </summary>
    public static void RequirePrices(IEnumerable<(string Entry, decimal? License, decimal? Failover, decimal? Protection)> sold)
    {
        var problems = new List<string>();
        foreach (var (entry, license, failover, protection) in sold)
        {
            if (license is not { } l || failover is not { } f || protection is not { } p)
            {
                problems.Add($"{entry}: enter all three prices, or none if it is not sold.");
                continue;
            }
            problems.AddRange(
                new[]
                {
                    PriceProblem(l, "The license price"),
                    PriceProblem(f, "The failover add-on"),
                    PriceProblem(p, "The protection price"),
                }
                    .OfType<string>()
                    .Select(problem => $"{entry}: {problem}")
            );
        }
        if (problems.Count > 0)
            throw new DomainException(string.Join(" ", problems));
    }

    /// <summary>
    /// What is wrong with one price, or null: for the checks that list every problem of a grid or a file together
    /// (<see cref="RequirePrices"/>, the CSV import's report) rather than stop at the first.
    /// </summary>
    public static string? PriceProblem(decimal price, string what)
    {
        if (price < 0)
            return $"{what} can't be negative.";
        if (decimal.Round(price, 2) != price)
            return $"{what} must be in whole cents.";
        if (price > 10_000_000m)
            return $"{what} is too large.";
        return null;
    }
}
