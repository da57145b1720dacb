using System.ComponentModel.DataAnnotations;
using LicensePortal.Features.SignIn;

namespace LicensePortal.Components.Account;

/// <summary>What the sign-in pages do with an outcome: go to the next step, or show why not.</summary>
internal static class StepPages
{
    /// <summary>Redirects to the next step and returns null, or returns the message to show (answering 429 when there were too many attempts).</summary>
    public static string? Follow(SignInOutcome outcome, HttpContext http, IdentityRedirectManager redirect, string? returnUrl, bool remember = false)
    {
        if (outcome.Next is { } next)
        {
            redirect.RedirectTo(SignInFlow.UrlFor(next, returnUrl, remember));
            return null;
        }
        if (outcome.TooManyAttempts) http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        return outcome.Error;
    }

    /// <summary>A return address for a plain link: only one inside the portal.</summary>
    public static string Local(string? url) =>
        !string.IsNullOrEmpty(url) && Uri.IsWellFormedUriString(url, UriKind.Relative) && url.StartsWith('/') && !url.StartsWith("//") && !url.StartsWith("/\\") ? url : "/";
}

internal sealed class CodeInput
{
    [Required(ErrorMessage = "Enter the six-digit code from your authenticator app.")]
    [RegularExpression(@"^\s*(\d\s*-?\s*){6}$", ErrorMessage = "The code is six digits, e.g. 123 456.")]
    public string Code { get; set; } = "";
}

internal sealed class RecoveryCodeInput
{
    [Required(ErrorMessage = "Enter one of your recovery codes.")]
    [StringLength(32, ErrorMessage = "A recovery code is at most 32 characters.")]
    public string Code { get; set; } = "";
}

internal sealed class NewPasswordInput
{
    [Required(ErrorMessage = "Enter a new password.")]
    [StringLength(100, ErrorMessage = "The new password must be 10 to 100 characters long.", MinimumLength = 10)]
    public string NewPassword { get; set; } = "";

    [Compare(nameof(NewPassword), ErrorMessage = "The new password and its confirmation do not match.")]
    public string ConfirmPassword { get; set; } = "";
}
