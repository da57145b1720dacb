namespace LicensePortal.Features.Installations;

/// <summary>Where an installation stands now (<c>InstallationStanding.StateOf</c>).</summary>
public enum InstallationState
{
    Active,
    Stale,
    Released,
    Decommissioned,
}
