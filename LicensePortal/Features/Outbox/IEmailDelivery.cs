namespace LicensePortal.Features.Outbox;

/// <summary>The seam between the outbox and the mail system.</summary>
public interface IEmailDelivery
{
    string Describe { get; }
    Task DeliverAsync(OutboxMessage message, CancellationToken ct);
}
