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
/// machine id the product sent, when it was signed, until when it holds, and the exact body; in version 2 (a request that
/// sent <see cref="NonceHeader"/>) also the nonce, each field length-prefixed. A 429 is not signed: it says nothing about
/// the license, so a product treats it as no answer and retries after Retry-After.
/// </summary>
public static class AnswerVerifier
{
    public const string KeyIdHeader = "X-License-Key-Id";
    public const string SignedAtHeader = "X-License-Signed-At";
    public const string ExpiresAtHeader = "X-License-Expires-At";
    public const string SignatureHeader = "X-License-Signature";

    /// <summary>
    /// A request header: a value the product makes up for each request (random, at most 128 characters). The answer is then
    /// signed in version 2, over the nonce too, so an answer recorded earlier cannot be replayed for a later request.
    /// </summary>
    public const string NonceHeader = "X-License-Nonce";

    /// <summary>"2" on answers signed over the nonce with length-prefixed fields; absent on version 1 answers.</summary>
    public const string SignatureVersionHeader = "X-License-Signature-Version";

    /// <summary>The longest nonce the portal signs; a longer one is refused (400).</summary>
    public const int MaxNonceLength = 128;

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
    /// The bytes signed in version 2: each field preceded by its length, so no field can pass for the end of another,
    /// with the product's <paramref name="nonce"/> among them.
    /// </summary>
    public static byte[] SignedBytesV2(
        int status,
        string licenseKey,
        string machineId,
        string nonce,
        string signedAt,
        string expiresAt,
        ReadOnlySpan<byte> body
    )
    {
        var text = new StringBuilder("LicensePortal answer v2\n");
        foreach (
            var field in new[]
            {
                status.ToString(System.Globalization.CultureInfo.InvariantCulture),
                licenseKey,
                machineId,
                nonce,
                signedAt,
                expiresAt,
                Convert.ToBase64String(SHA256.HashData(body)),
            }
        )
            text.Append(field.Length).Append(':').Append(field).Append('\n');
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>
    /// Checks an answer to a request that sent <paramref name="nonce"/> in <see cref="NonceHeader"/>: it must be signed in
    /// version 2 over that nonce, so an answer to another request (a replay) is <see cref="Verdict.Forged"/>.
    /// </summary>
    public static async Task<Verdict> VerifyAsync(
        IReadOnlyDictionary<string, string> publicKeys,
        HttpResponseMessage response,
        string licenseKey,
        string machineId,
        string nonce,
        DateTimeOffset now
    )
    {
        var body = await response.Content.ReadAsByteArrayAsync();
        if (Header(response, SignatureVersionHeader) != "2")
            return Header(response, SignatureHeader) is null ? Verdict.Unsigned : Verdict.Forged;
        return Check(
            publicKeys,
            Header(response, KeyIdHeader),
            Header(response, SignedAtHeader),
            Header(response, ExpiresAtHeader),
            Header(response, SignatureHeader),
            now,
            (signedAt, expiresAt) =>
                SignedBytesV2((int)response.StatusCode, licenseKey, machineId, nonce, signedAt, expiresAt, body)
        );
    }

    private static string? Header(HttpResponseMessage r, string name) =>
        r.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

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
        var bytes = body.ToArray();
        return Check(
            publicKeys,
            keyId,
            signedAt,
            expiresAt,
            signature,
            now,
            (signed, expires) => SignedBytes(status, licenseKey, machineId, signed, expires, bytes)
        );
    }

    private static Verdict Check(
        IReadOnlyDictionary<string, string> publicKeys,
        string? keyId,
        string? signedAt,
        string? expiresAt,
        string? signature,
        DateTimeOffset now,
        Func<string, string, byte[]> signedBytes
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
        var data = signedBytes(signedAt, expiresAt);
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
