using System.Security.Cryptography;
using LicensePortal.Infrastructure;
using Microsoft.Extensions.Options;

namespace LicensePortal.Features.Activation;

/// <summary>
/// The ECDSA P-256 keys the activation API signs its answers with: one PEM file per key (PKCS#8, created readable only
/// by the portal's account) in <see cref="ActivationOptions.SigningKeyFolder"/>, outside the database staff can read.
/// Only the keys <see cref="SigningKeyManifest"/> lists are trusted. The newest key neither retired nor revoked signs;
/// every key not revoked is published, so answers signed before a rotation stay verifiable until they expire. The first
/// start makes a key when there is none.
/// </summary>
public sealed class SigningKeys : IDisposable
{
    public sealed record PublicKey(string KeyId, string Algorithm, string SubjectPublicKeyInfo, bool Current);

    private readonly List<(string Id, ECDsa Key)> keys = [];

    public SigningKeys(IOptions<ActivationOptions> options, IHostEnvironment environment, TimeProvider clock)
    {
        Folder = FolderFor(options.Value, environment);
        PrivateFiles.CreateFolder(Folder);
        var now = clock.GetUtcNow();
        var manifest = SigningKeyManifest.LoadOrAdopt(Folder, clock);
        if (!manifest.Keys.Any(k => k.Signs(now)))
        {
            Create(Folder, clock);
            manifest = SigningKeyManifest.LoadOrAdopt(Folder, clock);
        }
        foreach (var entry in manifest.Keys.Where(k => !k.Revoked(now)).OrderBy(k => k.Id, StringComparer.Ordinal))
        {
            var file = Path.Combine(Folder, entry.Id + ".pem");
            if (!File.Exists(file))
                throw new InvalidOperationException(
                    $"Signing key {entry.Id} is listed in {SigningKeyManifest.PathIn(Folder)} but {file} is missing: restore it, or "
                        + "revoke the key."
                );
            var key = ECDsa.Create();
            key.ImportFromPem(File.ReadAllText(file));
            keys.Add((entry.Id, key));
        }
        var signer = manifest.Keys.Where(k => k.Signs(now)).MaxBy(k => k.Id, StringComparer.Ordinal)!.Id;
        Current = keys.Single(k => k.Id == signer);
    }

    public string Folder { get; }

    /// <summary>The key folder the options name, relative to the app's folder.</summary>
    public static string FolderFor(ActivationOptions options, IHostEnvironment environment) =>
        KeyFolder.For(options.SigningKeyFolder, environment);

    /// <summary>The key that signs now: the newest (key ids start with the time they were made) neither retired nor revoked.</summary>
    public (string Id, ECDsa Key) Current { get; }

    public IReadOnlyList<PublicKey> Published =>
        [.. keys.Select(k => new PublicKey(k.Id, "ES256", Convert.ToBase64String(k.Key.ExportSubjectPublicKeyInfo()), k.Id == Current.Id))];

    /// <summary>
    /// Makes a new key, created readable by its owner only and renamed into place whole, and lists it in the manifest;
    /// it signs from the next start and the keys before it are retired (still published). Returns its id.
    /// </summary>
    public static string Create(string folder, TimeProvider clock)
    {
        PrivateFiles.CreateFolder(folder);
        var manifest = SigningKeyManifest.LoadOrAdopt(folder, clock);
        var now = clock.GetUtcNow();
        var id = $"{now:yyyyMMdd-HHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        if (!PrivateFiles.Write(Path.Combine(folder, id + ".pem"), key.ExportPkcs8PrivateKeyPem(), overwrite: false))
            throw new IOException($"A signing key named {id} already exists in {folder}.");
        var keys = manifest.Keys.Select(k => k.Signs(now) ? k with { RetiredAt = now } : k).ToList();
        keys.Add(new(id, now));
        (manifest with { Keys = keys }).Save(folder);
        return id;
    }

    /// <summary>
    /// Revokes a key: from the next start it neither signs nor is published, so answers and offline files it signed stop
    /// verifying once products fetch the new list. Refused for an unknown key, or the last key that can sign (rotate first).
    /// </summary>
    public static void Revoke(string folder, string id, TimeProvider clock)
    {
        var manifest = SigningKeyManifest.LoadOrAdopt(folder, clock);
        var now = clock.GetUtcNow();
        var entry =
            manifest.Keys.SingleOrDefault(k => k.Id == id)
            ?? throw new InvalidOperationException($"The manifest lists no signing key {id}.");
        if (entry.Signs(now) && !manifest.Keys.Any(k => k.Id != id && k.Signs(now)))
            throw new InvalidOperationException($"Signing key {id} is the only key that signs: run rotate-signing-key first.");
        (manifest with { Keys = [.. manifest.Keys.Select(k => k.Id == id ? k with { RevokedAt = k.RevokedAt ?? now } : k)] }).Save(folder);
    }

    public void Dispose()
    {
        foreach (var (_, key) in keys)
            key.Dispose();
    }
}
