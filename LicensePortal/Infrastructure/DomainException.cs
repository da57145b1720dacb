namespace LicensePortal.Infrastructure;

/// <summary>
/// A broken business rule; the message is written for the person using the portal. A refusal about fields of a form
/// also says which field each part is about (<see cref="Fields"/>; "" for the form as a whole), so the form can show
/// each message on its field.
/// </summary>
public sealed class DomainException : Exception
{
    public DomainException(string message)
        : base(message) => Fields = new Dictionary<string, string> { [""] = message };

    public DomainException(IReadOnlyDictionary<string, string> fields)
        : base(string.Join(" ", fields.Values)) => Fields = fields;

    /// <summary>The message for each field the refusal is about, by property name; "" for the whole form.</summary>
    public IReadOnlyDictionary<string, string> Fields { get; }

    /// <summary>A refusal of one field of a form.</summary>
    public static DomainException ForField(string field, string message) => new(new Dictionary<string, string> { [field] = message });
}
