using LicensePortal.Features.Installations;

namespace LicensePortal.Features.Licensing;

/// <summary>What a license's check-ins are told.</summary>
public enum StandingStatus
{
    Active,
    Grace,
    Flagged,
    Disabled,
}

/// <summary>
/// One stint of an installation: from the check-in that started it until it was released,
/// decommissioned or went unseen for the active period. A machine back after a gap starts a new stint.
/// </summary>
/// <remarks><paramref name="OfflineUntil"/>: the stint was activated offline and counts until then without checking in.</remarks>
public sealed record InstallationFacts(
    DateTime StartedAt,
    DateTime LastSeenAt,
    DateTime? ReleasedAt = null,
    DateTime? DecommissionedAt = null,
    DateTime? OfflineUntil = null
);

/// <summary>An open fraud case on the license: when it opened and when its deadline (extended or not) falls.</summary>
public sealed record CaseFacts(DateTime OpenedAt, DateTime DeadlineAt);

/// <summary>
/// Everything the installation rules read about one license: its failover, whether it is disabled,
/// when its migration window was last restored (a false positive, a re-enabled key or a new owner),
/// its installations' stints within the look-back period and its open case.
/// </summary>
public sealed record LicenseFacts(
    bool HasFailover,
    bool Disabled,
    DateTime? WindowRestoredAt,
    IReadOnlyCollection<InstallationFacts> Stints,
    CaseFacts? OpenCase = null
);

public sealed record Standing(
    StandingStatus Status,
    int Allowance,
    int ActiveInstallations,
    TimeSpan OverAllowanceUsed,
    DateTime? OverAllowanceSince,
    DateTime? GraceEndsAt,
    DateTime? DisableAt,
    bool CaseDue,
    DateTime? CaseDeadline
)
{
    public bool OverAllowance => ActiveInstallations > Allowance;
    public double DaysUsed => OverAllowanceUsed.TotalDays;

    /// <summary>An open case whose license is back within its allowance: nobody needs to call.</summary>
    public bool BackWithinAllowance => Status == StandingStatus.Flagged && CaseDeadline is not null && !OverAllowance;

    /// <summary>The open case's deadline has passed.</summary>
    public bool DeadlinePassed(DateTime now) => CaseDeadline is { } deadline && now >= deadline;
}

/// <summary>The installation rules: allowance, active installations, the migration window and the case deadline.</summary>
public static class InstallationStanding
{
    /// <summary>Active installations a license allows without failover, and with it.</summary>
    public const int BaseAllowance = 1,
        FailoverAllowance = 2;

    /// <summary>Active installations a license allows: one, or two with failover.</summary>
    public static int Allowance(bool hasFailover) => hasFailover ? FailoverAllowance : BaseAllowance;

    /// <summary>
    /// The state an installation is in at <paramref name="now"/>: released, decommissioned, active
    /// (<see cref="IsActive"/>) or stale. Lists filter on it in SQL through <c>InstallationQueries</c>, built from the same parts.
    /// </summary>
    public static InstallationState StateOf(InstallationFacts i, DateTime now, InstallationOptions options) =>
        i.ReleasedAt <= now ? InstallationState.Released
        : i.DecommissionedAt is not null ? InstallationState.Decommissioned
        : IsActive(i, now, options) ? InstallationState.Active
        : InstallationState.Stale;

    /// <summary>
    /// An installation is active when it has not been released (a release counts once its settle time has passed) or
    /// decommissioned and was seen within <see cref="InstallationOptions.ActiveWithinDays"/>, or was activated offline and
    /// its license file has not expired.
    /// </summary>
    public static bool IsActive(InstallationFacts i, DateTime now, InstallationOptions options) =>
        !Released(i, now) && i.DecommissionedAt is null && i.StartedAt <= now && !IsSilent(i, now, options);

    /// <summary>The stint's release has taken effect (a release still settling has not).</summary>
    public static bool Released(InstallationFacts i, DateTime now) => i.ReleasedAt <= now;

    /// <summary>A release that has not taken effect yet: a check-in before <see cref="InstallationFacts.ReleasedAt"/> voids it.</summary>
    public static bool ReleaseSettling(InstallationFacts i, DateTime now) => i.ReleasedAt > now;

    /// <summary>Neither seen within the active period nor holding an unexpired offline license file.</summary>
    public static bool IsSilent(InstallationFacts i, DateTime now, InstallationOptions options) =>
        IsStale(i.LastSeenAt, now, options) && !OfflineCurrent(i.OfflineUntil, now);

    /// <summary>An offline license file that has not expired: the server counts without checking in.</summary>
    public static bool OfflineCurrent(DateTime? offlineUntil, DateTime now) => offlineUntil is { } until && now < until;

