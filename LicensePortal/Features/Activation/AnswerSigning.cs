using System.Globalization;
using System.Security.Cryptography;
using LicensePortal.Verifier;
using Microsoft.Extensions.Options;

namespace LicensePortal.Features.Activation;

/// <summary>
/// Signs every answer of the activation API — check-ins and releases, errors too, but not a 429 — so a product that
/// trusts only signed answers cannot be fooled by a server of someone else's. The signature covers the status, the
/// license key and machine id the product sent, the time and an expiry, and the exact body, as
/// <see cref="AnswerVerifier.SignedBytes"/> lays them out; with the product's nonce, version 2
/// (<see cref="AnswerVerifier.SignedBytesV2"/>) covers the nonce too.
/// </summary>
public sealed class AnswerSigning(RequestDelegate next, SigningKeys keys, IOptions<ActivationOptions> options, TimeProvider clock)
{
    /// <summary>Where the endpoints leave the key and machine id the product sent, for the signature.</summary>
    public const string KeyItem = "activation.licenseKey",
        MachineItem = "activation.machineId";

    public async Task InvokeAsync(HttpContext http)
    {
        string? nonce = http.Request.Headers[AnswerVerifier.NonceHeader];
        if (nonce is { Length: > AnswerVerifier.MaxNonceLength })
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            await http.Response.WriteAsJsonAsync(
                new
                {
                    title = "Invalid nonce",
                    status = 400,
                    detail = $"{AnswerVerifier.NonceHeader} must be at most {AnswerVerifier.MaxNonceLength} characters.",
                },
                http.RequestAborted
            );
            return;
        }
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
        // A 429 says nothing about the license; signing it would let a flood cost a signature per request.
        if (http.Response.StatusCode == StatusCodes.Status429TooManyRequests)
        {
            await CopyAsync(http, buffer, original);
            return;
        }
        var body = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        var now = clock.GetUtcNow();
        var signedAt = now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var expiresAt = (now + TimeSpan.FromDays(options.Value.AnswerValidDays)).UtcDateTime.ToString(
            "yyyy-MM-ddTHH:mm:ssZ",
            CultureInfo.InvariantCulture
        );
        var (id, key) = keys.Current;
        var (licenseKey, machineId) = (http.Items[KeyItem] as string ?? "", http.Items[MachineItem] as string ?? "");
        var status = http.Response.StatusCode;
        var signed = nonce is null
            ? AnswerVerifier.SignedBytes(status, licenseKey, machineId, signedAt, expiresAt, body)
            : AnswerVerifier.SignedBytesV2(status, licenseKey, machineId, nonce, signedAt, expiresAt, body);
        var headers = http.Response.Headers;
        if (nonce is not null)
            headers[AnswerVerifier.SignatureVersionHeader] = "2";
        headers[AnswerVerifier.KeyIdHeader] = id;
        headers[AnswerVerifier.SignedAtHeader] = signedAt;
        headers[AnswerVerifier.ExpiresAtHeader] = expiresAt;
        headers[AnswerVerifier.SignatureHeader] = Convert.ToBase64String(
            key.SignData(signed, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
        );
        await CopyAsync(http, buffer, original);
    }

    private static async Task CopyAsync(HttpContext http, MemoryStream buffer, Stream original)
    {
        if (buffer.Length > 0)
            http.Response.ContentLength = buffer.Length;
        await original.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), http.RequestAborted);
    }
}
