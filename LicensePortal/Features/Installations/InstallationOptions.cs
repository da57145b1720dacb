using System.ComponentModel.DataAnnotations;

namespace LicensePortal.Features.Installations;

/// <summary>
/// Periods and limits of docs/RULES.md's installation rules. A business may change them, so they
/// live in configuration; the defaults are docs/RULES.md's.
/// </summary>
public sealed class InstallationOptions
{
    public const string Section = "Installations";

    /// <summary>The FAQ's maximum migration window: a longer one is refused at start-up.</summary>
    public const int MaxMigrationWindowDays = 30;

    /// <summary>An installation not seen for this many days no longer counts as active.</summary>
    [Range(1, 365, ErrorMessage = "Installations:ActiveWithinDays must be between 1 and 365 days.")]
    public int ActiveWithinDays { get; set; } = 14;

    /// <summary>How long a license may run over its allowance while a server is migrated.</summary>
    [Range(
        1,
        MaxMigrationWindowDays,
        ErrorMessage = "Installations:MigrationWindowDays must be between 1 and 30 days: the licensing FAQ allows a migration for at "
            + "most 30 days."
    )]
    public int MigrationWindowDays { get; set; } = MaxMigrationWindowDays;

    /// <summary>The period over which days over allowance add up, so a new migration does not restart the clock.</summary>
    [Range(30, 3650, ErrorMessage = "Installations:LookbackDays must be between 30 and 3650 days.")]
    public int LookbackDays { get; set; } = 365;

    /// <summary>Days a fraud case has to be resolved before the key is disabled.</summary>
    [Range(1, 365, ErrorMessage = "Installations:CaseDeadlineDays must be between 1 and 365 days.")]
    public int CaseDeadlineDays { get; set; } = 14;

    /// <summary>Hours a release from the product (or a release code) waits before the machine stops counting.</summary>
    [Range(0, 168, ErrorMessage = "Installations:ReleaseSettleHours must be between 0 and 168 hours.")]
    public int ReleaseSettleHours { get; set; } = 24;

    /// <summary>Releases of one license that count within <see cref="ReleaseLimitDays"/>; later ones are recorded only.</summary>
    [Range(1, 100, ErrorMessage = "Installations:ReleaseLimit must be between 1 and 100 releases.")]
    public int ReleaseLimit { get; set; } = 3;

    /// <summary>The period <see cref="ReleaseLimit"/> counts over, and the period the evidence on a license covers.</summary>
    [Range(1, 365, ErrorMessage = "Installations:ReleaseLimitDays must be between 1 and 365 days.")]
    public int ReleaseLimitDays { get; set; } = 30;

    /// <summary>Release codes of one license a year that free the allowance without a manager's approval.</summary>
    [Range(0, 100, ErrorMessage = "Installations:OfflineReleasesPerYear must be between 0 and 100.")]
    public int OfflineReleasesPerYear { get; set; } = 2;

    public TimeSpan ActiveWithin => TimeSpan.FromDays(ActiveWithinDays);
    public TimeSpan ReleaseSettle => TimeSpan.FromHours(ReleaseSettleHours);
    public TimeSpan ReleaseLimitPeriod => TimeSpan.FromDays(ReleaseLimitDays);
    public TimeSpan MigrationWindow => TimeSpan.FromDays(MigrationWindowDays);
    public TimeSpan Lookback => TimeSpan.FromDays(LookbackDays);
    public TimeSpan CaseDeadline => TimeSpan.FromDays(CaseDeadlineDays);
}
