namespace LicensePortal.Infrastructure;

/// <summary>
/// The one check on how long typed text may be, made by the service that saves it (docs/RULES.md,
/// "Limits on what people type"). Text is measured as it is stored, trimmed; over the limit it is
/// refused with a message that names the field and the limit, never cut short.
/// </summary>
public static class TextLimit
{
    public static string Message(string field, int max) => $"Keep the {field} to {max:N0} characters.";

    /// <summary>The message when <paramref name="text"/>, trimmed, is longer than <paramref name="max"/>; null when it fits.</summary>
    public static string? Problem(string? text, int max, string field) =>
        text is not null && text.Trim().Length > max ? Message(field, max) : null;

    /// <summary>Throws a <see cref="DomainException"/> when <paramref name="text"/>, trimmed, is longer than <paramref
    /// name="max"/>.</summary>
    public static void Check(string? text, int max, string field)
    {
        if (Problem(text, max, field) is { } message)
            throw new DomainException(message);
    }
}
