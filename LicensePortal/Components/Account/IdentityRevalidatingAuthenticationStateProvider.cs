using System.Security.Claims;
using LicensePortal.Data;
using LicensePortal.Features.SignIn;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace LicensePortal.Components.Account;

// Revalidates the connected user every minute an interactive circuit is connected: the security stamp,
// the lock and the roles, so a demoted or locked user loses the open circuit within a minute
// (docs/RULES.md, Who may do what), and one whose role now requires two-factor sign-in they have not set up. Sensitive service methods also
// check the current roles (CurrentRoles).
internal sealed class IdentityRevalidatingAuthenticationStateProvider(
    ILoggerFactory loggerFactory,
    IServiceScopeFactory scopeFactory,
    IOptions<IdentityOptions> options,
    IOptions<SignInSettings> signIn
) : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    protected override async Task<bool> ValidateAuthenticationStateAsync(
        AuthenticationState authenticationState,
        CancellationToken cancellationToken
    )
    {
        // Get the user manager from a new scope to ensure it fetches fresh data
        await using var scope = scopeFactory.CreateAsyncScope();
        var userManager = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        return await ValidateSecurityStampAsync(userManager, authenticationState.User);
    }

    private async Task<bool> ValidateSecurityStampAsync(UserManager<ApplicationUser> userManager, ClaimsPrincipal principal)
    {
        var user = await userManager.GetUserAsync(principal);
        if (user is null || await userManager.IsLockedOutAsync(user))
        {
            return false;
        }
        var roles = await userManager.GetRolesAsync(user);
        var claimed = principal.FindAll(options.Value.ClaimsIdentity.RoleClaimType).Select(c => c.Value);
        if (!roles.ToHashSet().SetEquals(claimed))
        {
            return false;
        }
        // A session from before the role required two-factor sign-in ends, and the next sign-in sets it up.
        if (!user.TwoFactorEnabled && signIn.Value.RequiresTwoFactor(roles))
        {
            return false;
        }
        else if (!userManager.SupportsUserSecurityStamp)
        {
            return true;
        }
        else
        {
            var principalStamp = principal.FindFirstValue(options.Value.ClaimsIdentity.SecurityStampClaimType);
            var userStamp = await userManager.GetSecurityStampAsync(user);
            return principalStamp == userStamp;
        }
    }
}
