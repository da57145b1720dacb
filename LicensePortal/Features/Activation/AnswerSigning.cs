using System.Globalization;
using System.Security.Cryptography;
using LicensePortal.Verifier;
using Microsoft.Extensions.Options;

namespace LicensePortal.Features.Activation;

/// <summary>
/// Signs every answer of the activation API — check-ins and releases, errors and refusals by the rate limiter too —
/// so a product that trusts only signed answers cannot be fooled by a server of someone else's. The signature covers
/// the status, the license key and machine id the product sent, the time and an expiry, and the exact body, as
/// <see cref="AnswerVerifier.SignedBytes"/> lays them out.
/// </summary>
public sealed class AnswerSigning(RequestDelegate next, SigningKeys keys, IOptions<ActivationOptions> options, TimeProvider clock)
{
    /// <summary>Where the endpoints leave the key and machine id the product sent, for the signature.</summary>
    public const string KeyItem = "activation.licenseKey",
        MachineItem = "activation.machineId";

    public async Task InvokeAsync(HttpContext http)
    {
        var original = http.Response.Body;
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        try
        {
            await next(http);
        }
        finally
        {
            http.Response.Body = original;
        }
        var body = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        var now = clock.GetUtcNow();
        var signedAt = now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var expiresAt = (now + TimeSpan.FromDays(options.Value.AnswerValidDays)).UtcDateTime.ToString(
            "yyyy-MM-ddTHH:mm:ssZ",
            CultureInfo.InvariantCulture
        );
        var (id, key) = keys.Current;
        var signed = AnswerVerifier.SignedBytes(
            http.Response.StatusCode,
            http.Items[KeyItem] as string ?? "",
            http.Items[MachineItem] as string ?? "",
            signedAt,
            expiresAt,
            body
        );
        var headers = http.Response.Headers;
        headers[AnswerVerifier.KeyIdHeader] = id;
        headers[AnswerVerifier.SignedAtHeader] = signedAt;
        headers[AnswerVerifier.ExpiresAtHeader] = expiresAt;
        headers[AnswerVerifier.SignatureHeader] = Convert.ToBase64String(
            key.SignData(signed, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
        );
        if (buffer.Length > 0)
            http.Response.ContentLength = buffer.Length;
        await original.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), http.RequestAborted);
    }
}
