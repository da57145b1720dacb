using LicensePortal.Features.Installations;

namespace LicensePortal.Features.Fraud;

/// <summary>
/// How long ago an open case was opened, in whole vendor days, split at half the case deadline and at the deadline
/// itself (Installations:CaseDeadlineDays), so the case queue's filter and the dashboard follow the setting.
/// </summary>
public enum CaseAge
{
    UnderHalfDeadline,
    HalfToDeadline,
    DeadlineOrMore,
}

public static class CaseAges
{
    /// <summary>The days at which the buckets change: half the deadline (at least one day), and the deadline.</summary>
    public static (int Half, int Deadline) Bounds(InstallationOptions options) =>
        (Math.Max(1, options.CaseDeadlineDays / 2), options.CaseDeadlineDays);

    /// <summary>A case-age filter from a link, also the names links used before the buckets followed the deadline.</summary>
    public static CaseAge? Parse(string? name) =>
        name?.ToLowerInvariant() switch
        {
            "undersevendays" => CaseAge.UnderHalfDeadline,
            "seventofourteendays" => CaseAge.HalfToDeadline,
            "fourteendaysormore" => CaseAge.DeadlineOrMore,
            _ => Enum.TryParse<CaseAge>(name, true, out var age) ? age : null,
        };

    public static string Label(CaseAge age, InstallationOptions options)
    {
        var (half, deadline) = Bounds(options);
        return age switch
        {
            CaseAge.UnderHalfDeadline => $"Under {half} days",
            CaseAge.HalfToDeadline => half < deadline - 1 ? $"{half} to {deadline - 1} days" : $"{half} days",
            _ => $"{deadline} days or more",
        };
    }
}
