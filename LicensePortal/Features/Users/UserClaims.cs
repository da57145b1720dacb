using System.Security.Claims;
using LicensePortal.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace LicensePortal.Infrastructure;

public static class UserClaims
{
    public const string DisplayName = "portal:display_name";

    /// <summary>"on" when the user had two-factor sign-in when this sign-in was made (turning it on or off renews the sign-in).</summary>
    public const string TwoFactor = "portal:two_factor";
}

/// <summary>Puts the display name (so the app bar needs no query) and whether two-factor sign-in is on in the sign-in cookie.</summary>
internal sealed class PortalClaimsFactory(
    UserManager<ApplicationUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<ApplicationUser, IdentityRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(ApplicationUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(UserClaims.DisplayName, string.IsNullOrWhiteSpace(user.DisplayName) ? user.Email ?? "" : user.DisplayName));
        if (user.TwoFactorEnabled) identity.AddClaim(new Claim(UserClaims.TwoFactor, "on"));
        return identity;
    }
}

/// <summary>
/// ASP.NET Core Identity stamps lockout ends from the system clock and takes no TimeProvider,
/// so anything compared with LockoutEnd must read the same clock.
/// </summary>
public static class IdentityClock
{
    public static DateTimeOffset Now => TimeProvider.System.GetUtcNow();
}
