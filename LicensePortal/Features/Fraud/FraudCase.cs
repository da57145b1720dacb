using LicensePortal.Features.Licenses;
using LicensePortal.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LicensePortal.Features.Fraud;

/// <summary>Open → CustomerNotified (email queued) → Contacting (first call logged) → Resolved or KeyDisabled.</summary>
public enum CaseState
{
    Open,
    CustomerNotified,
    Contacting,
    Resolved,
    KeyDisabled,
}

public enum CaseOutcome
{
    MigrationCompleted,
    AdditionalLicensePurchased,
    FalsePositive,
    KeyDisabled,
    ResolvedByCustomer,
}

public enum CallOutcome
{
    NoAnswer,
    Voicemail,
    SpokeWillFix,
    SpokeDisputes,
    WrongNumber,
}

/// <summary>
/// A fraud case and the moves it allows. Each method refuses a move the rules forbid with a
/// <see cref="DomainException"/>; the staff service and the monitor both change cases through them.
/// </summary>
public class FraudCase : IVersioned
{
    public static readonly CaseState[] OpenStates = [CaseState.Open, CaseState.CustomerNotified, CaseState.Contacting];

    /// <summary>The open states as SQL, for the unique index and raw statements; a test ties it to <see cref="OpenStates"/>.</summary>
    public static readonly string OpenStatesSql = $"\"State\" IN ({string.Join(", ", OpenStates.Select(s => (int)s))})";

    /// <summary>How far a manager may move a deadline, once.</summary>
    public const int MaxExtensionDays = 30;

    public const int MaxTextLength = 1000;
    public const int MaxCallNotesLength = 2000;
    public const string CallNotesMessage = "Keep the call notes to 2,000 characters.";

    /// <summary>A case opened by hand stores the agent's reason after this, within <see cref="MaxTextLength"/>.</summary>
    public const string HandOpenedPrefix = "Opened by hand: ";
    public const int MaxHandOpenedReasonLength = MaxTextLength - 16; // HandOpenedPrefix.Length, which C# cannot use in a constant
    public const string NumberPattern = @"^\+?[0-9 ()./-]{4,40}$";
    public const int MaxNumberLength = 40;
    public const string NumberMessage = "The number dialled may hold digits, spaces and + ( ) - . only (4 to 40 characters).";

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

    public bool IsOpen => IsOpenState(State);

    public static bool IsOpenState(CaseState state) => OpenStates.Contains(state);

    public DateTime DisableAt => ExtendedTo ?? DeadlineAt;

    /// <summary>A case whose customer and team emails are queued in the same save, so it starts as CustomerNotified.</summary>
    public static FraudCase Open(int licenseId, DateTime now, DateTime deadline, string openedBy, string reason)
    {
        if (string.IsNullOrWhiteSpace(reason))
            throw new DomainException("Say why the case is opened.");
        if (deadline <= now)
            throw new DomainException("A case's deadline must be in the future.");
        return new FraudCase
        {
            LicenseId = licenseId,
            OpenedAt = now,
            OpenedBy = openedBy,
            Reason = Clip(reason.Trim()),
            State = CaseState.CustomerNotified,
            DeadlineAt = deadline,
            Version = Guid.NewGuid(),
        };
    }

    public void Take(string user)
    {
        EnsureOpen();
        if (Assignee == user)
            throw new DomainException($"Case #{Id} is yours already.");
        Assignee = user;
    }

    public void Release(string user)
    {
        EnsureOpen();
        if (Assignee is null)
            throw new DomainException($"Nobody has taken case #{Id}.");
        Assignee = null;
    }

    /// <summary>Logs a call; the first call moves the case to Contacting.</summary>
    public CallAttempt LogCall(DateTime now, string agent, string numberDialled, CallOutcome outcome, string? notes)
    {
        EnsureOpen();
        var number = numberDialled?.Trim() ?? "";
        if (number.Length == 0)
            throw new DomainException("Enter the number you dialled.");
        if (!System.Text.RegularExpressions.Regex.IsMatch(number, NumberPattern))
            throw new DomainException(NumberMessage);
        // The pattern allows a leading + before its 40 characters; the column holds 40 in all.
        TextLimit.Check(number, MaxNumberLength, "number dialled");
        TextLimit.Check(notes, MaxCallNotesLength, "call notes");
        var call = new CallAttempt
        {
            At = now,
            Agent = agent,
            NumberDialled = number,
            Outcome = outcome,
            Notes = string.IsNullOrWhiteSpace(notes) ? null : notes.Trim(),
        };
        Calls.Add(call);
        if (State is CaseState.Open or CaseState.CustomerNotified)
            State = CaseState.Contacting;
        return call;
    }

    /// <summary>
    /// Staff resolve the case. Each outcome must leave the license in a state that does not reopen a
    /// case at the next pass: a completed migration needs the license back within its allowance; an
    /// additional license is linked and the license must be within its allowance once the caller has
    /// moved the extra installation to it; a false positive restores the window (the caller restores it on the license).
    /// </summary>
    public void Resolve(CaseOutcome outcome, string note, DateTime now, string by, bool withinAllowance, int? additionalLicenseId = null)
    {
        EnsureOpen();
        RequireText(note, "Give a note: it is kept in the audit log.", "note");
        switch (outcome)
        {
            case CaseOutcome.KeyDisabled:
                throw new DomainException("Use Disable key to close a case by disabling the key.");
            case CaseOutcome.ResolvedByCustomer:
                throw new DomainException(
                    "A case closes as resolved by the customer only at its deadline, when the license is back within its allowance."
                );
            case CaseOutcome.MigrationCompleted when !withinAllowance:
                throw new DomainException(
                    "The license still has more active installations than it allows: mark the old server decommissioned in the same step, "
                        + "or wait for the product to release it."
                );
            case CaseOutcome.AdditionalLicensePurchased when additionalLicenseId is null:
                throw new DomainException("Choose the additional license the customer bought.");
            case CaseOutcome.AdditionalLicensePurchased when !withinAllowance:
                throw new DomainException(
                    "Even with that server moved, the license has more active installations than it allows: mark the other servers that "
                        + "are gone decommissioned too."
                );
        }
        AdditionalLicenseId = outcome == CaseOutcome.AdditionalLicensePurchased ? additionalLicenseId : null;
        Close(CaseState.Resolved, outcome, note, now, by);
    }

