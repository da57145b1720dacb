using System.Text.Json;

namespace LicensePortal.Features.Audit;

/// <summary>One field an audited change touched: "Status: Draft → Sent", or "Phone: +1 503 555 0100" when it was only set.</summary>
public sealed record AuditChange(string Field, string? Before, string? After)
{
    public override string ToString() =>
        (Before, After) switch
        {
            (null, { } after) => $"{Field}: {after}",
            ({ } before, null) => $"{Field}: {before} → —",
            _ => $"{Field}: {Before} → {After}",
        };
}

/// <summary>Audit rows as people read them: a row's before or after in words, and the fields a change touched.</summary>
public static partial class AuditText
{
    /// <summary>An audit row's before or after as a person reads it: "Outcome: MigrationCompleted · Note: …".</summary>
    public static string Describe(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
            return "";
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                return json;
            return string.Join(
                " · ",
                doc.RootElement.EnumerateObject()
                    .Where(p => p.Value.ValueKind != JsonValueKind.Null)
                    .Select(p => $"{p.Name}: {Readable(p.Value)}")
            );
        }
        catch (JsonException)
        {
            return json;
        }
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
            if (b == a || name == "Version")
                continue;
            changes.Add(new AuditChange(Words(name), b, a));
        }
        return changes;
    }

    /// <summary>Top-level fields as readable text, nulls left out; a value that is not an object is one field, "Value".</summary>
    private static Dictionary<string, string?> Fields(string? json)
    {
        var fields = new Dictionary<string, string?>();
        if (string.IsNullOrWhiteSpace(json))
            return fields;
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                fields["Value"] = Readable(doc.RootElement);
                return fields;
            }
            foreach (var p in doc.RootElement.EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.Null))
                fields[p.Name] =
                    StateFields.Contains(p.Name) && p.Value.ValueKind == JsonValueKind.String
                        ? Words(p.Value.GetString()!)
                        : Readable(p.Value);
        }
        catch (JsonException)
        {
            fields["Value"] = json;
        }
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
        value.ValueKind == JsonValueKind.True ? "yes"
        : value.ValueKind == JsonValueKind.False ? "no"
        : value.ValueKind == JsonValueKind.Array
        && value.EnumerateArray().All(v => v.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
            ? string.Join(", ", value.EnumerateArray().Select(Readable))
        : value.ValueKind == JsonValueKind.Array ? $"{value.GetArrayLength()} entries"
        : value.ValueKind != JsonValueKind.String ? value.GetRawText()
        : value.TryGetDateTime(out var at) && value.GetString()!.Contains('T') ? $"{at.ToUniversalTime():d MMM yyyy, HH:mm} UTC"
        : value.GetString()!;
}
