using LicensePortal.Features.Installations;

namespace LicensePortal.Features.Licensing;

/// <summary>What a license's check-ins are told.</summary>
public enum StandingStatus { Active, Grace, Flagged, Disabled }

public sealed record InstallationFacts(DateTime FirstSeenAt, DateTime LastSeenAt, DateTime? ReleasedAt = null, DateTime? DecommissionedAt = null);

/// <summary>An open fraud case on the license, with a manager's extension of its deadline if any.</summary>
public sealed record CaseFacts(DateTime OpenedAt, DateTime? DeadlineExtendedTo = null);

public sealed record Standing(
    StandingStatus Status,
    int Allowance,
    int ActiveInstallations,
    TimeSpan OverAllowanceUsed,
    DateTime? OverAllowanceSince,
    DateTime? GraceEndsAt,
    DateTime? DisableAt,
    bool CaseDue,
    bool DisableDue)
{
    public bool OverAllowance => ActiveInstallations > Allowance;
    public double DaysUsed => OverAllowanceUsed.TotalDays;
}

/// <summary>DOMAIN.md, Installations: allowance, active installations, the 30-day migration window and the case deadline.</summary>
public static class InstallationStanding
{
    /// <summary>Active installations a license allows: one, or two with failover.</summary>
    public static int Allowance(bool hasFailover) => hasFailover ? 2 : 1;

    /// <summary>
    /// An installation is active when it has not been released or decommissioned and was seen
    /// within <see cref="InstallationOptions.ActiveWithinDays"/>.
    /// </summary>
    public static bool IsActive(InstallationFacts i, DateTime now, InstallationOptions options) =>
        i.ReleasedAt is null && i.DecommissionedAt is null && i.FirstSeenAt <= now && i.LastSeenAt >= now - options.ActiveWithin;

    /// <summary>
    /// The standing of a license at <paramref name="now"/>. Days over allowance add up over the
    /// look-back period (365 days by default), so a second migration in a year gets only what is
    /// left of the window. A disabled key answers disabled; an open case answers flagged with the
    /// disable date; a license over allowance answers grace until the window is used up, then
    /// flagged with <see cref="Standing.CaseDue"/> set so the monitor opens a case.
    /// </summary>
    public static Standing Evaluate(bool hasFailover, bool disabled, IReadOnlyCollection<InstallationFacts> installations, CaseFacts? openCase,
        DateTime now, InstallationOptions options)
    {
        var allowance = Allowance(hasFailover);
        var active = installations.Count(i => IsActive(i, now, options));
        var (used, since) = OverAllowance(installations, allowance, now, options);

        if (disabled)
            return new(StandingStatus.Disabled, allowance, active, used, since, null, null, false, false);

        if (openCase is not null)
        {
            var disableAt = openCase.DeadlineExtendedTo ?? openCase.OpenedAt + options.CaseDeadline;
            return new(StandingStatus.Flagged, allowance, active, used, since, null, disableAt, false, now >= disableAt);
        }

        if (active <= allowance)
            return new(StandingStatus.Active, allowance, active, used, since, null, null, false, false);

        var left = options.MigrationWindow - used;
        if (left > TimeSpan.Zero)
            return new(StandingStatus.Grace, allowance, active, used, since, now + left, null, false, false);

        // The window ran out at now + left (left <= 0); the case is due from that moment.
        var windowEnded = now + left;
        return new(StandingStatus.Flagged, allowance, active, used, since, windowEnded, windowEnded + options.CaseDeadline, true, false);
    }

    /// <summary>
    /// Time over allowance within the look-back period, and when the present stretch over
    /// allowance began (null when within allowance now). An installation counts from when it
    /// was first seen until it was released or decommissioned, or until it went unseen for the
    /// active period.
    /// </summary>
    public static (TimeSpan Used, DateTime? Since) OverAllowance(IReadOnlyCollection<InstallationFacts> installations, int allowance, DateTime now, InstallationOptions options)
    {
        var from = now - options.Lookback;
        var events = new List<(DateTime At, int Delta)>();
        foreach (var i in installations)
        {
            var end = Min(now, i.LastSeenAt + options.ActiveWithin, i.ReleasedAt ?? DateTime.MaxValue, i.DecommissionedAt ?? DateTime.MaxValue);
            var start = i.FirstSeenAt;
            if (end <= start || end <= from || start > now) continue;
            events.Add((start < from ? from : start, +1));
            if (end < now) events.Add((end, -1));
        }
        // Ends before starts at the same moment: a server replaced on the spot is not an overlap.
        events.Sort((a, b) => a.At != b.At ? a.At.CompareTo(b.At) : a.Delta.CompareTo(b.Delta));

        var used = TimeSpan.Zero;
        var count = 0;
        DateTime? overSince = null;
        foreach (var (at, delta) in events)
        {
            var wasOver = count > allowance;
            count += delta;
            var isOver = count > allowance;
            if (!wasOver && isOver) overSince = at;
            if (wasOver && !isOver)
            {
                used += at - overSince!.Value;
                overSince = null;
            }
        }
        if (overSince is { } open) used += now - open;
        return (used, overSince);
    }

    private static DateTime Min(params DateTime[] values) => values.Min();
}
