using System.ComponentModel.DataAnnotations;

namespace LicensePortal.Features.Quotes;

/// <summary>The terms typed under a quote's lines. The limits are the ones <see cref="QuoteService"/> enforces.</summary>
public sealed class QuoteTermsForm
{
    public const int MinValidityDays = 1,
        MaxValidityDays = 365,
        MaxNotesLength = 2000,
        MaxEmailLength = 256;
    public const string ValidityMessage = "A quote is valid for 1 to 365 days.";

    [Required(ErrorMessage = "Enter how many days the quote is valid (1 to 365).")]
    [Range(MinValidityDays, MaxValidityDays, ErrorMessage = ValidityMessage)]
    public int? ValidityDays { get; set; }

    [StringLength(MaxNotesLength, ErrorMessage = "Keep the notes to {1:N0} characters.")]
    public string? Notes { get; set; }
}
