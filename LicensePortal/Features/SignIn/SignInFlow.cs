using System.Net;
using System.Security.Claims;
using LicensePortal.Data;
using LicensePortal.Features.Users;
using LicensePortal.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LicensePortal.Features.SignIn;

/// <summary>
/// The sign-in, step by step: the password; the authenticator code (or a recovery code) when the user has one; then
/// what the user still owes before getting in: a new password after an administrator's reset, and an authenticator
/// for roles that require one. Between the password and the last step the user holds only a short "pending" cookie
/// that the step pages accept and nothing else does. Every attempt goes through <see cref="SignInGuard"/>.
/// </summary>
public sealed class SignInFlow(
    PortalSignInManager signIn,
    UserManager<ApplicationUser> users,
    IUserStore<ApplicationUser> store,
    AppDbContext db,
    SignInGuard guard,
    IPasswordHasher<ApplicationUser> hasher,
    IOptions<SignInSettings> options,
    TimeProvider clock,
    ILogger<SignInFlow> logger
)
{
    public const string PendingScheme = "Identity.PendingSignIn";
    public const string Failure = "The email or password is not correct.";
    public const string TooMany = "Too many sign-in attempts from your network. Wait a minute and try again.";
    public const string Expired = "Your sign-in has expired: sign in again with your email and password.";
    public const string WrongCode = "That code is not right. Codes change every 30 seconds: enter the one your app shows now.";
    public const string WrongRecoveryCode = "That recovery code is not right, or it has been used already.";
    private const string RememberClaim = "remember",
        StampClaim = "stamp";

    /// <summary>A hash to check unknown accounts' passwords against, so they take as long to refuse as known ones.</summary>
    private static readonly Lazy<string> Decoy = new(() =>
        new PasswordHasher<ApplicationUser>().HashPassword(new ApplicationUser(), Guid.NewGuid().ToString())
    );

    private HttpContext Http => signIn.Context;
    private IPAddress? Address => Http.Connection.RemoteIpAddress;

    /// <summary>The page for a step, keeping where the user was going (only an address inside the portal).</summary>
    public static string UrlFor(SignInStep step, string? returnUrl, bool remember = false)
    {
        var local = LocalOrNull(returnUrl);
        var back = local is null ? "" : $"ReturnUrl={Uri.EscapeDataString(local)}";
        return step switch
        {
            SignInStep.AuthenticatorCode => $"Account/LoginWith2fa?RememberMe={remember}{(back == "" ? "" : "&" + back)}",
            SignInStep.NewPassword => $"Account/NewPassword{(back == "" ? "" : "?" + back)}",
            SignInStep.SetUpAuthenticator => $"Account/SetUpAuthenticator{(back == "" ? "" : "?" + back)}",
            _ => local ?? "/",
        };
    }

    /// <summary>A return address inside the portal ("/licenses?x=1"), or null for anything else (another site, "//host",
    /// "/\\host").</summary>
    public static string? LocalOrNull(string? url) =>
        !string.IsNullOrEmpty(url)
        && url.StartsWith('/')
        && !url.StartsWith("//")
        && !url.StartsWith("/\\")
        && Uri.IsWellFormedUriString(url, UriKind.Relative)
            ? url
            : null;

    /// <summary>Forgets a half-finished sign-in (the code step, a pending step): on the sign-in page and at sign-out.</summary>
    public async Task ForgetHalfFinishedAsync()
    {
        await Http.SignOutAsync(PendingScheme);
        await Http.SignOutAsync(IdentityConstants.TwoFactorUserIdScheme);
    }

    public async Task<SignInOutcome> PasswordAsync(string email, string password, bool remember)
    {
        if (!guard.TryAttempt(Address))
            return new(null, TooMany, TooManyAttempts: true);
        var account = email.Trim();
        var user = await users.FindByEmailAsync(account);
        // A made-up account is counted in a shared bucket, so a flood of them keeps no entries yet is barred alike.
        if (guard.TryBegin(account, Address, exists: user is not null) is { } left)
            return SignInOutcome.Fail(BarredMessage(left));
        if (user is null)
        {
            hasher.VerifyHashedPassword(new ApplicationUser(), Decoy.Value, password);
            return SignInOutcome.Fail(Failure);
        }
        var check = await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: false);
        // Say an account is locked only to someone who knows its password.
        if (check.IsLockedOut)
            return await users.CheckPasswordAsync(user, password) ? SignInOutcome.Fail(LockedMessage(user)) : SignInOutcome.Fail(Failure);
        if (!check.Succeeded)
            return SignInOutcome.Fail(Failure);
        logger.LogInformation("{Email} entered the right password.", user.Email);
        if (!user.TwoFactorEnabled)
            return await ContinueAsync(user, remember);
        var asked = await signIn.AskForAuthenticatorCodeAsync(user, remember);
        if (asked.RequiresTwoFactor)
            return new(SignInStep.AuthenticatorCode);
        // Identity signed in without a code (it would for a remembered browser; the portal never remembers one).
        await signIn.SignOutAsync();
        return await ContinueAsync(user, remember);
    }

    public Task<SignInOutcome> AuthenticatorCodeAsync(string code, bool remember) =>
        SecondFactorAsync(
            remember,
            WrongCode,
            signInWithIt: () => signIn.TwoFactorAuthenticatorSignInAsync(Digits(code), remember, rememberClient: false),
            checkIt: user => users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, Digits(code))
        );

    public Task<SignInOutcome> RecoveryCodeAsync(string code, bool remember) =>
        SecondFactorAsync(
            remember,
            WrongRecoveryCode,
            signInWithIt: () => signIn.TwoFactorRecoveryCodeSignInAsync(RecoveryCode(code)),
            checkIt: async user => (await users.RedeemTwoFactorRecoveryCodeAsync(user, RecoveryCode(code))).Succeeded
        );

    /// <summary>A recovery code as Identity made it (XXXXX-XXXXX), whatever the case, spaces or dash typed.</summary>
    public static string RecoveryCode(string typed)
    {
        var plain = new string([.. typed.Where(char.IsLetterOrDigit)]).ToUpperInvariant();
        return plain.Length == 10 ? $"{plain[..5]}-{plain[5..]}" : plain;
    }

    /// <summary>
    /// The code step. When nothing else is owed Identity signs the user in with the code; when a step is still owed the
    /// code is only checked, and the user goes on to that step holding the pending cookie (never a full sign-in).
    /// Wrong codes count on the address's bar and on the account (Identity locks it for a while after ten).
    /// </summary>
    private async Task<SignInOutcome> SecondFactorAsync(
        bool remember,
        string wrong,
        Func<Task<SignInResult>> signInWithIt,
        Func<ApplicationUser, Task<bool>> checkIt
    )
    {
        if (!guard.TryAttempt(Address))
            return new(null, TooMany, TooManyAttempts: true);
        var user = await signIn.GetTwoFactorAuthenticationUserAsync();
        if (user is null)
            return SignInOutcome.Fail(Expired);
        var account = user.Email ?? user.Id;
        if (guard.TryBegin(account, Address) is { } left)
            return SignInOutcome.Fail(BarredMessage(left));
        if (await users.IsLockedOutAsync(user))
            return SignInOutcome.Fail(LockedMessage(user));
        if (StepOwed(user, await users.GetRolesAsync(user)) is null)
        {
            var result = await signInWithIt();
            if (result.IsLockedOut)
                return SignInOutcome.Fail(LockedMessage(user));
            if (!result.Succeeded)
                return SignInOutcome.Fail(wrong);
            guard.Succeeded(account, Address);
            return new(SignInStep.Portal);
        }
        if (!await checkIt(user))
        {
            await users.AccessFailedAsync(user);
            return SignInOutcome.Fail(wrong);
        }
        await users.ResetAccessFailedCountAsync(user);
        await Http.SignOutAsync(IdentityConstants.TwoFactorUserIdScheme);
        return await ContinueAsync(user, remember);
    }

    /// <summary>
    /// The user who proved their password (and code) and still owes <paramref name="step"/>, or null: the pending
    /// sign-in expired or was voided (a reset or a lock in between), or the user owes another step first.
    /// </summary>
    public async Task<(ApplicationUser User, bool Remember)?> PendingAsync(SignInStep step)
    {
        var pending = await Http.AuthenticateAsync(PendingScheme);
        if (!pending.Succeeded)
            return null;
        var user = await users.FindByIdAsync(pending.Principal.FindFirstValue(ClaimTypes.NameIdentifier) ?? "");
        if (user is null || user.SecurityStamp != pending.Principal.FindFirstValue(StampClaim) || await users.IsLockedOutAsync(user))
            return null;
        if (StepOwed(user, await users.GetRolesAsync(user)) != step)
            return null;
        return (user, pending.Principal.FindFirstValue(RememberClaim) == "true");
    }

    /// <summary>The new password a user chooses after an administrator reset theirs; then the next step.</summary>
    public async Task<(SignInOutcome Outcome, IReadOnlyList<string> Errors)> SetNewPasswordAsync(
        ApplicationUser user,
        bool remember,
        string password
    )
    {
        if (!user.MustChangePassword)
            return (SignInOutcome.Fail(Expired), [Expired]);
        if (
            user.PasswordHash is not null
            && hasher.VerifyHashedPassword(user, user.PasswordHash, password) != PasswordVerificationResult.Failed
        )
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

    /// <summary>The signed-in user's authenticator key, made on first use (a shared secret: shown only to the user).</summary>
    public async Task<string> AuthenticatorKeyAsync(ApplicationUser user) =>
        await users.GetAuthenticatorKeyAsync(user) is { Length: > 0 } key ? key : await NewAuthenticatorKeyAsync(user);

    /// <summary>
    /// A new key, stored without Identity's reset, which would change the security stamp and so end the very sign-in
    /// showing the key. It stays until set-up succeeds, so a user who scanned it and comes back later finds the same;
    /// an administrator's password reset replaces it (UserAdminService), so a key seen with a temporary password is
    /// not the one the user ends up with.
    /// </summary>
    private async Task<string> NewAuthenticatorKeyAsync(ApplicationUser user)
    {
        var key = users.GenerateNewAuthenticatorKey();
        await ((IUserAuthenticatorKeyStore<ApplicationUser>)store).SetAuthenticatorKeyAsync(user, key, Http.RequestAborted);
        // Two pages opened at once (two tabs, or a menu link that both navigates and reloads) each make a key: the one
        // saved first stays, and both pages show it. The second save fails on the user's concurrency stamp, or, when both
        // read "no key yet" before either saved, on the token table's unique key.
        try
        {
            var saved = await users.UpdateAsync(user);
            if (saved.Succeeded)
                return key;
            if (!IsConcurrencyFailure(saved))
                throw new InvalidOperationException($"No authenticator key could be saved for {user.Email}.");
        }
        catch (DbUpdateException ex) when (SaveExtensions.IsUniqueViolation(ex)) { }
        db.ChangeTracker.Clear();
        var fresh = await users.FindByIdAsync(user.Id) ?? throw new Infrastructure.DomainException("Your account no longer exists.");
        return await users.GetAuthenticatorKeyAsync(fresh)
            ?? throw new InvalidOperationException($"No authenticator key could be saved for {user.Email}.");
    }

    /// <summary>
    /// Turns the authenticator on once the user types a code it shows, with ten new recovery codes, in one transaction;
    /// or refuses with a <see cref="DomainException"/> saying why not. A pending sign-in goes on: password and code are both
    /// proved now.
    /// </summary>
    public async Task<IReadOnlyList<string>> EnableAuthenticatorAsync(
        ApplicationUser user,
        string code,
        bool completePendingSignIn,
        bool remember
    )
    {
        await RequireCodeAsync(user, code);
        await using var tx = await db.Database.BeginTransactionAsync();
        var result = await users.SetTwoFactorEnabledAsync(user, true);
        if (IsConcurrencyFailure(result))
            throw new DomainException(ChangedMeanwhile);
        var codes = result.Succeeded ? (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10))?.ToList() : null;
        if (codes is null)
            throw new InvalidOperationException(
                $"Two-factor sign-in could not be turned on for {user.Email}: {string.Join(" ", result.Errors.Select(e => e.Description))}"
            );
        await AuditAsync(user, "Two-factor sign-in turned on", new { TwoFactor = false }, new { TwoFactor = true });
        await tx.CommitAsync();
        if (completePendingSignIn)
            await ContinueAsync(user, remember);
        else
            await signIn.RefreshSignInAsync(user);
        return codes;
    }

    /// <summary>Ten new recovery codes for a signed-in user who types a current code; the old ones stop working.</summary>
    public async Task<IReadOnlyList<string>> NewRecoveryCodesAsync(ApplicationUser user, string code)
    {
        if (!user.TwoFactorEnabled)
            throw new DomainException("Two-factor sign-in is off: turn it on first.");
        await RequireCodeAsync(user, code);
        await using var tx = await db.Database.BeginTransactionAsync();
        var codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10))!.ToList();
        await AuditAsync(user, "Recovery codes replaced", null, new { RecoveryCodes = codes.Count });
        await tx.CommitAsync();
        return codes;
    }

    /// <summary>Turns the authenticator off for a user whose roles do not require it and who types a current code.</summary>
    public async Task DisableAuthenticatorAsync(ApplicationUser user, string code)
    {
        if (options.Value.RequiresTwoFactor(await users.GetRolesAsync(user)))
            throw new DomainException(
                "Your role requires two-factor sign-in: it cannot be turned off. Ask an administrator to reset it if you lost your "
                    + "authenticator."
            );
        await RequireCodeAsync(user, code);
        await using var tx = await db.Database.BeginTransactionAsync();
        var result = await users.SetTwoFactorEnabledAsync(user, false);
        if (IsConcurrencyFailure(result))
            throw new DomainException(ChangedMeanwhile);
        if (result.Succeeded)
            result = await users.ResetAuthenticatorKeyAsync(user);
        if (!result.Succeeded)
            throw new InvalidOperationException($"Two-factor sign-in could not be turned off for {user.Email}.");
        await AuditAsync(user, "Two-factor sign-in turned off", new { TwoFactor = true }, new { TwoFactor = false });
        await tx.CommitAsync();
        await signIn.RefreshSignInAsync(user);
    }

    /// <summary>The step a user with the right password (and code) still owes, or null.</summary>
    public SignInStep? StepOwed(ApplicationUser user, IEnumerable<string> roles) =>
        user.MustChangePassword ? SignInStep.NewPassword
        : !user.TwoFactorEnabled && options.Value.RequiresTwoFactor(roles) ? SignInStep.SetUpAuthenticator
        : null;

    /// <summary>
    /// After the password (and code): signs in when nothing is owed, else hands out the pending cookie for the step
    /// owed.
    /// </summary>
    private async Task<SignInOutcome> ContinueAsync(ApplicationUser user, bool remember)
    {
        var step = StepOwed(user, await users.GetRolesAsync(user));
        if (step is null)
        {
            await Http.SignOutAsync(PendingScheme);
            await signIn.SignInAsync(user, remember);
            guard.Succeeded(user.Email ?? user.Id, Address);
            return new(SignInStep.Portal);
        }
        var pending = new ClaimsIdentity(
            [
                new(ClaimTypes.NameIdentifier, user.Id),
                new(StampClaim, user.SecurityStamp ?? ""),
                new(RememberClaim, remember ? "true" : "false"),
            ],
            PendingScheme
        );
        await Http.SignInAsync(PendingScheme, new ClaimsPrincipal(pending));
        return new(step);
    }

    /// <summary>Checks a code from the user's authenticator app, counted like a sign-in attempt; null when it is right.</summary>
    private const string ChangedMeanwhile =
        "Your account changed while this page was open (another tab, or the button pressed twice): reload the page and try again.";

    private bool IsConcurrencyFailure(IdentityResult result) =>
        result.Errors.Any(e => e.Code == users.ErrorDescriber.ConcurrencyFailure().Code);

    /// <summary>Refuses unless <paramref name="code"/> is the one the user's authenticator shows now (and the address may try).</summary>
    private async Task RequireCodeAsync(ApplicationUser user, string code)
    {
        if (!guard.TryAttempt(Address))
            throw new DomainException(TooMany);
        var account = user.Email ?? user.Id;
        if (guard.TryBegin(account, Address) is { } left)
            throw new DomainException(BarredMessage(left));
        if (!await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, Digits(code)))
            throw new DomainException(WrongCode);
        guard.Succeeded(account, Address);
    }

    private static string BarredMessage(TimeSpan left)
    {
        var minutes = Math.Max(1, (int)Math.Ceiling(left.TotalMinutes));
        return $"Too many failed sign-ins for this account from your network. Try again in {minutes} minute{(minutes == 1 ? "" : "s")}.";
    }

    /// <summary>Locked by an administrator, or paused by Identity after ten wrong codes (only someone with the password gets that
    /// far).</summary>
    private static string LockedMessage(ApplicationUser user) =>
        user.LockoutEnd is { } end && end.Year < 9000 && end > IdentityClock.Now
            ? $"Too many wrong codes: sign-in to this account is paused until {end.UtcDateTime:HH:mm} UTC. An administrator can unlock "
                + $"it sooner."
            : "This account is locked. Ask an administrator to unlock it.";

    private static string Digits(string code) => code.Replace(" ", "").Replace("-", "");

    private async Task AuditAsync(ApplicationUser user, string action, object? before, object after)
    {
        var actor = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, user.UserName ?? user.Id)], "pending"));
        db.Audit(actor, clock.GetUtcNow().UtcDateTime, action, "User", user.Email ?? user.Id, before, after);
        await db.SaveChangesAsync();
    }
}
