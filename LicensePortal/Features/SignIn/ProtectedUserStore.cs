using LicensePortal.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;

namespace LicensePortal.Features.SignIn;

/// <summary>
/// Identity's store, with the two-factor secrets protected at rest (<see cref="TwoFactorSecrets"/>): whoever reads the
/// database or a backup finds neither a usable authenticator key without the data-protection keys nor any recovery code.
/// </summary>
public sealed class ProtectedUserStore(AppDbContext context, TwoFactorSecrets secrets, IdentityErrorDescriber? describer = null)
    : UserStore<ApplicationUser, IdentityRole, AppDbContext, string>(context, describer)
{
    public override Task SetAuthenticatorKeyAsync(ApplicationUser user, string key, CancellationToken cancellationToken) =>
        base.SetAuthenticatorKeyAsync(user, secrets.ProtectKey(key), cancellationToken);

    public override async Task<string?> GetAuthenticatorKeyAsync(ApplicationUser user, CancellationToken cancellationToken) =>
        secrets.ReadKey(await base.GetAuthenticatorKeyAsync(user, cancellationToken));

    public override Task ReplaceCodesAsync(ApplicationUser user, IEnumerable<string> recoveryCodes, CancellationToken cancellationToken) =>
        base.ReplaceCodesAsync(user, [.. recoveryCodes.Select(code => TwoFactorSecrets.HashCode(user.Id, code))], cancellationToken);

    public override async Task<bool> RedeemCodeAsync(ApplicationUser user, string code, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(code);
        var stored = (await GetTokenAsync(user, TwoFactorSecrets.StoreProvider, TwoFactorSecrets.CodesName, cancellationToken) ?? "")
            .Split(';', StringSplitOptions.RemoveEmptyEntries)
            .ToList();
        var index = TwoFactorSecrets.IndexOf(user.Id, stored, code);
        if (index < 0)
            return false;
        stored.RemoveAt(index);
        // The codes left are kept in their stored form; any plain ones left from before are hashed now.
        await SetTokenAsync(
            user,
            TwoFactorSecrets.StoreProvider,
            TwoFactorSecrets.CodesName,
            string.Join(';', stored.Select(c => TwoFactorSecrets.HashedForm(user.Id, c))),
            cancellationToken
        );
        return true;
    }
}
