using LicensePortal.Features.Customers;
using LicensePortal.Features.Licenses;
using LicensePortal.Features.Licensing;
using LicensePortal.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LicensePortal.Features.Quotes;

/// <summary>Stored states; Expired is not stored but read from the validity (see <see cref="Quote.StateOn(DateOnly)"/>).</summary>
public enum QuoteStatus
{
    Draft,
    Sent,
    Accepted,
    Expired,
    Cancelled,
}

public class Quote : IVersioned
{
    public int Id { get; set; }
    public string Number { get; set; } = "";
    public int CustomerId { get; set; }
    public Customer? Customer { get; set; }
    public DateOnly QuoteDate { get; set; }
    public DateOnly ValidUntil { get; set; }
    public QuoteStatus Status { get; set; }
    public decimal Total { get; set; }
    public string SalesRepName { get; set; } = "";
    public string SalesRepEmail { get; set; } = "";
    public string? Notes { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? SentAt { get; set; }
    public string? SentTo { get; set; }
    public DateTime? AcceptedAt { get; set; }
    public DateTime? CancelledAt { get; set; }
    public Guid Version { get; set; }
    public List<QuoteItem> Items { get; set; } = [];

    /// <summary>A draft or sent quote past its validity reads as Expired.</summary>
    public static QuoteStatus StateOn(QuoteStatus stored, DateOnly validUntil, DateOnly today) =>
        stored is QuoteStatus.Draft or QuoteStatus.Sent && today > validUntil ? QuoteStatus.Expired : stored;

    public QuoteStatus StateOn(DateOnly today) => StateOn(Status, ValidUntil, today);

    /// <summary>Refuses moving the quote to <paramref name="next"/> today when its state does not allow it, saying why.</summary>
    public void RequireMoveTo(QuoteStatus next, DateOnly today)
    {
        var why = (StateOn(today), next) switch
        {
            (QuoteStatus.Expired, _) =>
                $"Quote {Number} expired on {ValidUntil.AddDays(1):yyyy-MM-dd}: make a new quote with today's prices.",
            (QuoteStatus.Accepted, _) => $"Quote {Number} was already accepted.",
            (QuoteStatus.Cancelled, _) => $"Quote {Number} was cancelled.",
            (QuoteStatus.Draft or QuoteStatus.Sent, QuoteStatus.Sent or QuoteStatus.Accepted or QuoteStatus.Cancelled) => null,
            _ => $"Quote {Number} can't become {next}.",
        };
        if (why is not null)
            throw new DomainException(why);
    }
}

/// <summary>One license of a quote, with the configuration it was quoted from and to.</summary>
public class QuoteItem
{
    public int Id { get; set; }
    public int QuoteId { get; set; }
    public int LicenseId { get; set; }
    public License? License { get; set; }
    public string LicenseKey { get; set; } = "";
    public string ProductName { get; set; } = "";

    /// <summary>The license's version when quoted: accepting refuses if it has changed since.</summary>
    public Guid LicenseVersion { get; set; }

    public int FromMajor { get; set; }
    public string FromDescription { get; set; } = "";
    public int ToMajor { get; set; }
    public int ToEditionId { get; set; }
    public int ToLevelId { get; set; }
    public bool ToFailover { get; set; }
    public string ToDescription { get; set; } = "";

    /// <summary>The protection end date if accepted on the quote date; a renewal's real end date is set on acceptance.</summary>
    public DateOnly? ProtectionEndsOnAfter { get; set; }

    /// <summary>Accepting renews (or reinstates) upgrade protection for 12 months, from the old end date or the acceptance date.</summary>
    public bool RenewsProtection { get; set; }

    public decimal Subtotal { get; set; }
    public List<QuoteLineItem> Lines { get; set; } = [];

    /// <summary>True when accepting changes the license's major or configuration (not only its protection).</summary>
    public bool Changes(License license) =>
        ToMajor != license.Major || ToEditionId != license.EditionId || ToLevelId != license.LevelId || ToFailover != license.HasFailover;

    /// <summary>What the line does, as the quote page and the PDF name it.</summary>
    public string Summary()
    {
        var change =
            FromMajor == ToMajor && FromDescription == ToDescription
                ? $"{FromMajor}.x {FromDescription}"
                : $"{FromMajor}.x {FromDescription} → {ToMajor}.x {ToDescription}";
        return RenewsProtection ? $"{change} · upgrade protection renewed" : change;
    }
}

/// <summary>A priced line, snapshotted from the rules when the quote was made.</summary>
public class QuoteLineItem
{
    public int Id { get; set; }
    public int QuoteItemId { get; set; }
    public int Position { get; set; }
    public QuoteLineKind Kind { get; set; }
    public string Title { get; set; } = "";
    public string Reason { get; set; } = "";
    public decimal? FromPrice { get; set; }
    public decimal? ToPrice { get; set; }
    public decimal Amount { get; set; }
}

internal sealed class QuoteConfiguration
    : IEntityTypeConfiguration<Quote>,
        IEntityTypeConfiguration<QuoteItem>,
        IEntityTypeConfiguration<QuoteLineItem>
{
    public void Configure(EntityTypeBuilder<Quote> b)
    {
        b.Property(q => q.Number).HasMaxLength(20);
        b.HasIndex(q => q.Number).IsUnique();
        b.Property(q => q.Total).HasPrecision(18, 2);
        b.Property(q => q.SalesRepName).HasMaxLength(100);
        b.Property(q => q.SalesRepEmail).HasMaxLength(256);
        b.Property(q => q.SentTo).HasMaxLength(256);
        b.Property(q => q.Notes).HasMaxLength(2000);
        b.Property(q => q.Version).IsConcurrencyToken();
        b.HasOne(q => q.Customer).WithMany().HasForeignKey(q => q.CustomerId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(q => q.Items).WithOne().HasForeignKey(i => i.QuoteId).OnDelete(DeleteBehavior.Cascade);
        // The quotes list filters by these and sorts by validity.
        b.HasIndex(q => new { q.Status, q.ValidUntil });
        b.HasIndex(q => new { q.CustomerId, q.Id });
        b.HasIndex(q => new { q.SalesRepEmail, q.Id });
        b.HasIndex(q => q.ValidUntil);
        // The dashboard's weekly value of quotes sent and accepted.
        b.HasIndex(q => q.SentAt);
        b.HasIndex(q => q.AcceptedAt);
    }

    public void Configure(EntityTypeBuilder<QuoteItem> b)
    {
        b.Property(i => i.LicenseKey).HasMaxLength(LicenseKey.Length);
        b.Property(i => i.ProductName).HasMaxLength(100);
        b.Property(i => i.FromDescription).HasMaxLength(300);
        b.Property(i => i.ToDescription).HasMaxLength(300);
        b.Property(i => i.Subtotal).HasPrecision(18, 2);
        b.HasOne(i => i.License).WithMany().HasForeignKey(i => i.LicenseId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(i => i.LicenseId);
        b.HasMany(i => i.Lines).WithOne().HasForeignKey(l => l.QuoteItemId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<QuoteLineItem> b)
    {
        b.Property(l => l.Title).HasMaxLength(300);
        b.Property(l => l.Reason).HasMaxLength(1000);
        b.Property(l => l.FromPrice).HasPrecision(18, 2);
        b.Property(l => l.ToPrice).HasPrecision(18, 2);
        b.Property(l => l.Amount).HasPrecision(18, 2);
    }
}
