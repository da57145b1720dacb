using LicensePortal.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LicensePortal.Features.Catalog;

public class Product : IVersioned
{
    public int Id { get; set; }
    public string Name { get; set; } = "";

    /// <summary>What a level counts, e.g. "mailboxes".</summary>
    public string LevelUnit { get; set; } = "";

    public Guid Version { get; set; }
    public List<ProductRelease> Releases { get; set; } = [];
    public List<Edition> Editions { get; set; } = [];
    public List<Level> Levels { get; set; } = [];
}

/// <summary>A major release (Minor = 0) or a minor release inside a major.</summary>
public class ProductRelease
{
    public int Id { get; set; }
    public int ProductId { get; set; }
    public int Major { get; set; }
    public int Minor { get; set; }
    public DateOnly ReleasedOn { get; set; }
    public string? Notes { get; set; }

    public bool IsMajor => Minor == 0;
    public string VersionLabel => $"{Major}.{Minor}";
}

public class Edition : IVersioned
{
    public int Id { get; set; }
    public int ProductId { get; set; }
    public string Name { get; set; } = "";

    /// <summary>Position in the order Free &lt; Professional &lt; Enterprise.</summary>
    public int Rank { get; set; }

    public string Description { get; set; } = "";
    public Guid Version { get; set; }
}

public class Level : IVersioned
{
    public int Id { get; set; }
    public int ProductId { get; set; }
    public string Name { get; set; } = "";
    public int Rank { get; set; }

    /// <summary>Units the level allows; null means unlimited.</summary>
    public int? Capacity { get; set; }

    public Guid Version { get; set; }
}

/// <summary>The prices of one product's major version.</summary>
public class PriceList : IVersioned
{
    public int Id { get; set; }
    public int ProductId { get; set; }
    public int Major { get; set; }
    public string Currency { get; set; } = "USD";
    public Guid Version { get; set; }
    public List<PriceListEntry> Entries { get; set; } = [];
}

public class PriceListEntry
{
    public int Id { get; set; }
    public int PriceListId { get; set; }
    public int EditionId { get; set; }
    public int LevelId { get; set; }
    public decimal LicensePrice { get; set; }
    public decimal FailoverPrice { get; set; }
    public decimal ProtectionPrice { get; set; }
}

internal sealed class CatalogConfiguration
    : IEntityTypeConfiguration<Product>,
        IEntityTypeConfiguration<ProductRelease>,
        IEntityTypeConfiguration<Edition>,
        IEntityTypeConfiguration<Level>,
        IEntityTypeConfiguration<PriceList>,
        IEntityTypeConfiguration<PriceListEntry>
{
    public void Configure(EntityTypeBuilder<Product> b)
    {
        b.Property(p => p.Name).HasMaxLength(100);
        b.Property(p => p.LevelUnit).HasMaxLength(50);
        b.HasIndex(p => p.Name).IsUnique();
        b.Property(p => p.Version).IsConcurrencyToken();
        b.HasMany(p => p.Releases).WithOne().HasForeignKey(r => r.ProductId);
        b.HasMany(p => p.Editions).WithOne().HasForeignKey(e => e.ProductId);
        b.HasMany(p => p.Levels).WithOne().HasForeignKey(l => l.ProductId);
    }

    public void Configure(EntityTypeBuilder<ProductRelease> b)
    {
        b.HasIndex(r => new
        {
            r.ProductId,
            r.Major,
            r.Minor,
        })
            .IsUnique();
        b.Property(r => r.Notes).HasMaxLength(500);
        b.Ignore(r => r.IsMajor);
        b.Ignore(r => r.VersionLabel);
    }

    public void Configure(EntityTypeBuilder<Edition> b)
    {
        b.Property(e => e.Name).HasMaxLength(50);
        b.Property(e => e.Description).HasMaxLength(1000);
        b.HasIndex(e => new { e.ProductId, e.Name }).IsUnique();
        b.HasIndex(e => new { e.ProductId, e.Rank }).IsUnique();
        b.Property(e => e.Version).IsConcurrencyToken();
    }

    public void Configure(EntityTypeBuilder<Level> b)
    {
        b.Property(l => l.Name).HasMaxLength(50);
        b.HasIndex(l => new { l.ProductId, l.Name }).IsUnique();
        b.HasIndex(l => new { l.ProductId, l.Rank }).IsUnique();
        b.Property(l => l.Version).IsConcurrencyToken();
    }

    public void Configure(EntityTypeBuilder<PriceList> b)
    {
        b.HasOne<Product>().WithMany().HasForeignKey(p => p.ProductId);
        b.HasIndex(p => new { p.ProductId, p.Major }).IsUnique();
        b.Property(p => p.Currency).HasMaxLength(3);
        b.Property(p => p.Version).IsConcurrencyToken();
        b.HasMany(p => p.Entries).WithOne().HasForeignKey(e => e.PriceListId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<PriceListEntry> b)
    {
        b.HasIndex(e => new
        {
            e.PriceListId,
            e.EditionId,
            e.LevelId,
        })
            .IsUnique();
        b.HasOne<Edition>().WithMany().HasForeignKey(e => e.EditionId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Level>().WithMany().HasForeignKey(e => e.LevelId).OnDelete(DeleteBehavior.Restrict);
        b.Property(e => e.LicensePrice).HasPrecision(18, 2);
        b.Property(e => e.FailoverPrice).HasPrecision(18, 2);
        b.Property(e => e.ProtectionPrice).HasPrecision(18, 2);
    }
}
