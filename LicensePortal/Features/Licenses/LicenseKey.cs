using System.Security.Cryptography;

namespace LicensePortal.Features.Licenses;

/// <summary>
/// License keys: 25 characters from an alphabet without look-alikes (no 0/O, 1/I/L),
/// in five groups, e.g. <c>7KQ2M-ZP4XD-...</c>. 125 random bits.
/// </summary>
public static class LicenseKey
{
    public const string Alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    public const int Groups = 5;
    public const int GroupLength = 5;
    public const int Length = Groups * GroupLength + Groups - 1;

    public static string New()
    {
        Span<char> key = stackalloc char[Length];
        var position = 0;
        for (var group = 0; group < Groups; group++)
        {
            if (group > 0)
                key[position++] = '-';
            for (var i = 0; i < GroupLength; i++)
                key[position++] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }
        return new string(key);
    }

    /// <summary>Upper-cases and trims what a person typed; returns null when it cannot be a key.</summary>
    public static string? Normalize(string? typed)
    {
        if (string.IsNullOrWhiteSpace(typed))
            return null;
        var key = typed.Trim().ToUpperInvariant();
        if (key.Length != Length)
            return null;
        for (var i = 0; i < key.Length; i++)
        {
            var separator = i % (GroupLength + 1) == GroupLength;
            if (separator ? key[i] != '-' : !Alphabet.Contains(key[i]))
                return null;
        }
        return key;
    }

    /// <summary>
    /// What a person pasted or read out, as the start of a key in its usual form: upper case, with the dashes in
    /// their places. Spaces and dashes may be anywhere or missing. Null when it holds a character no key has.
    /// </summary>
    public static string? Prefix(string? typed)
    {
        if (string.IsNullOrWhiteSpace(typed))
            return null;
        var characters = typed.ToUpperInvariant().Where(c => c != '-' && !char.IsWhiteSpace(c)).ToArray();
        if (characters.Length == 0 || characters.Any(c => !Alphabet.Contains(c)))
            return null;
        return string.Join('-', characters.Chunk(GroupLength).Select(group => new string(group)));
    }
}
