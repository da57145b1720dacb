using LicensePortal.Features.Licenses;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LicensePortal.Features.Renewals;

/// <summary>
/// A reminder emailed before a license's upgrade protection ends. One row per license, end date and
/// reminder (days before): the unique index is what keeps two runs from sending it twice, and a
/// renewed license's new end date has reminders of its own.
/// </summary>
public class ProtectionReminder
{
    public long Id { get; set; }
    public int LicenseId { get; set; }
    public DateOnly ProtectionEndsOn { get; set; }
    public int DaysBefore { get; set; }
    public DateTime SentAt { get; set; }
    public string SentTo { get; set; } = "";
}

internal sealed class ProtectionReminderConfiguration : IEntityTypeConfiguration<ProtectionReminder>
{
    public void Configure(EntityTypeBuilder<ProtectionReminder> b)
    {
        b.Property(r => r.SentTo).HasMaxLength(256);
        b.HasOne<License>().WithMany().HasForeignKey(r => r.LicenseId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(r => new
        {
            r.LicenseId,
            r.ProtectionEndsOn,
            r.DaysBefore,
        })
            .IsUnique();
    }
}
