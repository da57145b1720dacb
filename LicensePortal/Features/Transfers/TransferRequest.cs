using LicensePortal.Features.Customers;
using LicensePortal.Features.Licenses;
using LicensePortal.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LicensePortal.Features.Transfers;

public enum TransferKind
{
    Transfer,
    Lease,
}

public enum TransferStatus
{
    Pending,
    Approved,
    Rejected,
}

/// <summary>A request for written consent to transfer or lease a license to another party (FAQ: non-transferable without it).</summary>
public class TransferRequest : IVersioned
{
    public int Id { get; set; }
    public int LicenseId { get; set; }
    public License? License { get; set; }
    public int FromCustomerId { get; set; }
    public Customer? FromCustomer { get; set; }
    public int ToCustomerId { get; set; }
    public Customer? ToCustomer { get; set; }
    public TransferKind Kind { get; set; }
    public string Reason { get; set; } = "";
    public string RequestedBy { get; set; } = "";
    public string RequestedByName { get; set; } = "";
    public DateTime RequestedAt { get; set; }
    public TransferStatus Status { get; set; }

    /// <summary>The consent letter's reference, e.g. TC-2026-00042, given on approval.</summary>
    public string? Reference { get; set; }

    public string? DecidedBy { get; set; }
    public string? DecidedByName { get; set; }
    public string? DecidedByTitle { get; set; }
    public DateTime? DecidedAt { get; set; }
    public string? DecisionNote { get; set; }
    public DateOnly? EffectiveOn { get; set; }

    /// <summary>When a lease ends: on this date (the vendor's calendar) the license returns to the lessor.</summary>
    public DateOnly? LeaseEndsOn { get; set; }

    /// <summary>When a lease ended and the license went back to the lessor.</summary>
    public DateTime? ReturnedAt { get; set; }

    /// <summary>The consent letter as issued; every download returns these bytes.</summary>
    public byte[]? Letter { get; set; }

    public Guid Version { get; set; }
}

internal sealed class TransferRequestConfiguration : IEntityTypeConfiguration<TransferRequest>
{
    public void Configure(EntityTypeBuilder<TransferRequest> b)
    {
        b.HasOne(t => t.License).WithMany().HasForeignKey(t => t.LicenseId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(t => t.FromCustomer).WithMany().HasForeignKey(t => t.FromCustomerId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(t => t.ToCustomer).WithMany().HasForeignKey(t => t.ToCustomerId).OnDelete(DeleteBehavior.Restrict);
        // One pending request per license, enforced by the database.
        b.HasIndex(t => t.LicenseId).IsUnique().HasFilter("\"Status\" = 0").HasDatabaseName("IX_TransferRequests_OnePendingPerLicense");
        b.HasIndex(t => new { t.Status, t.RequestedAt });
        b.HasIndex(t => t.Reference).IsUnique();
        b.HasIndex(t => t.FromCustomerId);
        b.HasIndex(t => t.ToCustomerId);
        // The lease job looks up approved leases due to end.
        b.HasIndex(t => new
        {
            t.Kind,
            t.Status,
            t.ReturnedAt,
            t.LeaseEndsOn,
        });
        b.Property(t => t.Reason).HasMaxLength(1000);
        b.Property(t => t.RequestedBy).HasMaxLength(256);
        b.Property(t => t.RequestedByName).HasMaxLength(100);
        b.Property(t => t.Reference).HasMaxLength(20);
        b.Property(t => t.DecidedBy).HasMaxLength(256);
        b.Property(t => t.DecidedByName).HasMaxLength(100);
        b.Property(t => t.DecidedByTitle).HasMaxLength(100);
        b.Property(t => t.DecisionNote).HasMaxLength(1000);
        b.Property(t => t.Version).IsConcurrencyToken();
    }
}
