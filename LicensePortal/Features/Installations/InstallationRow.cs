namespace LicensePortal.Features.Installations;

public sealed record InstallationRow(
    long Id,
    int LicenseId,
    string LicenseKey,
    string Customer,
    string Hostname,
    string ProductVersion,
    DateTime FirstSeenAt,
    DateTime LastSeenAt,
    InstallationState State,
    int LicenseMajor,
    DateOnly? ProtectionEndsOn,
    DateTime? OfflineUntil = null,
    double MigrationDaysUsed = 0,
    double MigrationDaysLeft = 0,
    bool NeedsUpgrade = false
);
