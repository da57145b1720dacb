namespace LicensePortal.Features.Users;

/// <summary>
/// ASP.NET Core Identity stamps lockout ends from the system clock and takes no TimeProvider,
/// so anything compared with LockoutEnd must read the same clock.
/// </summary>
public static class IdentityClock
{
    public static DateTimeOffset Now => TimeProvider.System.GetUtcNow();
}
