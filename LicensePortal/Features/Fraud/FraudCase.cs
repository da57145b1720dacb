using LicensePortal.Features.Licenses;
using LicensePortal.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LicensePortal.Features.Fraud;

/// <summary>Open → CustomerNotified (email queued) → Contacting (first call logged) → Resolved or KeyDisabled.</summary>
public enum CaseState { Open, CustomerNotified, Contacting, Resolved, KeyDisabled }

public enum CaseOutcome { MigrationCompleted, AdditionalLicensePurchased, FalsePositive, KeyDisabled }

public enum CallOutcome { NoAnswer, Voicemail, SpokeWillFix, SpokeDisputes, WrongNumber }

public class FraudCase : IVersioned
{
    public static readonly CaseState[] OpenStates = [CaseState.Open, CaseState.CustomerNotified, CaseState.Contacting];

    public int Id { get; set; }
    public int LicenseId { get; set; }
    public License? License { get; set; }
    public DateTime OpenedAt { get; set; }
    public string OpenedBy { get; set; } = "";
    public string Reason { get; set; } = "";
    public CaseState State { get; set; }
    public DateTime DeadlineAt { get; set; }
    public DateTime? ExtendedTo { get; set; }
    public string? ExtensionReason { get; set; }
    public string? ExtendedBy { get; set; }
    public string? Assignee { get; set; }
    public CaseOutcome? Outcome { get; set; }
    public string? OutcomeNote { get; set; }
    public int? AdditionalLicenseId { get; set; }
    public DateTime? ClosedAt { get; set; }
    public string? ClosedBy { get; set; }
    public Guid Version { get; set; }
    public List<CallAttempt> Calls { get; set; } = [];

    public bool IsOpen => OpenStates.Contains(State);
    public DateTime DisableAt => ExtendedTo ?? DeadlineAt;
}

public class CallAttempt
{
    public int Id { get; set; }
    public int CaseId { get; set; }
    public DateTime At { get; set; }
    public string Agent { get; set; } = "";
    public string NumberDialled { get; set; } = "";
    public CallOutcome Outcome { get; set; }
    public string? Notes { get; set; }
}

/// <summary>A stretch of time a license ran over its allowance, as the monitor saw it.</summary>
public class OverAllowancePeriod
{
    public long Id { get; set; }
    public int LicenseId { get; set; }
    public DateTime StartedAt { get; set; }
    public DateTime? EndedAt { get; set; }

    /// <summary>When the standing changes with no new check-in (the migration window ends), so an incremental pass looks again.</summary>
    public DateTime? ReviewAt { get; set; }
}

internal sealed class FraudConfiguration :
    IEntityTypeConfiguration<FraudCase>, IEntityTypeConfiguration<CallAttempt>, IEntityTypeConfiguration<OverAllowancePeriod>
{
    public void Configure(EntityTypeBuilder<FraudCase> b)
    {
        b.HasOne(c => c.License).WithMany().HasForeignKey(c => c.LicenseId).OnDelete(DeleteBehavior.Restrict);
        // At most one open case per license, enforced by the database so two monitors can't both open one.
        b.HasIndex(c => c.LicenseId).IsUnique().HasFilter("\"State\" IN (0, 1, 2)").HasDatabaseName("IX_FraudCases_OneOpenPerLicense");
        b.HasIndex(c => new { c.State, c.DeadlineAt });
        b.Property(c => c.OpenedBy).HasMaxLength(256);
        b.Property(c => c.Reason).HasMaxLength(1000);
        b.Property(c => c.ExtensionReason).HasMaxLength(1000);
        b.Property(c => c.ExtendedBy).HasMaxLength(256);
        b.Property(c => c.Assignee).HasMaxLength(256);
        b.Property(c => c.OutcomeNote).HasMaxLength(1000);
        b.Property(c => c.ClosedBy).HasMaxLength(256);
        b.Property(c => c.Version).IsConcurrencyToken();
        b.Ignore(c => c.IsOpen);
        b.Ignore(c => c.DisableAt);
        b.HasMany(c => c.Calls).WithOne().HasForeignKey(a => a.CaseId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<CallAttempt> b)
    {
        b.Property(a => a.Agent).HasMaxLength(256);
        b.Property(a => a.NumberDialled).HasMaxLength(40);
        b.Property(a => a.Notes).HasMaxLength(2000);
        b.HasIndex(a => new { a.CaseId, a.At });
    }

    public void Configure(EntityTypeBuilder<OverAllowancePeriod> b)
    {
        // At most one open period per license, so two monitor passes at once record a migration once.
        b.HasIndex(p => p.LicenseId).IsUnique().HasFilter("\"EndedAt\" IS NULL").HasDatabaseName("IX_OverAllowancePeriods_OneOpenPerLicense");
        b.HasIndex(p => p.ReviewAt);
    }
}
