using System.Security.Claims;

namespace LicensePortal.Features.Transfers;

public sealed record TransferRow(
    int Id,
    int LicenseId,
    string LicenseKey,
    string From,
    int FromCustomerId,
    string To,
    int ToCustomerId,
    TransferKind Kind,
    string Reason,
    string RequestedByName,
    DateTime RequestedAt,
    TransferStatus Status,
    string? Reference,
    string? DecidedByName,
    DateTime? DecidedAt,
    string? DecisionNote,
    DateOnly? LeaseEndsOn = null,
    DateTime? ReturnedAt = null,
    string RequestedBy = ""
)
{
    /// <summary>The four-eyes rule: whoever requested a transfer may not decide it.</summary>
    public bool IsRequestedBy(ClaimsPrincipal user) => string.Equals(RequestedBy, user.Identity?.Name, StringComparison.OrdinalIgnoreCase);
}

/// <summary>A request waiting for a manager, as the license page announces it.</summary>
public sealed record PendingTransfer(
    int Id,
    TransferKind Kind,
    string To,
    int ToCustomerId,
    string RequestedByName,
    DateTime RequestedAt,
    DateOnly? LeaseEndsOn
);

public sealed record OwnershipStep(DateOnly? Since, int CustomerId, string Customer, string? Reference, TransferKind? Kind);
