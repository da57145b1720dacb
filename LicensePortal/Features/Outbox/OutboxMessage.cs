using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LicensePortal.Features.Outbox;

/// <summary>
/// Pending: waiting or retrying. Sending: handed to the mail server and not yet confirmed; a message left so by a crash is
/// never handed over again by itself (staff check and retry it). Sent, Failed: done.
/// </summary>
public enum OutboxStatus
{
    Pending,
    Sent,
    Failed,
    Sending,
}

/// <summary>An email stored with the change that caused it, so none is lost when delivery fails.</summary>
public class OutboxMessage
{
    public long Id { get; set; }
    public DateTime CreatedAt { get; set; }
    public string To { get; set; } = "";
    public string Subject { get; set; } = "";
    public string Body { get; set; } = "";
    public string? AttachmentName { get; set; }
    public string? AttachmentContentType { get; set; }
    public byte[]? Attachment { get; set; }

    /// <summary>What the message is about, e.g. "Quote Q-2026-000001", for staff reading the outbox.</summary>
    public string About { get; set; } = "";

    public OutboxStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public DateTime? SentAt { get; set; }
    public string? LastError { get; set; }

    /// <summary>A message due for delivery now.</summary>
    public static OutboxMessage Create(
        DateTime now,
        string to,
        string subject,
        string body,
        string about,
        (string Name, string ContentType, byte[] Content)? attachment = null
    ) =>
        new()
        {
            CreatedAt = now,
            NextAttemptAt = now,
            To = to,
            Subject = subject,
            Body = body,
            About = about,
            AttachmentName = attachment?.Name,
            AttachmentContentType = attachment?.ContentType,
            Attachment = attachment?.Content,
        };
}

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> b)
    {
        b.ToTable("Outbox");
        b.Property(m => m.To).HasMaxLength(256);
        b.Property(m => m.Subject).HasMaxLength(300);
        b.Property(m => m.AttachmentName).HasMaxLength(200);
        b.Property(m => m.AttachmentContentType).HasMaxLength(100);
        b.Property(m => m.About).HasMaxLength(200);
        b.Property(m => m.LastError).HasMaxLength(2000);
        b.HasIndex(m => new { m.Status, m.NextAttemptAt });
        b.HasIndex(m => m.CreatedAt);
    }
}
