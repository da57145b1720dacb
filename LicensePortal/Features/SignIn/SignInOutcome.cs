namespace LicensePortal.Features.SignIn;

/// <summary>Where a sign-in goes next.</summary>
public enum SignInStep
{
    Portal,
    AuthenticatorCode,
    NewPassword,
    SetUpAuthenticator,
}

/// <summary>What an attempt led to: the next step, or a message saying why not (and whether it was one too many).</summary>
public sealed record SignInOutcome(SignInStep? Next, string? Error = null, bool TooManyAttempts = false)
{
    public static SignInOutcome Fail(string error) => new(null, error);
}