    /// <summary>At the deadline, a license back within its allowance is not disabled: the customer resolved it.</summary>
    public void ResolveByCustomer(DateTime now, string by)
    {
        EnsureOpen();
        if (now < DisableAt)
            throw new DomainException($"Case #{Id} runs until {DisableAt:yyyy-MM-dd HH:mm} UTC.");
        Close(
            CaseState.Resolved,
            CaseOutcome.ResolvedByCustomer,
            $"The license was back within its allowance when the deadline of {DisableAt:yyyy-MM-dd HH:mm} UTC came, so the key stays "
                + $"enabled.",
            now,
            by
        );
    }

    /// <summary>Closes the case with the key disabled; the caller disables the license in the same save.</summary>
    public void CloseWithKeyDisabled(string reason, DateTime now, string by)
    {
        EnsureOpen();
        RequireText(reason, "Give a reason: it is kept in the audit log.", "reason");
        Close(CaseState.KeyDisabled, CaseOutcome.KeyDisabled, reason, now, by);
    }

    /// <summary>A manager moves the deadline later, once, by at most <see cref="MaxExtensionDays"/> days.</summary>
    public void ExtendDeadline(DateTime newDeadline, string reason, string by, DateTime now)
    {
        EnsureOpen();
        RequireText(reason, "Give a reason: it is kept in the audit log.", "reason");
        if (ExtendedTo is not null)
            throw new DomainException($"The deadline was already extended once, to {ExtendedTo:yyyy-MM-dd}.");
        if (newDeadline <= DeadlineAt || newDeadline <= now)
            throw new DomainException(
                $"The new deadline must be after the current one ({DeadlineAt:yyyy-MM-dd HH:mm} UTC) and in the future."
            );
        if (newDeadline > DeadlineAt.AddDays(MaxExtensionDays))
            throw new DomainException($"A deadline can be extended by at most {MaxExtensionDays} days.");
        ExtendedTo = newDeadline;
        ExtensionReason = Clip(reason.Trim());
        ExtendedBy = by;
    }

    public void EnsureOpen()
    {
        if (!IsOpen)
            throw new DomainException($"Case #{Id} is closed ({CaseText.Of(State).ToLowerInvariant()}).");
    }

    private void Close(CaseState state, CaseOutcome outcome, string note, DateTime now, string by)
    {
        State = state;
        Outcome = outcome;
        OutcomeNote = Clip(note.Trim());
        ClosedAt = now;
        ClosedBy = by;
    }

    private static void RequireText(string? text, string message, string field)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw new DomainException(message);
        TextLimit.Check(text, MaxTextLength, field);
    }

    private static string Clip(string text) => text.Length <= MaxTextLength ? text : text[..MaxTextLength];
}

/// <summary>Case states and outcomes as people read them.</summary>
public static class CaseText
{
    public static string Of(CaseState state) =>
        state switch
        {
            CaseState.Open => "Open",
            CaseState.CustomerNotified => "Customer notified",
            CaseState.Contacting => "Contacting",
            CaseState.Resolved => "Resolved",
            _ => "Key disabled",
        };

    public static string Of(CaseOutcome outcome) =>
        outcome switch
        {
            CaseOutcome.MigrationCompleted => "Migration completed",
            CaseOutcome.AdditionalLicensePurchased => "Additional license purchased",
            CaseOutcome.FalsePositive => "False positive",
            CaseOutcome.ResolvedByCustomer => "Resolved by the customer",
            _ => "Key disabled",
        };
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

internal sealed class FraudConfiguration
    : IEntityTypeConfiguration<FraudCase>,
        IEntityTypeConfiguration<CallAttempt>,
        IEntityTypeConfiguration<OverAllowancePeriod>
{
    public void Configure(EntityTypeBuilder<FraudCase> b)
    {
        b.HasOne(c => c.License).WithMany().HasForeignKey(c => c.LicenseId).OnDelete(DeleteBehavior.Restrict);
        // At most one open case per license, enforced by the database so two monitors can't both open one.
        b.HasIndex(c => c.LicenseId).IsUnique().HasFilter(FraudCase.OpenStatesSql).HasDatabaseName("IX_FraudCases_OneOpenPerLicense");
        b.HasIndex(c => new { c.State, c.DeadlineAt });
        // The dashboard's weekly trends read cases by when they were opened and when they were resolved.
        b.HasIndex(c => c.OpenedAt);
        // ClosedAt alone: with State first the planner would take it for open-case lookups instead of the partial one-open-case index.
        b.HasIndex(c => c.ClosedAt);
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
        b.HasIndex(p => p.LicenseId)
            .IsUnique()
            .HasFilter("\"EndedAt\" IS NULL")
            .HasDatabaseName("IX_OverAllowancePeriods_OneOpenPerLicense");
        b.HasIndex(p => p.ReviewAt);
    }
}
