using System.Net;
using System.Security.Claims;
using LicensePortal.Data;
using LicensePortal.Features.Audit;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace LicensePortal.Features.SignIn;

/// <summary>Where a sign-in goes next.</summary>
public enum SignInStep { Portal, AuthenticatorCode, NewPassword, SetUpAuthenticator }

/// <summary>What an attempt led to: the next step, or a message saying why not (and whether it was one too many).</summary>
public sealed record SignInOutcome(SignInStep? Next, string? Error = null, bool TooManyAttempts = false)
{
    public static SignInOutcome Fail(string error) => new(null, error);
}

/// <summary>
/// The sign-in, step by step: the password; the authenticator code (or a recovery code) when the user has one; then
/// what the user still owes before getting in: a new password after an administrator's reset, and an authenticator
/// for roles that require one. Between the password and the last step the user holds only a short "pending" cookie
/// that the step pages accept and nothing else does. Every attempt goes through <see cref="SignInGuard"/>.
/// </summary>
public sealed class SignInFlow(
    PortalSignInManager signIn, UserManager<ApplicationUser> users, IUserStore<ApplicationUser> store, AppDbContext db, SignInGuard guard,
    IPasswordHasher<ApplicationUser> hasher, IOptions<SignInSettings> options, TimeProvider clock, ILogger<SignInFlow> logger)
{
    public const string PendingScheme = "Identity.PendingSignIn";
    public const string Failure = "The email or password is not correct.";
    public const string TooMany = "Too many sign-in attempts from your network. Wait a minute and try again.";
    public const string Expired = "Your sign-in has expired: sign in again with your email and password.";
    public const string WrongCode = "That code is not right. Codes change every 30 seconds: enter the one your app shows now.";
    public const string WrongRecoveryCode = "That recovery code is not right, or it has been used already.";
    private const string RememberClaim = "remember", StampClaim = "stamp";

    /// <summary>A hash to check unknown accounts' passwords against, so they take as long to refuse as known ones.</summary>
    private static string? decoy;

    private HttpContext Http => signIn.Context;
    private IPAddress? Address => Http.Connection.RemoteIpAddress;

    /// <summary>The page for a step, keeping where the user was going.</summary>
    public static string UrlFor(SignInStep step, string? returnUrl, bool remember = false)
    {
        var back = string.IsNullOrEmpty(returnUrl) ? "" : $"ReturnUrl={Uri.EscapeDataString(returnUrl)}";
        return step switch
        {
            SignInStep.AuthenticatorCode => $"Account/LoginWith2fa?RememberMe={remember}{(back == "" ? "" : "&" + back)}",
            SignInStep.NewPassword => $"Account/NewPassword{(back == "" ? "" : "?" + back)}",
            SignInStep.SetUpAuthenticator => $"Account/SetUpAuthenticator{(back == "" ? "" : "?" + back)}",
            _ => returnUrl ?? "",
        };
    }

    public async Task<SignInOutcome> PasswordAsync(string email, string password, bool remember)
    {
        if (!guard.TryAttempt(Address)) return new(null, TooMany, TooManyAttempts: true);
        var account = email.Trim();
        if (guard.BarredFor(account, Address) is { } left) return SignInOutcome.Fail(BarredMessage(left));
        var user = await users.FindByEmailAsync(account);
        if (user is null)
        {
            decoy ??= hasher.HashPassword(new ApplicationUser(), Guid.NewGuid().ToString());
            hasher.VerifyHashedPassword(new ApplicationUser(), decoy, password);
            return Failed(account);
        }
        var check = await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: false);
        // Only administrators lock accounts now; say so only to someone who knows the password.
        if (check.IsLockedOut)
            return await users.CheckPasswordAsync(user, password)
                ? SignInOutcome.Fail("This account is locked. Ask an administrator to unlock it.")
                : Failed(account);
        if (!check.Succeeded) return Failed(account);
        guard.Succeeded(account, Address);
        logger.LogInformation("{Email} entered the right password.", user.Email);
        if (user.TwoFactorEnabled)
        {
            await signIn.AskForAuthenticatorCodeAsync(user, remember);
            return new(SignInStep.AuthenticatorCode);
        }
        return await ContinueAsync(user, remember);
    }

    public async Task<SignInOutcome> AuthenticatorCodeAsync(string code, bool remember) =>
        await SecondFactorAsync(user => signIn.TwoFactorAuthenticatorSignInAsync(Digits(code), remember, rememberClient: false), remember, WrongCode);

    public async Task<SignInOutcome> RecoveryCodeAsync(string code) =>
        await SecondFactorAsync(user => signIn.TwoFactorRecoveryCodeSignInAsync(code.Replace(" ", "")), remember: false, WrongRecoveryCode);

    private async Task<SignInOutcome> SecondFactorAsync(Func<ApplicationUser, Task<SignInResult>> attempt, bool remember, string wrong)
    {
        if (!guard.TryAttempt(Address)) return new(null, TooMany, TooManyAttempts: true);
        var user = await signIn.GetTwoFactorAuthenticationUserAsync();
        if (user is null) return SignInOutcome.Fail(Expired);
        var account = user.Email ?? user.Id;
        if (guard.BarredFor(account, Address) is { } left) return SignInOutcome.Fail(BarredMessage(left));
        var result = await attempt(user);
        if (result.IsLockedOut) return SignInOutcome.Fail("This account is locked. Ask an administrator to unlock it.");
        if (!result.Succeeded)
        {
            guard.Failed(account, Address);
            return SignInOutcome.Fail(wrong);
        }
        guard.Succeeded(account, Address);
        // Identity signed the user in; a step still owed takes that back until it is done.
        if (StepOwed(user, await users.GetRolesAsync(user)) is null) return new(SignInStep.Portal);
        await signIn.SignOutAsync();
        return await ContinueAsync(user, remember);
    }

    /// <summary>The user who proved their password (and code) but still owes a step, or null when the pending sign-in expired.</summary>
    public async Task<(ApplicationUser User, bool Remember)?> PendingAsync()
    {
        var pending = await Http.AuthenticateAsync(PendingScheme);
        if (!pending.Succeeded) return null;
        var user = await users.FindByIdAsync(pending.Principal.FindFirstValue(ClaimTypes.NameIdentifier) ?? "");
        // A reset or a lock in between voids it.
        if (user is null || user.SecurityStamp != pending.Principal.FindFirstValue(StampClaim) || await users.IsLockedOutAsync(user)) return null;
        return (user, pending.Principal.FindFirstValue(RememberClaim) == "true");
    }

    /// <summary>The new password a user chooses after an administrator reset theirs; then the next step.</summary>
    public async Task<(SignInOutcome Outcome, IReadOnlyList<string> Errors)> SetNewPasswordAsync(ApplicationUser user, bool remember, string password)
    {
        if (user.PasswordHash is not null && hasher.VerifyHashedPassword(user, user.PasswordHash, password) != PasswordVerificationResult.Failed)
            return (new(null), ["Choose a password different from the one the administrator gave you."]);
        user.MustChangePassword = false;
        var result = await users.ResetPasswordAsync(user, await users.GeneratePasswordResetTokenAsync(user), password);
        if (!result.Succeeded)
        {
            user.MustChangePassword = true;
            return (new(null), [.. result.Errors.Select(e => e.Description)]);
        }
        logger.LogInformation("{Email} chose a new password after a reset.", user.Email);
        return (await ContinueAsync(user, remember), []);
    }

    /// <summary>
    /// The user's authenticator key, made on first use (a shared secret: shown only to the user). Made without
    /// Identity's reset, which would change the security stamp and so end the very sign-in showing the key.
    /// </summary>
    public async Task<string> AuthenticatorKeyAsync(ApplicationUser user)
    {
        var key = await users.GetAuthenticatorKeyAsync(user);
        if (!string.IsNullOrEmpty(key)) return key;
        key = users.GenerateNewAuthenticatorKey();
        await ((IUserAuthenticatorKeyStore<ApplicationUser>)store).SetAuthenticatorKeyAsync(user, key, Http.RequestAborted);
        var saved = await users.UpdateAsync(user);
        if (!saved.Succeeded) throw new InvalidOperationException($"No authenticator key could be saved for {user.Email}.");
        return key;
    }

    /// <summary>
    /// Turns the authenticator on once the user types a code it shows, with ten new recovery codes, in one transaction.
    /// Null when the code is wrong. A pending sign-in is completed: password and code are both proved now.
    /// </summary>
    public async Task<IReadOnlyList<string>?> EnableAuthenticatorAsync(ApplicationUser user, string code, bool completePendingSignIn, bool remember)
    {
        if (!guard.TryAttempt(Address)) return null;
        if (!await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, Digits(code))) return null;
        await using var tx = await db.Database.BeginTransactionAsync();
        var result = await users.SetTwoFactorEnabledAsync(user, true);
        var codes = result.Succeeded ? (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10))?.ToList() : null;
        if (codes is null) throw new InvalidOperationException($"Two-factor sign-in could not be turned on for {user.Email}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
        await AuditAsync(user, "Two-factor sign-in turned on", new { TwoFactor = false }, new { TwoFactor = true });
        await tx.CommitAsync();
        if (completePendingSignIn)
        {
            await Http.SignOutAsync(PendingScheme);
            await signIn.SignInAsync(user, remember, authenticationMethod: "mfa");
        }
        else await signIn.RefreshSignInAsync(user);
        return codes;
    }

    /// <summary>Ten new recovery codes for a signed-in user; the old ones stop working.</summary>
    public async Task<IReadOnlyList<string>> NewRecoveryCodesAsync(ApplicationUser user)
    {
        await using var tx = await db.Database.BeginTransactionAsync();
        var codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10))!.ToList();
        await AuditAsync(user, "Recovery codes replaced", null, new { RecoveryCodes = codes.Count });
        await tx.CommitAsync();
        return codes;
    }

    /// <summary>Turns the authenticator off for a user whose roles do not require it; a new key is made for next time.</summary>
    public async Task<string?> DisableAuthenticatorAsync(ApplicationUser user)
    {
        if (options.Value.RequiresTwoFactor(await users.GetRolesAsync(user)))
            return "Your role requires two-factor sign-in: it cannot be turned off. Ask an administrator to reset it if you lost your authenticator.";
        await using var tx = await db.Database.BeginTransactionAsync();
        var result = await users.SetTwoFactorEnabledAsync(user, false);
        if (result.Succeeded) result = await users.ResetAuthenticatorKeyAsync(user);
        if (!result.Succeeded) throw new InvalidOperationException($"Two-factor sign-in could not be turned off for {user.Email}.");
        await AuditAsync(user, "Two-factor sign-in turned off", new { TwoFactor = true }, new { TwoFactor = false });
        await tx.CommitAsync();
        await signIn.RefreshSignInAsync(user);
        return null;
    }

    /// <summary>The step a user with the right password (and code) still owes, or null.</summary>
    public SignInStep? StepOwed(ApplicationUser user, IEnumerable<string> roles) =>
        user.MustChangePassword ? SignInStep.NewPassword
        : !user.TwoFactorEnabled && options.Value.RequiresTwoFactor(roles) ? SignInStep.SetUpAuthenticator
        : null;

    private async Task<SignInOutcome> ContinueAsync(ApplicationUser user, bool remember)
    {
        var step = StepOwed(user, await users.GetRolesAsync(user));
        if (step is null)
        {
            await Http.SignOutAsync(PendingScheme);
            await signIn.SignInAsync(user, remember);
            return new(SignInStep.Portal);
        }
        var pending = new ClaimsIdentity(
            [new(ClaimTypes.NameIdentifier, user.Id), new(StampClaim, user.SecurityStamp ?? ""), new(RememberClaim, remember ? "true" : "false")],
            PendingScheme);
        await Http.SignInAsync(PendingScheme, new ClaimsPrincipal(pending));
        return new(step);
    }

    private SignInOutcome Failed(string account)
    {
        guard.Failed(account, Address);
        return SignInOutcome.Fail(Failure);
    }

    private static string BarredMessage(TimeSpan left)
    {
        var minutes = Math.Max(1, (int)Math.Ceiling(left.TotalMinutes));
        return $"Too many failed sign-ins for this account from your network. Try again in {minutes} minute{(minutes == 1 ? "" : "s")}, or ask an administrator to reset your password.";
    }

    private static string Digits(string code) => code.Replace(" ", "").Replace("-", "");

    private async Task AuditAsync(ApplicationUser user, string action, object? before, object after)
    {
        var actor = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, user.UserName ?? user.Id)], "pending"));
        db.Audit(actor, clock.GetUtcNow().UtcDateTime, action, "User", user.Email ?? user.Id, before, after);
        await db.SaveChangesAsync();
    }
}
