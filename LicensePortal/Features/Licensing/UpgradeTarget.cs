namespace LicensePortal.Features.Licensing;

/// <summary>What a quote line asks for: the configuration to reach, and whether to the current major and with a renewal.</summary>
public sealed record UpgradeTarget(int EditionId, int LevelId, bool HasFailover, bool ToCurrentMajor = false, bool RenewProtection = false);
