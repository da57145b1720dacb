using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LicensePortal.Features.Audit;

/// <summary>One change of state: who, when, what, before and after. Rows are only ever added.</summary>
public class AuditEntry
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    public string UserName { get; set; } = "";
    public string Action { get; set; } = "";
    public string EntityType { get; set; } = "";
    public string EntityId { get; set; } = "";
    public string? Before { get; set; }
    public string? After { get; set; }

    /// <summary>The previous row's <see cref="Hash"/> ("" for the first row), set when the row is sealed (AuditChain).</summary>
    public string? PreviousHash { get; set; }

    /// <summary>The keyed hash over <see cref="PreviousHash"/> and this row's fields; null until the portal seals the row.</summary>
    public string? Hash { get; set; }

    /// <summary>How <see cref="Hash"/> was made: 1 plain SHA-256 (rows sealed before the chain was keyed), 2 HMAC-SHA256
    /// (AuditChain).</summary>
    public int ChainVersion { get; set; } = AuditChain.KeyedVersion;
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.ToTable("AuditLog");
        b.Property(a => a.UserName).HasMaxLength(256);
        b.Property(a => a.Action).HasMaxLength(100);
        b.Property(a => a.EntityType).HasMaxLength(100);
        b.Property(a => a.EntityId).HasMaxLength(256);
        b.Property(a => a.PreviousHash).HasMaxLength(64);
        b.Property(a => a.Hash).HasMaxLength(64);
        b.HasIndex(a => a.At);
        b.HasIndex(a => new
        {
            a.EntityType,
            a.EntityId,
            a.At,
        });
        b.HasIndex(a => new { a.UserName, a.At });
    }
}
