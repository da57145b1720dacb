namespace LicensePortal.Features.Audit;

public sealed record AuditFilter(
    string? User = null,
    string? EntityType = null,
    string? EntityId = null,
    string? Action = null,
    DateOnly? From = null,
    DateOnly? To = null
);

/// <summary>An audit row as people read it: who by name, the entity as a link, and only the fields that changed.</summary>
public sealed record AuditRow(
    long Id,
    DateTime At,
    string UserName,
    string Person,
    string Action,
    string EntityType,
    string EntityId,
    EntityLink Entity,
    IReadOnlyList<AuditChange> Changes
);