    /// <summary>Unseen for longer than the active period: a check-in from it now starts a new stint.</summary>
    public static bool IsStale(DateTime lastSeenAt, DateTime now, InstallationOptions options) => lastSeenAt < now - options.ActiveWithin;

    /// <summary>Whether a check-in at <paramref name="now"/> starts a new stint rather than continuing the present one.</summary>
    public static bool StartsNewStint(InstallationFacts current, DateTime now, InstallationOptions options) =>
        Released(current, now) || current.DecommissionedAt is not null || IsSilent(current, now, options);

    /// <summary>
    /// When a stint stopped counting: its release, its decommissioning, or the active period after it was last seen
    /// (or its offline license file's expiry, when that is later).
    /// </summary>
    public static DateTime EndOf(InstallationFacts i, InstallationOptions options) =>
        Min(
            Max(i.LastSeenAt + options.ActiveWithin, i.OfflineUntil ?? DateTime.MinValue),
            i.ReleasedAt ?? DateTime.MaxValue,
            i.DecommissionedAt ?? DateTime.MaxValue
        );

    /// <summary>
    /// The date the key is disabled when a case opens at <paramref name="openedAt"/> for a window
    /// that ran out at <paramref name="windowEnded"/>: the case deadline counts from the end of the
    /// window, so the date a product was told is the date the case shows whenever the monitor runs;
    /// a case opened late (the monitor was stopped) still leaves the customer half the deadline.
    /// </summary>
    public static DateTime DeadlineFor(DateTime windowEnded, DateTime openedAt, InstallationOptions options) =>
        Max(windowEnded + options.CaseDeadline, openedAt + options.CaseDeadline / 2);

    /// <summary>
    /// The standing of a license at <paramref name="now"/>. Days over allowance add up over the
    /// look-back period (365 days by default) from the stints of its installations, so a second
    /// migration in a year gets only what is left of the window, while time a machine was away never
    /// counts. A disabled key answers disabled; an open case answers flagged with the date the key
    /// will be disabled (none when the license is back within its allowance: then the case closes
    /// as resolved by the customer at its deadline); a license over allowance answers grace until
    /// the window is used up, then flagged with <see cref="Standing.CaseDue"/> set so the monitor opens a case.
    /// </summary>
    public static Standing Evaluate(LicenseFacts license, DateTime now, InstallationOptions options)
    {
        var allowance = Allowance(license.HasFailover);
        var active = license.Stints.Count(i => IsActive(i, now, options));
        var (used, since) = OverAllowance(license.Stints, allowance, license.WindowRestoredAt, now, options);

        if (license.Disabled)
            return new(StandingStatus.Disabled, allowance, active, used, since, null, null, false, null);

        if (license.OpenCase is { } openCase)
        {
            DateTime? disableAt = active > allowance ? openCase.DeadlineAt : null;
            return new(StandingStatus.Flagged, allowance, active, used, since, null, disableAt, false, openCase.DeadlineAt);
        }

        if (active <= allowance)
            return new(StandingStatus.Active, allowance, active, used, since, null, null, false, null);

        var left = options.MigrationWindow - used;
        if (left > TimeSpan.Zero)
            return new(StandingStatus.Grace, allowance, active, used, since, now + left, null, false, null);

        // The window ran out at now + left (left <= 0); the case is due from that moment.
        var windowEnded = now + left;
        return new(StandingStatus.Flagged, allowance, active, used, since, windowEnded, DeadlineFor(windowEnded, now, options), true, null);
    }

    /// <summary>
    /// Time over allowance within the look-back period (and since the window was last restored),
    /// and when the present stretch over allowance began (null when within allowance now). Each
    /// stint counts from its start until <see cref="EndOf"/>; the time between two stints of a
    /// machine never counts.
    /// </summary>
    public static (TimeSpan Used, DateTime? Since) OverAllowance(
        IReadOnlyCollection<InstallationFacts> stints,
        int allowance,
        DateTime? windowRestoredAt,
        DateTime now,
        InstallationOptions options
    )
    {
        var from = Max(now - options.Lookback, windowRestoredAt ?? DateTime.MinValue);
        var events = new List<(DateTime At, int Delta)>();
        foreach (var i in stints)
        {
            var end = Min(now, EndOf(i, options));
            var start = i.StartedAt;
            if (end <= start || end <= from || start > now)
                continue;
            events.Add((start < from ? from : start, +1));
            if (end < now)
                events.Add((end, -1));
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
            if (!wasOver && isOver)
                overSince = at;
            if (wasOver && !isOver)
            {
                used += at - overSince!.Value;
                overSince = null;
            }
        }
        if (overSince is { } open)
            used += now - open;
        return (used, overSince);
    }

    private static DateTime Min(params DateTime[] values) => values.Min();

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;
}
