using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LicensePortal.Features.Licenses;

/// <summary>One entry of a license's history, shown on its timeline.</summary>
public class LicenseEvent
{
    public long Id { get; set; }
    public int LicenseId { get; set; }
    public License? License { get; set; }
    public DateTime At { get; set; }
    public string Kind { get; set; } = "";
    public string Description { get; set; } = "";
    public string UserName { get; set; } = "";

    public const int MaxDescriptionLength = 1000;

    /// <summary>
    /// A history line built around typed text (a 1,000-character note plus what happened) may run past the column;
    /// the line is shortened with an ellipsis, while the typed text itself is kept whole on its case and in the audit log.
    /// </summary>
    public static string Line(string text) => text.Length <= MaxDescriptionLength ? text : text[..(MaxDescriptionLength - 1)] + "…";
}

public static class LicenseEventKinds
{
    public const string Issued = "Issued";
    public const string Upgraded = "Upgraded";
    public const string ProtectionRenewed = "Protection renewed";
    public const string ProtectionReminder = "Protection reminder";
    public const string CaseOpened = "Fraud case opened";
    public const string CaseClosed = "Fraud case closed";
    public const string Disabled = "Disabled";
    public const string Enabled = "Re-enabled";
    public const string OwnerChanged = "Owner changed";
    public const string ActivatedOffline = "Activated offline";
    public const string ReleaseLimitReached = "Release limit reached";
}

internal sealed class LicenseEventConfiguration : IEntityTypeConfiguration<LicenseEvent>
{
    public void Configure(EntityTypeBuilder<LicenseEvent> b)
    {
        b.Property(e => e.Kind).HasMaxLength(50);
        b.Property(e => e.Description).HasMaxLength(LicenseEvent.MaxDescriptionLength);
        b.Property(e => e.UserName).HasMaxLength(256);
        b.HasOne(e => e.License).WithMany().HasForeignKey(e => e.LicenseId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(e => new { e.LicenseId, e.At });
        // The dashboard counts keys disabled and protection renewed per week without reading every license's history.
        b.HasIndex(e => new { e.Kind, e.At });
    }
}
