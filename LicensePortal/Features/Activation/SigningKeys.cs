using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace LicensePortal.Features.Activation;

/// <summary>
/// The ECDSA P-256 keys the activation API signs its answers with: one PEM file per key (PKCS#8, readable only by
/// the portal's account) in <see cref="ActivationOptions.SigningKeyFolder"/>, outside the database staff can read.
/// The newest key signs; every key in the folder is published, so answers signed before a rotation stay verifiable
/// until they expire. The first start makes a key when there is none.
/// </summary>
public sealed class SigningKeys : IDisposable
{
    public sealed record PublicKey(string KeyId, string Algorithm, string SubjectPublicKeyInfo, bool Current);

    private readonly List<(string Id, ECDsa Key)> keys = [];

    public SigningKeys(IOptions<ActivationOptions> options, IHostEnvironment environment, TimeProvider clock)
    {
        Folder = FolderFor(options.Value, environment);
        Directory.CreateDirectory(Folder);
        if (!Directory.EnumerateFiles(Folder, "*.pem").Any())
            Create(Folder, clock);
        foreach (var file in Directory.EnumerateFiles(Folder, "*.pem").Order(StringComparer.Ordinal))
        {
            var key = ECDsa.Create();
            key.ImportFromPem(File.ReadAllText(file));
            keys.Add((Path.GetFileNameWithoutExtension(file), key));
        }
    }

    public string Folder { get; }

    /// <summary>The key folder the options name, relative to the app's folder.</summary>
    public static string FolderFor(ActivationOptions options, IHostEnvironment environment) =>
        Path.GetFullPath(Path.Combine(environment.ContentRootPath, options.SigningKeyFolder));

    /// <summary>The key that signs now: the newest (key ids start with the time they were made).</summary>
    public (string Id, ECDsa Key) Current => keys[^1];

    public IReadOnlyList<PublicKey> Published =>
        [.. keys.Select(k => new PublicKey(k.Id, "ES256", Convert.ToBase64String(k.Key.ExportSubjectPublicKeyInfo()), k.Id == Current.Id))];

    /// <summary>Makes a new key that signs from the next start; the old ones stay published. Returns its id.</summary>
    public static string Create(string folder, TimeProvider clock)
    {
        Directory.CreateDirectory(folder);
        var id = $"{clock.GetUtcNow():yyyyMMdd-HHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var path = Path.Combine(folder, id + ".pem");
        File.WriteAllText(path, key.ExportPkcs8PrivateKeyPem());
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return id;
    }

    public void Dispose()
    {
        foreach (var (_, key) in keys)
            key.Dispose();
    }
}
