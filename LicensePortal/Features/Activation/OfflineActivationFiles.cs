using System.Security.Cryptography;
using System.Text.Json;
using LicensePortal.Infrastructure;
using LicensePortal.Verifier;

namespace LicensePortal.Features.Activation;

/// <summary>An offline activation request, read and checked like a check-in's body.</summary>
public sealed record OfflineRequest(string LicenseKey, string MachineId, string Hostname, string ProductVersion);

/// <summary>
/// The portal's side of offline activation's two texts: it reads the request a product wrote
/// (<see cref="OfflineActivation.Request"/>) and issues the signed license file the product verifies
/// (<see cref="OfflineActivation.Verify"/>), with the release code the product prints when it is uninstalled.
/// </summary>
public static class OfflineActivationFiles
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The request in a pasted text, or a refusal that says what is wrong with it.</summary>
    public static OfflineRequest ParseRequest(string? text)
    {
        var body =
            OfflineActivation.Unarmor(text ?? "", OfflineActivation.RequestBegin, OfflineActivation.RequestEnd)
            ?? throw new DomainException(
                "This is not an activation request: paste the whole block the product wrote, from its BEGIN line to its END line."
            );
        OfflineActivation.RequestContent? content;
        try
        {
            content = JsonSerializer.Deserialize<OfflineActivation.RequestContent>(
                Convert.FromBase64String(string.Concat(body.Split('\n', StringSplitOptions.TrimEntries))),
                Json
            );
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            throw new DomainException(
                "The activation request is damaged (it may have been cut or retyped): ask for the file the product saved and paste it "
                    + "as it is."
            );
        }
        if (content is null)
            throw new DomainException("The activation request is empty.");
        var problems = ActivationValidation.Check(
            new CheckInRequest(content.LicenseKey, content.MachineId, content.Hostname, content.ProductVersion)
        );
        if (problems.Count > 0)
            throw new DomainException($"The activation request is not valid: {string.Join(" ", problems.SelectMany(p => p.Value))}");
        return new(Licenses.LicenseKey.Normalize(content.LicenseKey) ?? "", content.MachineId, content.Hostname, content.ProductVersion);
    }

    /// <summary>A signed license file for the request's server, valid until <paramref name="expiresAt"/>, and its release code.</summary>
    public static (string File, string ReleaseCode) Issue(
        SigningKeys keys,
        OfflineRequest request,
        DateTimeOffset issuedAt,
        DateTimeOffset expiresAt
    )
    {
        var releaseCode = ReleaseCode();
        var grant = new LicenseGrant(request.LicenseKey, request.MachineId, request.Hostname, issuedAt, expiresAt, releaseCode);
        var payload = Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(grant, Json));
        var (id, key) = keys.Current;
        var signature = Convert.ToBase64String(
            key.SignData(
                OfflineActivation.SignedBytes(id, payload),
                HashAlgorithmName.SHA256,
                DSASignatureFormat.IeeeP1363FixedFieldConcatenation
            )
        );
        var file =
            $"{OfflineActivation.FileBegin}\nKey-Id: {id}\nPayload: {payload}\nSignature: {signature}\n{OfflineActivation.FileEnd}\n";
        return (file, releaseCode);
    }

    /// <summary>Ten characters a person can read out on the phone (no 0/O, 1/I), in two groups.</summary>
    private static string ReleaseCode()
    {
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        var chars = RandomNumberGenerator.GetItems<char>(alphabet, 10);
        return $"{new string(chars, 0, 5)}-{new string(chars, 5, 5)}";
    }
}
