using System.Security.Claims;
using LicensePortal.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace LicensePortal.Features.Users;

/// <summary>Puts the display name (so the app bar needs no query) and whether two-factor sign-in is on in the sign-in cookie.</summary>
internal sealed class PortalClaimsFactory(
    UserManager<ApplicationUser> users,
    RoleManager<IdentityRole> roles,
    IOptions<IdentityOptions> options
) : UserClaimsPrincipalFactory<ApplicationUser, IdentityRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(ApplicationUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(
            new Claim(UserClaims.DisplayName, string.IsNullOrWhiteSpace(user.DisplayName) ? user.Email ?? "" : user.DisplayName)
        );
        if (user.TwoFactorEnabled)
            identity.AddClaim(new Claim(UserClaims.TwoFactor, "on"));
        return identity;
    }
}
