using System.Security.Cryptography;
using System.Text;

namespace LicensePortal.Verifier;

/// <summary>What a signed answer's check says.</summary>
public enum Verdict
{
    Valid,

    /// <summary>The answer carries no signature: it did not come from the portal.</summary>
    Unsigned,

    /// <summary>Signed with a key the product does not know.</summary>
    UnknownKey,

    /// <summary>The body, the status, the key, the machine or a time was changed, or the signature is not the portal's.</summary>
    Forged,

    /// <summary>Genuine but too old: an old "active" cannot be replayed after it lapses.</summary>
    Expired,

    /// <summary>Signed for a time more than five minutes ahead of the product's clock.</summary>
    FromTheFuture,
}

/// <summary>
/// Verifies the licensing portal's answers. Copy this file into a product: it needs nothing but .NET.
/// The portal signs with ECDSA P-256 and SHA-256 (ES256); the signature covers the status code, the license key and
/// machine id the product sent, when it was signed, until when it holds, and the exact body.
/// </summary>
public static class AnswerVerifier
{
    public const string KeyIdHeader = "X-License-Key-Id";
    public const string SignedAtHeader = "X-License-Signed-At";
    public const string ExpiresAtHeader = "X-License-Expires-At";
    public const string SignatureHeader = "X-License-Signature";

    /// <summary>How far ahead of the product's clock a signing time may be (clocks drift).</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>The bytes that are signed; the portal and the product build them the same way.</summary>
    public static byte[] SignedBytes(
        int status,
        string licenseKey,
        string machineId,
        string signedAt,
        string expiresAt,
        ReadOnlySpan<byte> body
    ) =>
        Encoding.UTF8.GetBytes(
            $"LicensePortal answer "
                + $"v1\n{status}\n{licenseKey}\n{machineId}\n{signedAt}\n{expiresAt}\n{Convert.ToBase64String(SHA256.HashData(body))}"
        );

    /// <summary>
    /// Checks an answer. <paramref name="publicKeys"/> maps key ids to the portal's public keys (SubjectPublicKeyInfo,
    /// base64, as served at /.well-known/licenseportal-keys.json and shipped with the product).
    /// <paramref name="licenseKey"/> and <paramref name="machineId"/> are what the product sent, exactly.
    /// </summary>
    public static Verdict Verify(
        IReadOnlyDictionary<string, string> publicKeys,
        int status,
        string licenseKey,
        string machineId,
        string? keyId,
        string? signedAt,
        string? expiresAt,
        string? signature,
        ReadOnlySpan<byte> body,
        DateTimeOffset now
    )
    {
        if (keyId is null || signedAt is null || expiresAt is null || signature is null)
            return Verdict.Unsigned;
        if (!publicKeys.TryGetValue(keyId, out var publicKey))
            return Verdict.UnknownKey;
        byte[] signatureBytes;
        try
        {
            signatureBytes = Convert.FromBase64String(signature);
        }
        catch (FormatException)
        {
            return Verdict.Forged;
        }
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(Convert.FromBase64String(publicKey), out _);
        var data = SignedBytes(status, licenseKey, machineId, signedAt, expiresAt, body);
        if (!ecdsa.VerifyData(data, signatureBytes, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
            return Verdict.Forged;
        if (
            !DateTimeOffset.TryParse(signedAt, null, System.Globalization.DateTimeStyles.AssumeUniversal, out var signed)
            || !DateTimeOffset.TryParse(expiresAt, null, System.Globalization.DateTimeStyles.AssumeUniversal, out var expires)
        )
            return Verdict.Forged;
        if (signed > now + ClockSkew)
            return Verdict.FromTheFuture;
        return now >= expires ? Verdict.Expired : Verdict.Valid;
    }

    /// <summary>The same check on an answer as <see cref="HttpClient"/> gives it.</summary>
    public static async Task<Verdict> VerifyAsync(
        IReadOnlyDictionary<string, string> publicKeys,
        HttpResponseMessage response,
        string licenseKey,
        string machineId,
        DateTimeOffset now
    )
    {
        static string? Header(HttpResponseMessage r, string name) =>
            r.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
        var body = await response.Content.ReadAsByteArrayAsync();
        return Verify(
            publicKeys,
            (int)response.StatusCode,
            licenseKey,
            machineId,
            Header(response, KeyIdHeader),
            Header(response, SignedAtHeader),
            Header(response, ExpiresAtHeader),
            Header(response, SignatureHeader),
            body,
            now
        );
    }
}
