using System.Globalization;
using LicensePortal.Data;
using LicensePortal.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;

namespace LicensePortal.Features.SignIn;

/// <summary>
/// Setting up, renewing and turning off the authenticator. Each set-up page offers a key of its own, sealed into the form
/// (<see cref="AuthenticatorOffer"/>) and stored only when a code from it works: whoever opened the page before the user
/// (with a welcome password, say) saw a key that is never used.
/// </summary>
public sealed class AuthenticatorSetup(
    SignInFlow flow,
    SignInGuard guard,
    UserManager<ApplicationUser> users,
    IUserStore<ApplicationUser> store,
    AppDbContext db,
    IDataProtectionProvider protection,
    TimeProvider clock
)
{
    /// <summary>How long a set-up page's key may be confirmed.</summary>
    public static readonly TimeSpan OfferLifetime = TimeSpan.FromMinutes(30);

    private readonly IDataProtector protector = protection.CreateProtector("LicensePortal.AuthenticatorOffer.v1");

    /// <summary>A fresh key for one set-up page, and the sealed form of it that the page posts back.</summary>
    public AuthenticatorOffer NewOffer(ApplicationUser user)
    {
        var key = users.GenerateNewAuthenticatorKey();
        var expires = clock.GetUtcNow().Add(OfferLifetime).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return new(key, protector.Protect(string.Join('|', user.Id, user.SecurityStamp ?? "", expires, key)));
    }

    /// <summary>The offer a page posted back, when it is this user's, unchanged, within its lifetime and from before any
    /// password reset or other change of the security stamp; else a fresh one.</summary>
    public AuthenticatorOffer OfferFor(ApplicationUser user, string? sealedOffer) => Open(user, sealedOffer) ?? NewOffer(user);

    private AuthenticatorOffer? Open(ApplicationUser user, string? sealedOffer)
    {
        if (string.IsNullOrEmpty(sealedOffer))
            return null;
        string[] parts;
        try
        {
            parts = protector.Unprotect(sealedOffer).Split('|');
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
        return parts.Length == 4
            && parts[0] == user.Id
            && parts[1] == (user.SecurityStamp ?? "")
            && long.TryParse(parts[2], CultureInfo.InvariantCulture, out var expires)
            && clock.GetUtcNow().ToUnixTimeSeconds() < expires
            ? new(parts[3], sealedOffer)
            : null;
    }

    /// <summary>
    /// Turns the authenticator on with the offered key once the user types a code it shows: key, two-factor flag, the code's
    /// time step (so it cannot be typed again) and ten new recovery codes in one transaction; or refuses with a
    /// <see cref="DomainException"/>. A pending sign-in goes on: password and code are both proved now.
    /// </summary>
    public async Task<IReadOnlyList<string>> EnableAsync(
        ApplicationUser user,
        string code,
        string? sealedOffer,
        bool completePendingSignIn,
        bool remember
    )
    {
        if (user.TwoFactorEnabled)
            throw new DomainException("Two-factor sign-in is already on.");
        if (!guard.TryAttempt(flow.Address))
            throw new DomainException(SignInFlow.TooMany);
        var account = user.Email ?? user.Id;
        if (guard.TryBegin(account, flow.Address) is { } left)
            throw new DomainException(SignInFlow.BarredMessage(left));
        var offer = Open(user, sealedOffer) ?? throw new DomainException(OfferExpired);
        if (TotpCode.MatchingStep(offer.Key, code.Replace(" ", "").Replace("-", ""), clock.GetUtcNow()) is not { } step)
            throw new DomainException(SignInFlow.WrongCode);
        guard.Succeeded(account, flow.Address);
        await using var tx = await db.Database.BeginTransactionAsync();
        await ((IUserAuthenticatorKeyStore<ApplicationUser>)store).SetAuthenticatorKeyAsync(user, offer.Key, default);
        var result = await users.SetTwoFactorEnabledAsync(user, true);
        if (flow.IsConcurrencyFailure(result))
            throw new DomainException(SignInFlow.ChangedMeanwhile);
        if (!result.Succeeded || !await PortalAuthenticatorTokenProvider.AcceptStepAsync(users, user, step))
            throw new DomainException(SignInFlow.ChangedMeanwhile);
        var codes =
            (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10))?.ToList()
            ?? throw new InvalidOperationException($"No recovery codes could be made for {user.Email}.");
        await flow.AuditAsync(user, "Two-factor sign-in turned on", new { TwoFactor = false }, new { TwoFactor = true });
        await tx.CommitAsync();
        if (completePendingSignIn)
            await flow.ContinueAsync(user, remember);
        else
            await flow.RefreshSignInAsync(user);
        return codes;
    }

    public const string OfferExpired =
        "This set-up page has expired or your account changed meanwhile: scan the new key shown now and type its code.";

    /// <summary>Ten new recovery codes for a signed-in user who types a current code; the old ones stop working.</summary>
    public async Task<IReadOnlyList<string>> NewRecoveryCodesAsync(ApplicationUser user, string code)
    {
        if (!user.TwoFactorEnabled)
            throw new DomainException("Two-factor sign-in is off: turn it on first.");
        await flow.RequireCodeAsync(user, code);
        await using var tx = await db.Database.BeginTransactionAsync();
        var codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10))!.ToList();
        await flow.AuditAsync(user, "Recovery codes replaced", null, new { RecoveryCodes = codes.Count });
        await tx.CommitAsync();
        return codes;
    }

    /// <summary>Turns the authenticator off for a user whose roles do not require it and who types a current code.</summary>
    public async Task DisableAsync(ApplicationUser user, string code)
    {
        if (flow.RequiresTwoFactor(await users.GetRolesAsync(user)))
            throw new DomainException(
                "Your role requires two-factor sign-in: it cannot be turned off. Ask an administrator to reset it if you lost your "
                    + "authenticator."
            );
        await flow.RequireCodeAsync(user, code);
        await using var tx = await db.Database.BeginTransactionAsync();
        var result = await users.SetTwoFactorEnabledAsync(user, false);
        if (flow.IsConcurrencyFailure(result))
            throw new DomainException(SignInFlow.ChangedMeanwhile);
        if (result.Succeeded)
            result = await users.ResetAuthenticatorKeyAsync(user);
        if (!result.Succeeded)
            throw new InvalidOperationException($"Two-factor sign-in could not be turned off for {user.Email}.");
        await flow.AuditAsync(user, "Two-factor sign-in turned off", new { TwoFactor = true }, new { TwoFactor = false });
        await tx.CommitAsync();
        await flow.RefreshSignInAsync(user);
    }
}

/// <summary>A key offered on one set-up page, and its sealed form (user, security stamp, expiry, key) that the page posts back.</summary>
public sealed record AuthenticatorOffer(string Key, string Sealed);
