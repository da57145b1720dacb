using LicensePortal.Infrastructure;
using LicensePortal.Features.Licensing;

namespace LicensePortal.Features.Catalog;

public sealed record ReleaseFacts(int Major, int Minor, DateOnly ReleasedOn);

/// <summary>Checks on catalog edits. Each returns the message to show, or null when the edit is fine.</summary>
public static class CatalogRules
{
    public const int MaxNameLength = 50, MaxDescriptionLength = 1000, MaxNotesLength = 500;
    public const string UnitMessage = "Enter what a level counts, e.g. \"mailboxes\".";
    public const string DescriptionMessage = "Describe what the edition adds, so sales can explain it to a customer.";
    public const string CapacityMessage = "A level's capacity must be at least 1, or empty for unlimited.";
    public const string MajorMessage = "The major version must be 1 or higher.";
    public const string MinorMessage = "The minor version can't be negative.";

    public static string? CheckName(string? name, string what, IEnumerable<string> others)
    {
        if (string.IsNullOrWhiteSpace(name)) return $"Enter a name for the {what}.";
        if (TextLimit.Problem(name, MaxNameLength, $"{what} name") is { } tooLong) return tooLong;
        if (others.Any(o => string.Equals(o, name.Trim(), StringComparison.OrdinalIgnoreCase)))
            return Sentence.End($"There is already a {what} called {name.Trim()}");
        return null;
    }

    /// <summary>
    /// A new release must not repeat a version, and its date must keep the history in order:
    /// majors in order of their numbers, a major's minors after it and in order of theirs.
    /// Legacy majors get no minor releases (docs/RULES.md, Catalog and legacy).
    /// </summary>
    public static string? CheckRelease(IReadOnlyCollection<ReleaseFacts> existing, ReleaseFacts added)
    {
        if (added.Major < 1) return MajorMessage;
        if (added.Minor < 0) return MinorMessage;
        if (existing.Any(r => r.Major == added.Major && r.Minor == added.Minor))
            return $"Version {added.Major}.{added.Minor} already exists.";

        var label = $"{added.Major}.{added.Minor}";
        if (added.Minor == 0)
        {
            var earlier = existing.Where(r => r.Minor == 0 && r.Major < added.Major).MaxBy(r => r.Major);
            var later = existing.Where(r => r.Minor == 0 && r.Major > added.Major).MinBy(r => r.Major);
            if (earlier is not null && added.ReleasedOn <= earlier.ReleasedOn)
                return $"The release date of {label} is out of order: it must be after {earlier.Major}.0 ({earlier.ReleasedOn:yyyy-MM-dd}).";
            if (later is not null && added.ReleasedOn >= later.ReleasedOn)
                return $"The release date of {label} is out of order: it must be before {later.Major}.0 ({later.ReleasedOn:yyyy-MM-dd}).";
            return null;
        }

        var major = existing.FirstOrDefault(r => r.Major == added.Major && r.Minor == 0);
        if (major is null) return $"Add the {added.Major}.0 major release before its minor releases.";
        var before = existing.Where(r => r.Major == added.Major && r.Minor < added.Minor).MaxBy(r => r.Minor)!;
        var after = existing.Where(r => r.Major == added.Major && r.Minor > added.Minor).MinBy(r => r.Minor);
        if (added.ReleasedOn < before.ReleasedOn)
            return $"The release date of {label} is out of order: it must be on or after {before.Major}.{before.Minor} ({before.ReleasedOn:yyyy-MM-dd}).";
        if (after is not null && added.ReleasedOn > after.ReleasedOn)
            return $"The release date of {label} is out of order: it must be on or before {after.Major}.{after.Minor} ({after.ReleasedOn:yyyy-MM-dd}).";
        var majors = existing.Where(r => r.Minor == 0).Select(r => new MajorRelease(r.Major, r.ReleasedOn)).ToList();
        if (ReleaseCalendar.IsLegacy(added.Major, majors, added.ReleasedOn))
            return $"{added.Major}.x is legacy on {added.ReleasedOn:yyyy-MM-dd}: legacy majors get no further minor releases.";
        return null;
    }

    /// <summary>Prices are dollars and cents, zero or more.</summary>
    public static string? CheckPrice(decimal price, string what)
    {
        if (price < 0) return $"{what} can't be negative.";
        if (decimal.Round(price, 2) != price) return $"{what} must be in whole cents.";
        if (price > 10_000_000m) return $"{what} is too large.";
        return null;
    }
}
