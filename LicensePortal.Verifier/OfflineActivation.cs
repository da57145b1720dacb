using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace LicensePortal.Verifier;

/// <summary>What a license file's check says.</summary>
public enum LicenseFileVerdict
{
    Valid,

    /// <summary>Not a license file at all, or cut short.</summary>
    Malformed,

    /// <summary>Signed with a key the product does not know.</summary>
    UnknownKey,

    /// <summary>Changed after the portal signed it, or not signed by the portal.</summary>
    Forged,

    /// <summary>Genuine, but for another license key or another machine.</summary>
    NotForThisServer,

    /// <summary>Genuine, but its time is over: the server needs a new activation.</summary>
    Expired,
}

/// <summary>What an offline license file grants, once verified.</summary>
public sealed record LicenseGrant(
    string LicenseKey,
    string MachineId,
    string Hostname,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt,
    string ReleaseCode
);

/// <summary>
/// Offline activation, the product's side. A server without internet writes an activation request
/// (<see cref="Request"/>): a short text block the administrator passes to the vendor's staff, who paste it into the
/// portal. The portal answers with a license file, signed like its online answers (ECDSA P-256, SHA-256), which the
/// product checks with <see cref="Verify"/> and keeps. Copy this file into a product: it needs nothing but .NET.
/// </summary>
public static class OfflineActivation
{
    public const string RequestBegin = "-----BEGIN LICENSEPORTAL ACTIVATION REQUEST-----";
    public const string RequestEnd = "-----END LICENSEPORTAL ACTIVATION REQUEST-----";
    public const string FileBegin = "-----BEGIN LICENSEPORTAL LICENSE FILE-----";
    public const string FileEnd = "-----END LICENSEPORTAL LICENSE FILE-----";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>What a request holds.</summary>
    public sealed record RequestContent(
        string LicenseKey,
        string MachineId,
        string Hostname,
        string ProductVersion,
        DateTimeOffset CreatedAt
    );

    /// <summary>The activation request a product shows (or saves) for its administrator to pass on.</summary>
    public static string Request(string licenseKey, string machineId, string hostname, string productVersion, DateTimeOffset createdAt) =>
        Armor(
            RequestBegin,
            Convert.ToBase64String(
                JsonSerializer.SerializeToUtf8Bytes(new RequestContent(licenseKey, machineId, hostname, productVersion, createdAt), Json)
            ),
            RequestEnd
        );

    /// <summary>The bytes the portal signs for a license file: a fixed prefix and the payload exactly as written in the file.</summary>
    public static byte[] SignedBytes(string keyId, string payloadBase64) =>
        Encoding.UTF8.GetBytes($"LicensePortal license file v1\n{keyId}\n{payloadBase64}");

    /// <summary>
    /// Checks a license file for this server (<paramref name="licenseKey"/> and <paramref name="machineId"/> as the
    /// product knows them); the grant is set only when it is valid.
    /// </summary>
    public static LicenseFileVerdict Verify(
        IReadOnlyDictionary<string, string> publicKeys,
        string file,
        string licenseKey,
        string machineId,
        DateTimeOffset now,
        out LicenseGrant? grant
    )
    {
        grant = null;
        var pairs = Unarmor(file, FileBegin, FileEnd)
            ?.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(':', 2, StringSplitOptions.TrimEntries))
            .Where(p => p.Length == 2)
            .ToList();
        // A field given twice is not a file the portal wrote: which one would count is exactly what a forger wants to choose.
        if (pairs is null || pairs.Select(p => p[0]).Distinct().Count() != pairs.Count)
            return LicenseFileVerdict.Malformed;
        var fields = pairs.ToDictionary(p => p[0], p => p[1]);
        if (
            !fields.TryGetValue("Key-Id", out var keyId)
            || !fields.TryGetValue("Payload", out var payload)
            || !fields.TryGetValue("Signature", out var signature)
        )
            return LicenseFileVerdict.Malformed;
        if (!publicKeys.TryGetValue(keyId, out var publicKey))
            return LicenseFileVerdict.UnknownKey;
        try
        {
            using var ecdsa = ECDsa.Create();
            ecdsa.ImportSubjectPublicKeyInfo(Convert.FromBase64String(publicKey), out _);
            if (
                !ecdsa.VerifyData(
                    SignedBytes(keyId, payload),
                    Convert.FromBase64String(signature),
                    HashAlgorithmName.SHA256,
                    DSASignatureFormat.IeeeP1363FixedFieldConcatenation
                )
            )
                return LicenseFileVerdict.Forged;
            var granted = JsonSerializer.Deserialize<LicenseGrant>(Convert.FromBase64String(payload), Json);
            if (granted is null)
                return LicenseFileVerdict.Malformed;
            if (!string.Equals(granted.LicenseKey, licenseKey.Trim(), StringComparison.OrdinalIgnoreCase) || granted.MachineId != machineId)
                return LicenseFileVerdict.NotForThisServer;
            if (now >= granted.ExpiresAt)
                return LicenseFileVerdict.Expired;
            grant = granted;
            return LicenseFileVerdict.Valid;
        }
        catch (Exception ex) when (ex is FormatException or JsonException or CryptographicException)
        {
            return LicenseFileVerdict.Forged;
        }
    }

    /// <summary>A block of base64 between two armor lines, 64 characters a line, as PEM files are.</summary>
    public static string Armor(string begin, string base64, string end) =>
        $"{begin}\n{string.Join('\n', base64.Chunk(64).Select(c => new string(c)))}\n{end}\n";

    /// <summary>The text between the armor lines (whatever surrounds them in a paste), or null when they are missing.</summary>
    public static string? Unarmor(string text, string begin, string end)
    {
        var from = text.IndexOf(begin, StringComparison.Ordinal);
        var to = text.IndexOf(end, StringComparison.Ordinal);
        return from < 0 || to < from ? null : text[(from + begin.Length)..to].Replace("\r", "").Trim();
    }
}
