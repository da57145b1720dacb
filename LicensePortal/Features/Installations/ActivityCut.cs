namespace LicensePortal.Features.Installations;

/// <summary>
/// The moment "active" is read at: <paramref name="Now"/>, and the oldest check-in that still counts
/// (<paramref name="SeenSince"/>, the active period before it). An installation activated offline counts while its
/// license file has not expired (<see cref="Installation.OfflineUntil"/> after <paramref name="Now"/>).
/// </summary>
public readonly record struct ActivityCut(DateTime Now, DateTime SeenSince)
{
    public static ActivityCut At(DateTime now, InstallationOptions options) => new(now, now - options.ActiveWithin);
}
