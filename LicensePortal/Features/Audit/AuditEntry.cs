using System.Security.Claims;
using System.Text.Json;
using LicensePortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LicensePortal.Features.Audit;

/// <summary>One change of state: who, when, what, before and after. Rows are only ever added.</summary>
public class AuditEntry
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    public string UserName { get; set; } = "";
    public string Action { get; set; } = "";
    public string EntityType { get; set; } = "";
    public string EntityId { get; set; } = "";
    public string? Before { get; set; }
    public string? After { get; set; }
    /// <summary>The previous row's <see cref="Hash"/> ("" for the first row), set when the row is sealed (AuditChain).</summary>
    public string? PreviousHash { get; set; }
    /// <summary>SHA-256 over <see cref="PreviousHash"/> and this row's fields; null until the row is sealed.</summary>
    public string? Hash { get; set; }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.ToTable("AuditLog");
        b.Property(a => a.UserName).HasMaxLength(256);
        b.Property(a => a.Action).HasMaxLength(100);
        b.Property(a => a.EntityType).HasMaxLength(100);
        b.Property(a => a.EntityId).HasMaxLength(256);
        b.Property(a => a.PreviousHash).HasMaxLength(64);
        b.Property(a => a.Hash).HasMaxLength(64);
        b.HasIndex(a => a.At);
        b.HasIndex(a => new { a.EntityType, a.EntityId, a.At });
        b.HasIndex(a => new { a.UserName, a.At });
    }
}

/// <summary>One field an audited change touched: "Status: Draft → Sent", or "Phone: +1 503 555 0100" when it was only set.</summary>
public sealed record AuditChange(string Field, string? Before, string? After)
{
    public override string ToString() => (Before, After) switch
    {
        (null, { } after) => $"{Field}: {after}",
        ({ } before, null) => $"{Field}: {before} → —",
        _ => $"{Field}: {Before} → {After}",
    };
}

public static partial class AuditExtensions
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false, Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    /// <summary>An audit row's before or after as a person reads it: "Outcome: MigrationCompleted · Note: …".</summary>
    public static string Describe(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return "";
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return json;
            return string.Join(" · ", doc.RootElement.EnumerateObject()
                .Where(p => p.Value.ValueKind != JsonValueKind.Null)
                .Select(p => $"{p.Name}: {Readable(p.Value)}"));
        }
        catch (JsonException) { return json; }
    }

    /// <summary>
    /// The fields an audit row changed, in the order the change wrote them: those that differ before and after, and those
    /// only one side has. Unchanged fields are left out; a row with no before (a creation) lists what was set.
    /// </summary>
    public static IReadOnlyList<AuditChange> Diff(string? before, string? after)
    {
        var old = Fields(before);
        var @new = Fields(after);
        var changes = new List<AuditChange>();
        foreach (var name in @new.Keys.Concat(old.Keys).Distinct())
        {
            var b = old.GetValueOrDefault(name);
            var a = @new.GetValueOrDefault(name);
            // The concurrency token changes with every save and means nothing to a reader.
            if (b == a || name == "Version") continue;
            changes.Add(new AuditChange(Words(name), b, a));
        }
        return changes;
    }

    /// <summary>Top-level fields as readable text, nulls left out; a value that is not an object is one field, "Value".</summary>
    private static Dictionary<string, string?> Fields(string? json)
    {
        var fields = new Dictionary<string, string?>();
        if (string.IsNullOrWhiteSpace(json)) return fields;
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) { fields["Value"] = Readable(doc.RootElement); return fields; }
            foreach (var p in doc.RootElement.EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.Null))
                fields[p.Name] = StateFields.Contains(p.Name) && p.Value.ValueKind == JsonValueKind.String ? Words(p.Value.GetString()!) : Readable(p.Value);
        }
        catch (JsonException) { fields["Value"] = json; }
        return fields;
    }

    /// <summary>Fields whose values are the names of states ("CustomerNotified"), read as words ("Customer notified").</summary>
    private static readonly HashSet<string> StateFields = ["State", "Status", "Outcome", "Kind"];

    /// <summary>"ProtectionEndsOn" as "Protection ends on".</summary>
    private static string Words(string name)
    {
        var words = WordBoundary().Replace(name, " ");
        return words.Length == 0 ? words : words[..1].ToUpperInvariant() + words[1..].ToLowerInvariant();
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")]
    private static partial System.Text.RegularExpressions.Regex WordBoundary();

    /// <summary>Times as people read them elsewhere in the portal (8 Dec 2026, 10:28 UTC); other values as stored.</summary>
    private static string Readable(JsonElement value) =>
        value.ValueKind == JsonValueKind.True ? "yes" : value.ValueKind == JsonValueKind.False ? "no"
        : value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(v => v.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
            ? string.Join(", ", value.EnumerateArray().Select(Readable))
        : value.ValueKind == JsonValueKind.Array ? $"{value.GetArrayLength()} entries"
        : value.ValueKind != JsonValueKind.String ? value.GetRawText()
        : value.TryGetDateTime(out var at) && value.GetString()!.Contains('T') ? $"{at.ToUniversalTime():d MMM yyyy, HH:mm} UTC"
        : value.GetString()!;

    /// <summary>
    /// Adds an audit row to the context, so it is saved by the same SaveChanges (and
    /// transaction) as the change it describes.
    /// </summary>
    public static void Audit(this AppDbContext db, ClaimsPrincipal actor, DateTime at, string action, string entityType, object entityId, object? before, object? after) =>
        db.AuditLog.Add(Entry(actor, at, action, entityType, entityId, before, after));

    /// <summary>An audit row, for callers that write it themselves (bulk work).</summary>
    public static AuditEntry Entry(ClaimsPrincipal actor, DateTime at, string action, string entityType, object entityId, object? before, object? after) => new()
    {
        At = at,
        UserName = actor.Identity?.Name ?? "system",
        Action = action,
        EntityType = entityType,
        EntityId = entityId.ToString() ?? "",
        Before = before is null ? null : JsonSerializer.Serialize(before, Json),
        After = after is null ? null : JsonSerializer.Serialize(after, Json),
    };
}
