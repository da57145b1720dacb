using System.Globalization;
using System.Text.Json;
using LicensePortal.Infrastructure;

namespace LicensePortal.Features.Activation;

/// <summary>
/// <c>keys.json</c> in the key folder: the answer-signing keys the portal trusts, when each was made, and when it was
/// retired (stops signing, stays published) or revoked (neither signs nor is published). A PEM file the manifest does
/// not list is ignored, so a key someone drops into the folder is never used or published. Written whole or not at
/// all, readable by the portal's account only.
/// </summary>
public sealed record SigningKeyManifest(List<SigningKeyManifest.Entry> Keys)
{
    public const string FileName = "keys.json";

    public sealed record Entry(string Id, DateTimeOffset CreatedAt, DateTimeOffset? RetiredAt = null, DateTimeOffset? RevokedAt = null)
    {
        public bool Revoked(DateTimeOffset now) => RevokedAt <= now;

        public bool Signs(DateTimeOffset now) => !Revoked(now) && !(RetiredAt <= now);
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string PathIn(string folder) => Path.Combine(folder, FileName);

    /// <summary>
    /// The folder's manifest. A folder with keys but no manifest (a version before it) adopts every key file it holds,
    /// once, into a new manifest; an empty folder gets an empty one.
    /// </summary>
    public static SigningKeyManifest LoadOrAdopt(string folder, TimeProvider clock)
    {
        var path = PathIn(folder);
        if (File.Exists(path))
            return JsonSerializer.Deserialize<SigningKeyManifest>(File.ReadAllText(path), Json)
                ?? throw new InvalidOperationException($"The signing key manifest {path} is empty.");
        var adopted = new SigningKeyManifest([
            .. Directory
                .EnumerateFiles(folder, "*.pem")
                .Select(Path.GetFileNameWithoutExtension)
                .Order(StringComparer.Ordinal)
                .Select(id => new Entry(id!, CreatedFrom(id!) ?? clock.GetUtcNow())),
        ]);
        adopted.Save(folder, overwrite: false);
        return adopted;
    }

    /// <summary>Key ids start with the UTC time they were made (<c>yyyyMMdd-HHmmss-…</c>).</summary>
    private static DateTimeOffset? CreatedFrom(string id) =>
        id.Length >= 15
        && DateTimeOffset.TryParseExact(
            id[..15],
            "yyyyMMdd-HHmmss",
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal,
            out var at
        )
            ? at
            : null;

    public void Save(string folder, bool overwrite = true) =>
        PrivateFiles.Write(PathIn(folder), JsonSerializer.Serialize(this, Json), overwrite);
}
