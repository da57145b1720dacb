using System.Net;
using System.Security.Claims;
using LicensePortal.Data;
using LicensePortal.Features.Users;
using LicensePortal.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
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

    internal HttpContext Http => signIn.Context;
    internal IPAddress? Address => Http.Connection.RemoteIpAddress;

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
        // Say an account is locked, or its temporary password expired, only to someone who knows its password.
        if (check.IsLockedOut)
        {
            var knows = await users.CheckPasswordAsync(user, password);
            await FailedAsync(user, knows ? "Account locked" : "Wrong password");
            return SignInOutcome.Fail(knows ? LockedMessage(user) : Failure);
        }
        if (!check.Succeeded)
        {
            await FailedAsync(user, "Wrong password");
            return SignInOutcome.Fail(Failure);
        }
        if (user.TemporaryPasswordExpired(clock.GetUtcNow().UtcDateTime, options.Value.TemporaryPasswordDays))
        {
            await FailedAsync(user, "Temporary password expired");
            return SignInOutcome.Fail(TemporaryPasswordExpired);
        }
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

    public const string TemporaryPasswordExpired =
        "Your temporary password has expired unused: ask an administrator to reset it.";

    public Task<SignInOutcome> AuthenticatorCodeAsync(string code, bool remember) =>
        SecondFactorAsync(
            remember,
            WrongCode,
            "Wrong authenticator code",
            user => users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, Digits(code))
        );

    public Task<SignInOutcome> RecoveryCodeAsync(string code, bool remember) =>
        SecondFactorAsync(
            remember,
            WrongRecoveryCode,
            "Wrong recovery code",
            async user => (await users.RedeemTwoFactorRecoveryCodeAsync(user, RecoveryCode(code))).Succeeded
        );

    /// <summary>A recovery code as Identity made it (XXXXX-XXXXX), whatever the case, spaces or dash typed.</summary>
    public static string RecoveryCode(string typed)
    {
        var plain = new string([.. typed.Where(char.IsLetterOrDigit)]).ToUpperInvariant();
        return plain.Length == 10 ? $"{plain[..5]}-{plain[5..]}" : plain;
    }

    /// <summary>
    /// The code step, for an authenticator code and a recovery code alike: the code is checked, then the user goes on to
    /// the portal, or to a step still owed holding the pending cookie (never a full sign-in). Every wrong code counts on
    /// the address's bar and on the account: ten in a row pause the account for a while (Identity's lockout), recovery
    /// codes included (Identity's own recovery sign-in does not count them).
    /// </summary>
    private async Task<SignInOutcome> SecondFactorAsync(
        bool remember,
        string wrong,
        string reason,
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
        if (!await checkIt(user))
        {
            await users.AccessFailedAsync(user);
            var paused = await users.IsLockedOutAsync(user);
            await FailedAsync(user, reason, paused ? user.LockoutEnd?.UtcDateTime : null);
            return SignInOutcome.Fail(paused ? LockedMessage(user) : wrong);
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

    /// <summary>The new password a user chooses after an administrator reset theirs (or made the account); then the next
    /// step.</summary>
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
        await using (var tx = await db.Database.BeginTransactionAsync())
        {
            var issued = user.TemporaryPasswordIssuedAt ?? clock.GetUtcNow().UtcDateTime;
            user.ChosePassword();
            var result = await users.ResetPasswordAsync(user, await users.GeneratePasswordResetTokenAsync(user), password);
            if (!result.Succeeded)
            {
                // Refused before anything was saved (the password rules): the temporary password stands as it was.
                user.GiveTemporaryPassword(issued);
                return (new(null), [.. result.Errors.Select(e => e.Description)]);
            }
            await AuditAsync(user, "Password changed", new { MustChangePassword = true }, new { MustChangePassword = false });
            await tx.CommitAsync();
        }
        logger.LogInformation("{Email} chose a new password after a reset.", user.Email);
        return (await ContinueAsync(user, remember), []);
    }

    /// <summary>A signed-in user changes their own password: the current one is counted like a sign-in attempt, and the
    /// change is audited in its transaction. Identity's errors, or none.</summary>
    public async Task<IReadOnlyList<IdentityError>> ChangeOwnPasswordAsync(ApplicationUser user, string current, string password)
    {
        if (!guard.TryAttempt(Address))
            return [new() { Code = "TooMany", Description = TooMany }];
        var account = user.Email ?? user.Id;
        if (guard.TryBegin(account, Address) is { } left)
            return [new() { Code = "Barred", Description = BarredMessage(left) }];
        await using var tx = await db.Database.BeginTransactionAsync();
        var result = await users.ChangePasswordAsync(user, current, password);
        if (!result.Succeeded)
            return [.. result.Errors];
        guard.Succeeded(account, Address);
        await AuditAsync(user, "Password changed", null, new { PasswordChanged = true });
        await tx.CommitAsync();
        return [];
    }

    internal bool RequiresTwoFactor(IEnumerable<string> roles) => options.Value.RequiresTwoFactor(roles);

    internal Task RefreshSignInAsync(ApplicationUser user) => signIn.RefreshSignInAsync(user);

    /// <summary>The step a user with the right password (and code) still owes, or null.</summary>
    public SignInStep? StepOwed(ApplicationUser user, IEnumerable<string> roles) =>
        user.MustChangePassword ? SignInStep.NewPassword
        : !user.TwoFactorEnabled && options.Value.RequiresTwoFactor(roles) ? SignInStep.SetUpAuthenticator
        : null;

    /// <summary>
    /// After the password (and code): signs in when nothing is owed, else hands out the pending cookie for the step
    /// owed.
    /// </summary>
    internal async Task<SignInOutcome> ContinueAsync(ApplicationUser user, bool remember)
    {
        var step = StepOwed(user, await users.GetRolesAsync(user));
        if (step is null)
        {
            await Http.SignOutAsync(PendingScheme);
            await signIn.SignInAsync(user, remember);
            guard.Succeeded(user.Email ?? user.Id, Address);
            await AuditAsync(user, "Signed in", null, new { Address = AddressText, TwoFactor = user.TwoFactorEnabled });
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

    internal const string ChangedMeanwhile =
        "Your account changed while this page was open (another tab, or the button pressed twice): reload the page and try again.";

    internal bool IsConcurrencyFailure(IdentityResult result) =>
        result.Errors.Any(e => e.Code == users.ErrorDescriber.ConcurrencyFailure().Code);

    /// <summary>Refuses unless <paramref name="code"/> is the one the user's authenticator shows now (and the address may try).</summary>
    internal async Task RequireCodeAsync(ApplicationUser user, string code)
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

    internal static string BarredMessage(TimeSpan left)
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

    internal async Task AuditAsync(ApplicationUser user, string action, object? before, object after, string? actorName = null)
    {
        var actor = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, actorName ?? user.UserName ?? user.Id)], "pending"));
        db.Audit(actor, clock.GetUtcNow().UtcDateTime, action, "User", user.Email ?? user.Id, before, after);
        await db.SaveChangesAsync();
    }

    private string AddressText => Address?.ToString() ?? "unknown";

    /// <summary>
    /// Audits a failed attempt on an existing account (made-up ones are only counted) by whoever typed it, not by the user,
    /// and the pause it started: ten wrong codes (<paramref name="pausedUntil"/>), or the address's bar on the account.
    /// </summary>
    private async Task FailedAsync(ApplicationUser user, string reason, DateTime? pausedUntil = null)
    {
        var attempt = $"Sign-in attempt from {AddressText}";
        await AuditAsync(user, "Sign-in failed", null, new { Reason = reason, Address = AddressText }, attempt);
        if (pausedUntil is { } until)
            await AuditAsync(user, "Sign-in paused", null, new { Reason = "Ten wrong codes in a row", Until = until }, attempt);
        else if (guard.BarredFor(user.Email ?? user.Id, Address) is { } bar)
            await AuditAsync(
                user,
                "Sign-in paused",
                null,
                new
                {
                    Reason = $"{options.Value.FailuresBeforeBar} failed attempts",
                    Address = AddressText,
                    Minutes = (int)Math.Ceiling(bar.TotalMinutes),
                },
                attempt
            );
    }
}
