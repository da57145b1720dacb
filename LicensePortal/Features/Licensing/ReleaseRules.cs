using LicensePortal.Features.Installations;

namespace LicensePortal.Features.Licensing;

/// <summary>Who asked for a release: the product's API call, or staff typing the code an offline server printed.</summary>
public enum ReleaseSource
{
    Product,
    ReleaseCode,
}

/// <summary>What became of a release (<see cref="ReleaseRules.Decide"/>, then a manager for the ones that wait).</summary>
public enum ReleaseVerdict
{
    /// <summary>The machine stops counting once the settle time has passed, unless it checks in before.</summary>
    Counts,

    /// <summary>Past the release limit: recorded and shown, but the machine counts until it goes stale.</summary>
    OverLimit,

    /// <summary>A release code past the offline limits: it waits in the fraud queue for a manager.</summary>
    AwaitingApproval,

    /// <summary>A manager let a waiting release code count.</summary>
    Approved,

    /// <summary>A manager refused a waiting release code: the server counts until its file expires.</summary>
    Refused,
}

/// <summary>An earlier release of the license, as the release rules read it.</summary>
public sealed record PastRelease(ReleaseSource Source, ReleaseVerdict Verdict, DateTime RequestedAt);

/// <summary>
/// A release is the product's word, trusted in moderation: anyone holding the key can send one, and an offline file's
/// release code can be read from the file.
/// </summary>
public static class ReleaseRules
{
    /// <summary>Release codes count toward <see cref="InstallationOptions.OfflineReleasesPerYear"/> over this period.</summary>
    public static readonly TimeSpan OfflineYear = TimeSpan.FromDays(365);

    /// <summary>
    /// The verdict on a release asked for at <paramref name="now"/>, given the license's earlier releases. At most
    /// <see cref="InstallationOptions.ReleaseLimit"/> releases count within <see cref="InstallationOptions.ReleaseLimitDays"/>
    /// (later ones are over the limit); a release code also waits for a manager past
    /// <see cref="InstallationOptions.OfflineReleasesPerYear"/> in a year, or past the release limit.
    /// </summary>
    public static ReleaseVerdict Decide(
        ReleaseSource source,
        IEnumerable<PastRelease> earlier,
        DateTime now,
        InstallationOptions options
    )
    {
        var past = earlier.ToList();
        var limitReached = CountedWithin(past, now, options) >= options.ReleaseLimit;
        if (source == ReleaseSource.ReleaseCode)
        {
            var codesThisYear = past.Count(r =>
                r.Source == ReleaseSource.ReleaseCode && r.Verdict == ReleaseVerdict.Counts && r.RequestedAt > now - OfflineYear
            );
            return limitReached || codesThisYear >= options.OfflineReleasesPerYear
                ? ReleaseVerdict.AwaitingApproval
                : ReleaseVerdict.Counts;
        }
        return limitReached ? ReleaseVerdict.OverLimit : ReleaseVerdict.Counts;
    }

    /// <summary>Releases that counted within the release-limit period before <paramref name="now"/>.</summary>
    public static int CountedWithin(IEnumerable<PastRelease> releases, DateTime now, InstallationOptions options) =>
        releases.Count(r =>
            r.Verdict is ReleaseVerdict.Counts or ReleaseVerdict.Approved && r.RequestedAt > now - options.ReleaseLimitPeriod
        );

    /// <summary>When a release asked for at <paramref name="requestedAt"/> stops the machine counting: after the settle time.</summary>
    public static DateTime SettlesAt(DateTime requestedAt, InstallationOptions options) => requestedAt + options.ReleaseSettle;
}
