using System.ComponentModel.DataAnnotations;

namespace LicensePortal.Components.Account;

// What the sign-in step pages and the two-factor page ask for.

internal sealed class CodeInput
{
    [Required(ErrorMessage = "Enter the six-digit code from your authenticator app.")]
    [RegularExpression(@"^\s*(\d\s*-?\s*){6}$", ErrorMessage = "The code is six digits, e.g. 123 456.")]
    public string Code { get; set; } = "";
}

/// <summary>A code from the app, and the sealed key offer of the set-up page it was read from (AuthenticatorSetup).</summary>
internal sealed class SetUpInput
{
    [Required(ErrorMessage = "Enter the six-digit code from your authenticator app.")]
    [RegularExpression(@"^\s*(\d\s*-?\s*){6}$", ErrorMessage = "The code is six digits, e.g. 123 456.")]
    public string Code { get; set; } = "";

    public string? Offer { get; set; }
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
