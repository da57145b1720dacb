using LicensePortal.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace LicensePortal.Features.SignIn;

/// <summary>Identity's sign-in manager, opened up where the portal checks the password itself (SignInFlow).</summary>
public sealed class PortalSignInManager(
    UserManager<ApplicationUser> users,
    IHttpContextAccessor accessor,
    IUserClaimsPrincipalFactory<ApplicationUser> claims,
    IOptions<IdentityOptions> options,
    ILogger<SignInManager<ApplicationUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<ApplicationUser> confirmation
) : SignInManager<ApplicationUser>(users, accessor, claims, options, logger, schemes, confirmation)
{
    /// <summary>The password was right and the user has an authenticator: remember who it is for the code page.</summary>
    public Task<SignInResult> AskForAuthenticatorCodeAsync(ApplicationUser user, bool isPersistent) =>
        SignInOrTwoFactorAsync(user, isPersistent);
}
