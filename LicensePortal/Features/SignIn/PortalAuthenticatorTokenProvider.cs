using System.Globalization;
using LicensePortal.Data;
using Microsoft.AspNetCore.Identity;

namespace LicensePortal.Features.SignIn;

/// <summary>
/// Identity's authenticator codes, on the portal's clock, and each good for one use: the last time step a user's code was
/// accepted is remembered, and a code of that step or an earlier one is refused, so a code seen over a shoulder or in
/// a proxy's log cannot be typed again within its window.
/// </summary>
public sealed class PortalAuthenticatorTokenProvider(TimeProvider clock) : IUserTwoFactorTokenProvider<ApplicationUser>
{
    public const string LoginProvider = "[LicensePortal]",
        LastStepName = "AuthenticatorLastStep";

    public async Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<ApplicationUser> manager, ApplicationUser user) =>
        !string.IsNullOrWhiteSpace(await manager.GetAuthenticatorKeyAsync(user));

    // The app makes the codes; the portal never sends one.
    public Task<string> GenerateAsync(string purpose, UserManager<ApplicationUser> manager, ApplicationUser user) =>
        Task.FromResult("");

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<ApplicationUser> manager, ApplicationUser user)
    {
        var key = await manager.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key) || TotpCode.MatchingStep(key, token, clock.GetUtcNow()) is not { } step)
            return false;
        return await AcceptStepAsync(manager, user, step);
    }

    /// <summary>Records <paramref name="step"/> as the user's last accepted one; false when it (or a later one) was accepted
    /// already, or another request recorded one meanwhile (the user's concurrency stamp).</summary>
    public static async Task<bool> AcceptStepAsync(UserManager<ApplicationUser> manager, ApplicationUser user, long step)
    {
        if (long.TryParse(await manager.GetAuthenticationTokenAsync(user, LoginProvider, LastStepName), out var last) && step <= last)
            return false;
        return (
            await manager.SetAuthenticationTokenAsync(user, LoginProvider, LastStepName, step.ToString(CultureInfo.InvariantCulture))
        ).Succeeded;
    }
}
