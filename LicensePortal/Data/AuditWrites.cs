using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using LicensePortal.Features.Audit;

namespace LicensePortal.Data;

/// <summary>
/// The one way a change is audited: its audit row is added to the context beside the change and goes to the database
/// in the same SaveChanges, which seals it into the chain in the same transaction (<see cref="AppDbContext"/>).
/// </summary>
public static class AuditWrites
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false, Converters = { new JsonStringEnumConverter() } };

    public static void Audit(
        this AppDbContext db,
        ClaimsPrincipal actor,
        DateTime at,
        string action,
        string entityType,
        object entityId,
        object? before,
        object? after
    ) => db.AuditLog.Add(Entry(actor, at, action, entityType, entityId, before, after));

    /// <summary>
    /// Audits a change to a row the same SaveChanges creates: its id (and so <paramref name="after"/>) is known only once
    /// the row is inserted, so both are read then, and the audit row is inserted after it in that SaveChanges' transaction.
    /// </summary>
    public static void Audit(
        this AppDbContext db,
        ClaimsPrincipal actor,
        DateTime at,
        string action,
        string entityType,
        Func<object> entityId,
        object? before,
        Func<object?> after
    )
    {
        var row = Entry(actor, at, action, entityType, "", before, null);
        db.AuditLog.Add(row);
        db.AuditAfterInsert(
            row,
            () =>
            {
                row.EntityId = entityId().ToString() ?? "";
                row.After = Serialize(after());
            }
        );
    }

    /// <summary>An audit row, for callers that write it themselves (bulk work).</summary>
    public static AuditEntry Entry(
        ClaimsPrincipal actor,
        DateTime at,
        string action,
        string entityType,
        object entityId,
        object? before,
        object? after
    ) =>
        new()
        {
            At = at,
            UserName = actor.Identity?.Name ?? "system",
            Action = action,
            EntityType = entityType,
            EntityId = entityId.ToString() ?? "",
            Before = Serialize(before),
            After = Serialize(after),
        };

    private static string? Serialize(object? value) => value is null ? null : JsonSerializer.Serialize(value, Json);
}
