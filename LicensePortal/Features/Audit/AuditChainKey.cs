using System.Security.Cryptography;
using LicensePortal.Infrastructure;

namespace LicensePortal.Features.Audit;

/// <summary>
/// The secret the audit chain's HMAC is keyed with: 32 random bytes in <c>audit-chain.key</c> in the key folder
/// (<see cref="KeyFolder"/>), beside the answer-signing keys and outside the database, so someone who can write the
/// database cannot recompute a row's hash. Made the first time the portal seals a row; verifying never makes one.
/// </summary>
public sealed class AuditChainKey(string folder)
{
    public const string FileName = "audit-chain.key";

    private byte[]? key;
    private readonly Lock gate = new();

    public string Path => System.IO.Path.Combine(folder, FileName);

    /// <summary>The key, made (owner-only, whole or not at all) when there is none yet.</summary>
    public byte[] GetOrCreate()
    {
        lock (gate)
        {
            if (key is not null)
                return key;
            if (!File.Exists(Path))
                PrivateFiles.Write(Path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), overwrite: false);
            return key = Read();
        }
    }

    /// <summary>The key, or null when the folder has none (verify-audit then reports the keyed rows it cannot check).</summary>
    public byte[]? TryGet()
    {
        lock (gate)
            return key ??= File.Exists(Path) ? Read() : null;
    }

    private byte[] Read()
    {
        var bytes = Convert.FromBase64String(File.ReadAllText(Path).Trim());
        return bytes.Length >= 32 ? bytes : throw new InvalidOperationException($"The audit chain key {Path} is shorter than 32 bytes.");
    }
}
