using LicensePortal.Features.Audit;

namespace LicensePortal.Features.Outbox;

/// <summary>A message as staff read it: who it went to by name, what it concerns as a link, and its delivery state in words.</summary>
public sealed record OutboxRow(
    long Id,
    DateTime CreatedAt,
    string To,
    string Subject,
    string About,
    OutboxStatus Status,
    int Attempts,
    DateTime? SentAt,
    DateTime NextAttemptAt,
    string? LastError,
    string? AttachmentName,
    string? RecipientName = null,
    EntityLink? Concerns = null,
    OutboxKind Kind = OutboxKind.Other,
    bool MayOpenAttachment = false
)
{
    public string State => OutboxText.State(Status, Attempts);
}

/// <summary>Delivery states as people read them.</summary>
public static class OutboxText
{
    public static string State(OutboxStatus status, int attempts) =>
        status switch
        {
            OutboxStatus.Sent => "Delivered",
            OutboxStatus.Failed => $"Failed after {attempts} attempt{(attempts == 1 ? "" : "s")}",
            OutboxStatus.Sending => "Handed over, not confirmed: check with the recipient, then retry",
            _ when attempts > 0 => $"Retrying after {attempts} failed attempt{(attempts == 1 ? "" : "s")}",
            _ => "Waiting to be sent",
        };
}
