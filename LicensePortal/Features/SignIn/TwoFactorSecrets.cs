using System.Security.Cryptography;
using System.Text;
using LicensePortal.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Features.SignIn;

/// <summary>
/// How the two-factor secrets are kept in the database: the authenticator key encrypted with the portal's data-protection
/// keys ("dp1:…", it must be read back to check codes), recovery codes only as salted PBKDF2 hashes ("h1:…", they need only
/// be recognised). Values written before this version are plain; they are still read, and converted at start-up.
/// </summary>
public sealed class TwoFactorSecrets(IDataProtectionProvider protection)
{
    public const string StoreProvider = "[AspNetUserStore]",
        KeyName = "AuthenticatorKey",
        CodesName = "RecoveryCodes";
    private const string KeyPrefix = "dp1:",
        HashPrefix = "h1:";
    private const int HashIterations = 10_000;

    private readonly IDataProtector protector = protection.CreateProtector("LicensePortal.TwoFactorSecrets.AuthenticatorKey.v1");

    public static bool IsProtectedKey(string? stored) => stored?.StartsWith(KeyPrefix, StringComparison.Ordinal) == true;

    public string ProtectKey(string key) => KeyPrefix + protector.Protect(key);

    /// <summary>The key as the authenticator app has it; a value from before protection is returned as it is.</summary>
    public string? ReadKey(string? stored) => IsProtectedKey(stored) ? protector.Unprotect(stored![KeyPrefix.Length..]) : stored;

    /// <summary>A recovery code as stored: a hash salted with the user's id, so equal codes of two users differ.</summary>
    public static string HashCode(string userId, string code) =>
        HashPrefix
        + Convert.ToBase64String(
            Rfc2898DeriveBytes.Pbkdf2(
                Encoding.UTF8.GetBytes(code),
                Encoding.UTF8.GetBytes("LicensePortal.RecoveryCode|" + userId),
                HashIterations,
                HashAlgorithmName.SHA256,
                32
            )
        );

    /// <summary>A stored recovery code in its stored form: plain ones (from before this version) hashed.</summary>
    public static string HashedForm(string userId, string stored) =>
        stored.StartsWith(HashPrefix, StringComparison.Ordinal) ? stored : HashCode(userId, stored);

    /// <summary>The index of <paramref name="code"/> among the stored codes (hashed, or plain from before), or -1.</summary>
    public static int IndexOf(string userId, IReadOnlyList<string> stored, string code)
    {
        var hashed = Encoding.ASCII.GetBytes(HashCode(userId, code));
        var plain = Encoding.UTF8.GetBytes(code);
        var found = -1;
        for (var i = 0; i < stored.Count; i++)
        {
            var candidate = stored[i].StartsWith(HashPrefix, StringComparison.Ordinal) ? hashed : plain;
            if (CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(stored[i]), candidate) && found < 0)
                found = i;
        }
        return found;
    }

    /// <summary>
    /// Protects the secrets rows written before this version: plain authenticator keys are encrypted and plain recovery codes
    /// hashed. Run at start-up; rows already protected are left alone, so it runs once per row.
    /// </summary>
    public async Task<int> ProtectStoredAsync(AppDbContext db, CancellationToken ct = default)
    {
        var rows = await db
            .UserTokens.Where(t => t.LoginProvider == StoreProvider && (t.Name == KeyName || t.Name == CodesName))
            .ToListAsync(ct);
        var changed = 0;
        foreach (var row in rows.Where(r => !string.IsNullOrEmpty(r.Value)))
        {
            var value =
                row.Name == KeyName
                    ? IsProtectedKey(row.Value) ? row.Value : ProtectKey(row.Value!)
                    : string.Join(';', row.Value!.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(c => HashedForm(row.UserId, c)));
            if (value == row.Value)
                continue;
            row.Value = value;
            changed++;
        }
        await db.SaveChangesAsync(ct);
        return changed;
    }
}
