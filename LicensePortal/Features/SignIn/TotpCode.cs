using System.Security.Cryptography;
using System.Text;

namespace LicensePortal.Features.SignIn;

/// <summary>Authenticator-app codes (RFC 6238: HMAC-SHA1 over 30-second steps, six digits), as the apps compute them.</summary>
public static class TotpCode
{
    /// <summary>Steps either side of now a code is still taken from: a phone's clock may be a minute off.</summary>
    public const int Drift = 2;

    /// <summary>The time step whose code <paramref name="code"/> is, within <see cref="Drift"/> of <paramref name="now"/>;
    /// null when it is none of them (or the key is not base32).</summary>
    public static long? MatchingStep(string base32Key, string code, DateTimeOffset now)
    {
        if (code.Length != 6 || !code.All(char.IsAsciiDigit) || Base32(base32Key) is not { Length: > 0 } key)
            return null;
        var current = now.ToUnixTimeSeconds() / 30;
        long? match = null;
        // Every step is computed, matched or not, so the time taken tells nothing about which one matched.
        var typed = Encoding.ASCII.GetBytes(code);
        for (var step = current - Drift; step <= current + Drift; step++)
            if (CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Code(key, step)), typed))
                match ??= step;
        return match;
    }

    /// <summary>The code of one time step.</summary>
    public static string Code(byte[] key, long step)
    {
        var counter = BitConverter.GetBytes(step);
        if (BitConverter.IsLittleEndian)
            Array.Reverse(counter);
        var hash = HMACSHA1.HashData(key, counter);
        var offset = hash[^1] & 0x0f;
        var value = ((hash[offset] & 0x7f) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (value % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The bytes of a base32 key (RFC 4648, spaces and padding ignored); null when it is not base32.</summary>
    public static byte[]? Base32(string text)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var (bits, buffer) = (0, 0);
        var bytes = new List<byte>();
        foreach (var c in text.ToUpperInvariant().Where(c => c != ' ' && c != '='))
        {
            var value = alphabet.IndexOf(c);
            if (value < 0)
                return null;
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits < 8)
                continue;
            bytes.Add((byte)(buffer >> (bits - 8)));
            bits -= 8;
        }
        return [.. bytes];
    }
}
