using LicensePortal.Features.SignIn;

namespace LicensePortal.Components.Account;

/// <summary>What the sign-in pages do with an outcome: go to the next step, or show why not.</summary>
internal static class StepPages
{
    /// <summary>Redirects to the next step and returns null, or returns the message to show (answering 429 when there were too many
    /// attempts).</summary>
    public static string? Follow(
        SignInOutcome outcome,
        HttpContext http,
        IdentityRedirectManager redirect,
        string? returnUrl,
        bool remember = false
    )
    {
        if (outcome.Next is { } next)
        {
            redirect.RedirectTo(SignInFlow.UrlFor(next, returnUrl, remember));
            return null;
        }
        if (outcome.TooManyAttempts)
            http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        return outcome.Error;
    }

    /// <summary>A return address for a plain link: only one inside the portal.</summary>
    public static string Local(string? url) => SignInFlow.LocalOrNull(url) ?? "/";

    /// <summary>Pages that show a secret (an authenticator key, recovery codes) are never kept in a cache.</summary>
    public static void NoStore(HttpContext http) => http.Response.Headers.CacheControl = "no-store";
}
