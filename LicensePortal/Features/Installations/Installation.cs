using LicensePortal.Features.Licenses;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LicensePortal.Features.Installations;

/// <summary>One server a license key was checked in from, identified by the product's machine fingerprint.</summary>
public class Installation
{
    public long Id { get; set; }
    public int LicenseId { get; set; }
    public License? License { get; set; }
    public string MachineId { get; set; } = "";
    public string Hostname { get; set; } = "";
    public string ProductVersion { get; set; } = "";
    public DateTime FirstSeenAt { get; set; }
    public DateTime LastSeenAt { get; set; }

    /// <summary>When the product reported it was uninstalled or moved away.</summary>
    public DateTime? ReleasedAt { get; set; }

    /// <summary>When staff marked the server as taken out of service.</summary>
    public DateTime? DecommissionedAt { get; set; }
}

internal sealed class InstallationConfiguration : IEntityTypeConfiguration<Installation>
{
    public void Configure(EntityTypeBuilder<Installation> b)
    {
        b.Property(i => i.MachineId).HasMaxLength(128);
        b.Property(i => i.Hostname).HasMaxLength(255);
        b.Property(i => i.ProductVersion).HasMaxLength(32);
        b.HasOne(i => i.License).WithMany().HasForeignKey(i => i.LicenseId).OnDelete(DeleteBehavior.Cascade);
        // A check-in is idempotent per (license, machine).
        b.HasIndex(i => new { i.LicenseId, i.MachineId }).IsUnique();
        b.HasIndex(i => i.LastSeenAt);
        // The fraud monitor's incremental pass looks up what changed since its last pass.
        b.HasIndex(i => i.ReleasedAt);
        b.HasIndex(i => i.DecommissionedAt);
    }
}
