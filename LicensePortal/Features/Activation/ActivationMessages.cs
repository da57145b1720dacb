namespace LicensePortal.Features.Activation;

public sealed record CheckInRequest(string? LicenseKey, string? MachineId, string? Hostname, string? ProductVersion);

public sealed record ReleaseRequest(string? LicenseKey, string? MachineId);

public sealed record CheckInResponse(
    string Status,
    int Allowance,
    int ActiveInstallations,
    DateTime? GraceEndsAt,
    DateTime? DisableAt,
    string Message
);

public enum ReleaseOutcome
{
    Released,
    UnknownKey,
    ActivatedOffline,
}
