using LicensePortal.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LicensePortal.Features.Customers;

public class Customer : IVersioned
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public string Email { get; set; } = "";
    public string Phone { get; set; } = "";
    public string AddressLine1 { get; set; } = "";
    public string? AddressLine2 { get; set; }
    public string City { get; set; } = "";
    public string? Region { get; set; }
    public string PostalCode { get; set; } = "";
    public string Country { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public Guid Version { get; set; }
    public List<CustomerContact> Contacts { get; set; } = [];
}

public class CustomerContact
{
    public int Id { get; set; }
    public int CustomerId { get; set; }
    public string Name { get; set; } = "";
    public string? JobTitle { get; set; }
    public string Email { get; set; } = "";
    public string? Phone { get; set; }
    public bool IsPrimary { get; set; }
}

internal sealed class CustomerConfiguration : IEntityTypeConfiguration<Customer>, IEntityTypeConfiguration<CustomerContact>
{
    public void Configure(EntityTypeBuilder<Customer> b)
    {
        b.Property(c => c.Name).HasMaxLength(200);
        b.Property(c => c.Email).HasMaxLength(256);
        b.Property(c => c.Phone).HasMaxLength(40);
        b.Property(c => c.AddressLine1).HasMaxLength(200);
        b.Property(c => c.AddressLine2).HasMaxLength(200);
        b.Property(c => c.City).HasMaxLength(100);
        b.Property(c => c.Region).HasMaxLength(100);
        b.Property(c => c.PostalCode).HasMaxLength(20);
        b.Property(c => c.Country).HasMaxLength(100);
        b.Property(c => c.Version).IsConcurrencyToken();
        // The customer list searches and sorts on these.
        b.HasIndex(c => c.Name);
        b.HasIndex(c => c.Email);
        b.HasIndex(c => c.Phone);
        b.HasMany(c => c.Contacts).WithOne().HasForeignKey(c => c.CustomerId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<CustomerContact> b)
    {
        b.Property(c => c.Name).HasMaxLength(200);
        b.Property(c => c.JobTitle).HasMaxLength(100);
        b.Property(c => c.Email).HasMaxLength(256);
        b.Property(c => c.Phone).HasMaxLength(40);
        b.HasIndex(c => c.Email);
    }
}
