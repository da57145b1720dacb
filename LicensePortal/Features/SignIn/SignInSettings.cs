namespace LicensePortal.Features.SignIn;

/// <summary>How the sign-in form defends itself (section "SignIn"; docs/OPERATIONS.md, Two-factor sign-in).</summary>
public sealed class SignInSettings
{
    public const string Section = "SignIn";

    /// <summary>Roles, comma-separated, that must sign in with an authenticator app; empty for none. Every role by default:
    /// sales and fraud issue licenses and offline files too.</summary>
    public string TwoFactorRequiredFor { get; set; } = string.Join(",", Infrastructure.Roles.All);

    /// <summary>Sign-in attempts (password, code, recovery code) one address may make per minute, on each portal instance.</summary>
    public int AttemptsPerAddressPerMinute { get; set; } = 20;

    /// <summary>Failed attempts on one account from one address before that address is barred from that account.</summary>
    public int FailuresBeforeBar { get; set; } = 5;

    /// <summary>How long the bar lasts, and the window the failures are counted in.</summary>
    public int BarMinutes { get; set; } = 15;

    /// <summary>Days a temporary password (a new account's, or an administrator's reset) signs in before it expires unused.</summary>
    public int TemporaryPasswordDays { get; set; } = 7;

    /// <summary>The name authenticator apps list this portal under; give a test or staging portal its own.</summary>
    public string AuthenticatorIssuer { get; set; } = "LicensePortal";

    public IReadOnlySet<string> RolesRequiringTwoFactor =>
        TwoFactorRequiredFor
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

    public bool RequiresTwoFactor(IEnumerable<string> roles) => roles.Any(RolesRequiringTwoFactor.Contains);
}
