using System.ComponentModel.DataAnnotations;

namespace LicensePortal.Features.Fraud;

/// <summary>The reason or note an audited action needs; the length is the one the services enforce.</summary>
public sealed class ReasonForm
{
    public const string Missing = "Give a reason: it is kept in the audit log.";

    [Required(ErrorMessage = Missing)]
    [StringLength(FraudCase.MaxTextLength, ErrorMessage = "Keep the reason to {1:N0} characters.")]
    public string Reason { get; set; } = "";
}
