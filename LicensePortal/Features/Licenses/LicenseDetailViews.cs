using LicensePortal.Features.Installations;
using LicensePortal.Features.Licensing;
using LicensePortal.Features.Quotes;

namespace LicensePortal.Features.Licenses;

public sealed record InstallationView(
    long Id,
    string Hostname,
    string MachineId,
    string ProductVersion,
    DateTime FirstSeenAt,
    DateTime StintStartedAt,
    DateTime LastSeenAt,
    InstallationState State,
    bool NeedsUpgrade,
    DateTime? OfflineUntil = null
)
{
    /// <summary>An installation as the license and case pages show it, in the state the rules give it now.</summary>
    public static InstallationView Of(Installation i, License license, DateOnly today, DateTime now, InstallationOptions options) =>
        new(
            i.Id,
            i.Hostname,
            i.MachineId,
            i.ProductVersion,
            i.FirstSeenAt,
            i.StintStartedAt,
            i.LastSeenAt,
            InstallationStanding.StateOf(i.Stint, now, options),
            !VersionEntitlement.Covers(license.Major, license.ProtectionEndsOn, i.ProductVersion, today),
            InstallationStanding.OfflineCurrent(i.OfflineUntil, now) ? i.OfflineUntil : null
        );

    /// <summary>Running a later major than the license allows without current upgrade protection.</summary>
    public string? UpgradeWarning(int licenseMajor) =>
        NeedsUpgrade
            ? $"Runs {ProductVersion}, a later major than the license's {licenseMajor}.x without current upgrade protection: an upgrade "
                + $"is needed."
            : null;
}

public sealed record TimelineEntry(DateTime At, string Kind, string Description, string? UserName);

public sealed record LicenseQuote(int Id, string Number, DateOnly ValidUntil, QuoteStatus State, decimal Subtotal);

public sealed record LicenseCase(int Id, Fraud.CaseState State, DateTime OpenedAt, Fraud.CaseOutcome? Outcome);

public sealed record LicenseDetail(
    License License,
    Entitlement Entitlement,
    Standing Standing,
    IReadOnlyList<InstallationView> Installations,
    IReadOnlyList<LicenseQuote> Quotes,
    IReadOnlyList<TimelineEntry> Timeline,
    IReadOnlyList<LicenseCase> Cases,
    ReleaseEvidence Evidence
)
{
    public LicenseCase? OpenCase => Cases.FirstOrDefault(c => Fraud.FraudCase.IsOpenState(c.State));
}
