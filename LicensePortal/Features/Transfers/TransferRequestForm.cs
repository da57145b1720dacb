using System.ComponentModel.DataAnnotations;
using LicensePortal.Features.Customers;
using LicensePortal.Infrastructure;

namespace LicensePortal.Features.Transfers;

/// <summary>What staff type to request a transfer or lease; a new owner's details are a <see cref="CustomerForm"/> beside it.</summary>
public sealed class TransferRequestForm
{
    public TransferKind Kind { get; set; }

    /// <summary>The new owner is typed in as a new customer rather than chosen.</summary>
    public bool NewOwner { get; set; }

    [RequiredWhen(nameof(NewOwner), false, ErrorMessage = TransferService.ChooseOwnerMessage)]
    public CustomerRow? To { get; set; }

    public CustomerForm Customer { get; set; } = new();

    [Required(ErrorMessage = TransferService.ReasonMessage)]
    [StringLength(TransferService.MaxReasonLength, ErrorMessage = "Keep the reason to {1:N0} characters.")]
    public string Reason { get; set; } = "";

    [RequiredWhen(nameof(Kind), TransferKind.Lease, ErrorMessage = TransferService.LeaseEndMessage)]
    public DateTime? LeaseEndsOn { get; set; }
}
