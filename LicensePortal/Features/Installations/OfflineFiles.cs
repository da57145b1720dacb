using LicensePortal.Data;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Features.Installations;

/// <summary>An offline license file that is still valid: its server can run until then whatever the portal records.</summary>
public sealed record ValidOfflineFile(string Hostname, DateTime ValidUntil);

/// <summary>Offline license files as a change of owner reads them: signed files cannot be revoked, only outlived.</summary>
public static class OfflineFiles
{
    /// <summary>The license's offline files still valid at <paramref name="now"/>, latest expiry first.</summary>
    public static async Task<IReadOnlyList<ValidOfflineFile>> ValidOfflineFilesAsync(
        this AppDbContext db,
        int licenseId,
        DateTime now,
        CancellationToken ct = default
    ) =>
        await db
            .Installations.Where(i => i.LicenseId == licenseId && i.OfflineUntil > now)
            .OrderByDescending(i => i.OfflineUntil)
            .Select(i => new ValidOfflineFile(i.Hostname, i.OfflineUntil!.Value))
            .ToListAsync(ct);

    /// <summary>
    /// Refuses a change of owner while an offline file stays valid, unless the approver acknowledged files valid until at
    /// least the latest of them (<paramref name="acknowledgedUntil"/>): the old owner's server keeps running until then.
    /// </summary>
    public static void RequireAcknowledged(IReadOnlyList<ValidOfflineFile> files, DateTime? acknowledgedUntil)
    {
        if (files.Count == 0 || acknowledgedUntil >= files[0].ValidUntil)
            return;
        throw new Infrastructure.DomainException(
            $"{Describe(files)}: the server can run until then whoever owns the license. Acknowledge this to approve."
        );
    }

    /// <summary>The files as one sentence, for the approver and the license's history.</summary>
    public static string Describe(IReadOnlyList<ValidOfflineFile> files) =>
        string.Join("; ", files.Select(f => $"{f.Hostname}'s offline license file stays valid until {f.ValidUntil:d MMM yyyy, HH:mm} UTC"));
}
