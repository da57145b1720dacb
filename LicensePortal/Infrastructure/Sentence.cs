namespace LicensePortal.Infrastructure;

/// <summary>
/// Ends a sentence whose last word is a value someone typed. A company name such as "Acme Inc." already ends in a
/// dot, so a sentence dot written after it in the template gives "Acme Inc.."; every document and email that closes
/// a sentence on a name, an abbreviation or a catalog entry ends it here instead, once.
/// </summary>
public static class Sentence
{
    /// <summary>
    /// <paramref name="text"/> without trailing whitespace, with a full stop added unless it already ends in one
    /// (or in '!', '?' or '…').
    /// </summary>
    public static string End(string text)
    {
        var trimmed = text.TrimEnd();
        return trimmed.Length > 0 && trimmed[^1] is '.' or '!' or '?' or '…' ? trimmed : trimmed + ".";
    }
}
