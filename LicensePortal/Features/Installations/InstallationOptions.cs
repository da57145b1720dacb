namespace LicensePortal.Features.Installations;

/// <summary>Periods of DOMAIN.md's installation rules; a business may change them, so they live in configuration.</summary>
public sealed class InstallationOptions
{
    public const string Section = "Installations";

    /// <summary>An installation not seen for this many days no longer counts as active.</summary>
    public int ActiveWithinDays { get; set; } = 14;
}
