namespace LicensePortal.Features.Licensing;

public sealed record MajorRelease(int Major, DateOnly ReleasedOn);

/// <summary>docs/RULES.md, Catalog and legacy: which major is current and which are legacy on a date.</summary>
public static class ReleaseCalendar
{
    /// <summary>The highest major released on or before <paramref name="date"/>; null before the first release.</summary>
    public static int? CurrentMajor(IEnumerable<MajorRelease> majors, DateOnly date) =>
        majors.Where(m => m.ReleasedOn <= date).Select(m => (int?)m.Major).Max();

    /// <summary>
    /// A major is legacy when at least two greater majors were released on or before the date.
    /// Releases are counted, not version numbers, which may skip.
    /// </summary>
    public static bool IsLegacy(int major, IEnumerable<MajorRelease> majors, DateOnly date) =>
        majors.Where(m => m.Major > major && m.ReleasedOn <= date).Select(m => m.Major).Distinct().Count() >= 2;

    /// <summary>The highest legacy major on the date (every major up to it is legacy), or null when none is.</summary>
    public static int? HighestLegacyMajor(IEnumerable<MajorRelease> majors, DateOnly date)
    {
        var released = majors.Where(m => m.ReleasedOn <= date).Select(m => m.Major).Distinct().OrderDescending().ToList();
        // The two newest released majors are supported; anything below the second newest is legacy.
        return released.Count >= 3 ? released[2] : null;
    }
}

public sealed record Entitlement(bool IsLegacy, int? CurrentMajor, bool ProtectionCurrent, IReadOnlyList<string> Lines);

/// <summary>What a license entitles its owner to, in words for the license page and quotes.</summary>
public static class Entitlements
{
    /// <summary>
    /// Upgrade protection is current on <paramref name="date"/> when the date is on or before its
    /// end date (dates in the vendor's time zone).
    /// </summary>
    public static bool ProtectionCurrent(DateOnly? protectionEndsOn, DateOnly date) => protectionEndsOn is { } end && date <= end;

    public static Entitlement For(int major, DateOnly? protectionEndsOn, IReadOnlyCollection<MajorRelease> majors, DateOnly date)
    {
        var legacy = ReleaseCalendar.IsLegacy(major, majors, date);
        var current = ReleaseCalendar.CurrentMajor(majors, date);
        var protection = ProtectionCurrent(protectionEndsOn, date);
        var lines = new List<string>
        {
            legacy
                ? $"Legacy: {major}.x gets no further minor updates, patches or bug fixes."
                : $"All {major}.x releases, patches and bug fixes at no charge.",
        };
        if (protection)
        {
            lines.Add(
                current > major
                    ? $"Free upgrade to {current}.x with upgrade protection until {protectionEndsOn:yyyy-MM-dd}."
                    : $"Next major free until {protectionEndsOn:yyyy-MM-dd} with upgrade protection."
            );
        }
        else if (protectionEndsOn is { } ended)
        {
            lines.Add($"Upgrade protection lapsed on {ended:yyyy-MM-dd}: a major upgrade needs protection reinstated.");
        }
        else
        {
            lines.Add("No upgrade protection: a major upgrade needs protection bought first.");
        }
        return new(legacy, current, protection, lines);
    }
}
