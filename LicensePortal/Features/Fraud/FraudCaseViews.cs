using LicensePortal.Features.Licenses;
using LicensePortal.Features.Licensing;

namespace LicensePortal.Features.Fraud;

public sealed record CaseRow(
    int Id,
    int LicenseId,
    string LicenseKey,
    string Customer,
    string Phone,
    CaseState State,
    DateTime OpenedAt,
    DateTime DisableAt,
    int Attempts,
    CallOutcome? LastOutcome,
    DateTime? LastAttemptAt,
    string? Assignee,
    bool BackWithinAllowance,
    CaseOutcome? Outcome,
    string? AssigneeName = null
)
{
    public double DaysLeft(DateTime now) => Math.Max(0, (DisableAt - now).TotalDays);

    public bool IsOpen => FraudCase.IsOpenState(State);

    /// <summary>The assignee as a colleague reads it: their display name, or the part of the sign-in before the @ when they have
    /// none.</summary>
    public string? AssigneeShort => string.IsNullOrWhiteSpace(AssigneeName) ? Assignee?.Split('@')[0] : AssigneeName;
}

/// <summary>The case to call after this one, with what the agent needs to choose it.</summary>
public sealed record NextCase(int Id, string Customer, DateTime DisableAt);

/// <summary>Which cases the queue shows.</summary>
public enum CaseView
{
    Open,
    Mine,
    Unassigned,
    DueToday,
    BackWithinAllowance,
    ResolvedByCustomer,
    All,
    ToDisableThisWeek,
}

public sealed record CaseFilter(CaseView View = CaseView.Open, string? Search = null, CaseAge? Age = null);

public sealed record CaseDetail(
    FraudCase Case,
    License License,
    Standing Standing,
    IReadOnlyList<InstallationView> Installations,
    IReadOnlyList<TimelineEntry> Timeline,
    IReadOnlyList<OtherLicense> OtherLicenses,
    Installations.ReleaseEvidence Evidence
);

/// <summary>Another active license of the case's customer and product, with room it has for a server.</summary>
public sealed record OtherLicense(int Id, string Key, int Active, int Allowance)
{
    public bool HasRoom => Active < Allowance;
}

/// <summary>What resolving a case does in the same step: servers to mark decommissioned, and for an additional license, the server that
/// moves to it.</summary>
public sealed record Resolution(
    CaseOutcome Outcome,
    string Note,
    int? AdditionalLicenseId = null,
    long? MoveInstallationId = null,
    IReadOnlyList<long>? Decommission = null
);
