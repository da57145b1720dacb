using LicensePortal.Features.Catalog;
using LicensePortal.Features.Customers;
using LicensePortal.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LicensePortal.Features.Licenses;

public enum LicenseStatus
{
    Active = 0,
    Disabled = 1,
}

public class License : IVersioned
{
    public int Id { get; set; }

    /// <summary>The key customers type in; see <see cref="LicenseKey"/>.</summary>
    public string Key { get; set; } = "";

    public int CustomerId { get; set; }
    public Customer? Customer { get; set; }
    public int ProductId { get; set; }
    public Product? Product { get; set; }
    public int Major { get; set; }
    public int EditionId { get; set; }
    public Edition? Edition { get; set; }
    public int LevelId { get; set; }
    public Level? Level { get; set; }
    public bool HasFailover { get; set; }
    public DateOnly PurchasedOn { get; set; }
    public decimal PricePaid { get; set; }
    public DateOnly? ProtectionEndsOn { get; set; }
    public LicenseStatus Status { get; set; }

    /// <summary>
    /// When the migration window was last restored in full (a false positive, a re-enabled key, a
    /// new owner): time over allowance before it no longer counts.
    /// </summary>
    public DateTime? WindowRestoredAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public Guid Version { get; set; }

    /// <summary>The key answers 'disabled' from now on.</summary>
    public void Disable()
    {
        if (Status == LicenseStatus.Disabled)
            throw new DomainException($"{Key} is already disabled.");
        Status = LicenseStatus.Disabled;
    }

    /// <summary>
    /// A manager re-enables a disabled key. It must not be flagged again at once: the license is back
    /// within its allowance, or its migration window is restored in the same step.
    /// </summary>
    public void Reenable(bool withinAllowance, bool restoreWindow, DateTime now)
    {
        if (Status != LicenseStatus.Disabled)
            throw new DomainException($"{Key} is not disabled.");
        if (!withinAllowance && !restoreWindow)
            throw new DomainException(
                $"{Key} is still running on more servers than it allows: tick 'Restore the migration window' to re-enable it, "
                    + "or mark the servers that are gone decommissioned on its last case first."
            );
        Status = LicenseStatus.Active;
        if (restoreWindow)
            RestoreWindow(now);
    }

    /// <summary>Time over allowance before now stops counting: the license has its full migration window again.</summary>
    public void RestoreWindow(DateTime now) => WindowRestoredAt = now;
}

internal sealed class LicenseConfiguration : IEntityTypeConfiguration<License>
{
    public void Configure(EntityTypeBuilder<License> b)
    {
        b.Property(l => l.Key).HasMaxLength(LicenseKey.Length);
        b.HasIndex(l => l.Key).IsUnique();
        b.Property(l => l.PricePaid).HasPrecision(18, 2);
        b.Property(l => l.Version).IsConcurrencyToken();
        b.HasOne(l => l.Customer).WithMany().HasForeignKey(l => l.CustomerId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(l => l.Product).WithMany().HasForeignKey(l => l.ProductId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(l => l.Edition).WithMany().HasForeignKey(l => l.EditionId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(l => l.Level).WithMany().HasForeignKey(l => l.LevelId).OnDelete(DeleteBehavior.Restrict);
        // The license list filters by these and pages by Id; each index ends in Id so a
        // filtered page is read in index order without a sort.
        b.HasIndex(l => new { l.CustomerId, l.Id });
        b.HasIndex(l => new
        {
            l.ProductId,
            l.Major,
            l.Id,
        });
        b.HasIndex(l => new { l.EditionId, l.Id });
        b.HasIndex(l => new { l.LevelId, l.Id });
        b.HasIndex(l => new { l.Status, l.Id });
        b.HasIndex(l => new { l.ProtectionEndsOn, l.Id });
        b.HasIndex(l => new { l.PurchasedOn, l.Id });
        // The list's most common view: one product's active licenses, newest first, read in index order.
        b.HasIndex(l => new
        {
            l.ProductId,
            l.Status,
            l.PurchasedOn,
            l.Id,
        });
    }
}
