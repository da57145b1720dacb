using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using LicensePortal.Data;
using LicensePortal.Features.Installations;
using LicensePortal.Features.Licenses;
using LicensePortal.Features.Licensing;
using LicensePortal.Features.Transfers;
using LicensePortal.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LicensePortal.Features.Activation;

/// <summary>
/// Offline activation on a license's page: staff paste the request an air-gapped server wrote, the portal checks it as
/// a check-in would and issues the signed license file; the server counts until the file expires or staff enter the
/// release code the product printed when it was uninstalled.
/// </summary>
public sealed class OfflineActivationService(
    IDbContextFactory<AppDbContext> dbFactory,
    VendorCalendar calendar,
    SigningKeys keys,
    ReleaseService releases,
    IOptions<InstallationOptions> installationOptions,
    IOptions<ActivationOptions> activation
)
{
    public const string Conflict = "Someone else changed this license's servers at the same time. Reload the page and try again.";

    /// <summary>
    /// Activates the server of <paramref name="requestText"/> on the license, or refuses with what is wrong: a malformed
    /// request, one made with another key, a disabled key, or a license that would be over its allowance (an offline
    /// server counts for the file's whole life and cannot be told to stop, so the portal never issues one beyond it).
    /// Asking again for a server that counts already renews its file.
    /// </summary>
    public async Task<OfflineActivationResult> ActivateAsync(
        ClaimsPrincipal actor,
        int licenseId,
        string? requestText,
        CancellationToken ct = default
    )
    {
        var request = OfflineActivationFiles.ParseRequest(requestText);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await DemandAsync(db, actor, ct);
        var license =
            await db.Licenses.FirstOrDefaultAsync(l => l.Id == licenseId, ct)
            ?? throw new DomainException("That license no longer exists.");
        if (request.LicenseKey != license.Key)
            throw new DomainException(
                $"This request was made with the key {request.LicenseKey}, not this license's {license.Key}: open that license, or ask "
                    + $"the customer for a request made with this key."
            );
        if (license.Status == LicenseStatus.Disabled)
            throw new DomainException("This key is disabled: a manager has to re-enable it before any server can be activated.");

        var now = calendar.UtcNow;
        var options = installationOptions.Value;
        var installation = await db.Installations.FirstOrDefaultAsync(
            i => i.LicenseId == licenseId && i.MachineId == request.MachineId,
            ct
        );
        var standing = await db.StandingAsync(licenseId, now, options, ct);
        var counts = installation is not null && InstallationStanding.IsActive(installation.Stint, now, options);
        var after = standing.ActiveInstallations + (counts ? 0 : 1);
        if (after > standing.Allowance)
        {
            var counting = await db
                .Installations.Active(ActivityCut.At(now, options))
                .Where(i => i.LicenseId == licenseId)
                .Select(i => i.Hostname)
                .ToListAsync(ct);
            throw new DomainException(
                $"This license allows {Servers(standing.Allowance)} and {Servers(standing.ActiveInstallations)} already "
                    + $"count{(standing.ActiveInstallations == 1 ? "s" : "")}"
                    + $"{(counting.Count > 0 ? $" ({string.Join(", ", counting)})" : "")}: an offline server counts for its license "
                    + $"file's whole life, so one of them has to stop counting first. "
                    + "Uninstalling the product releases an online server by itself; a server activated offline is released with its "
                    + "release code (Release an offline server…); or ask the fraud team to mark it decommissioned."
            );
        }

        // A file cannot be revoked, so it never outlives the lease the license is on.
        var expiresAt = await db.CapAtLeaseEndAsync(licenseId, now.AddDays(activation.Value.OfflineValidDays), calendar, ct);
        if (expiresAt <= now)
            throw new DomainException("The lease this license is on ends today: activate the server once it is back with its owner.");
        var (file, releaseCode) = OfflineActivationFiles.Issue(keys, request, new DateTimeOffset(now), new DateTimeOffset(expiresAt));
        if (installation is null)
        {
            installation = Installation.New(licenseId, request.MachineId, request.Hostname, request.ProductVersion, now);
            db.Installations.Add(installation);
        }
        installation.ActivateOffline(request.Hostname, request.ProductVersion, now, expiresAt, Hash(releaseCode), options);
        // Two activations of one license at once: the second save finds the version changed and is refused, so
        // neither can slip a server past the allowance the other just filled.
        license.Version = Guid.NewGuid();
        db.LicenseEvents.Add(
            new LicenseEvent
            {
                LicenseId = licenseId,
                At = now,
                Kind = LicenseEventKinds.ActivatedOffline,
                UserName = actor.Identity?.Name ?? "",
                Description = LicenseEvent.Line(
                    $"{request.Hostname} activated offline ({request.ProductVersion}); its license file holds until {expiresAt:d MMM yyyy}."
                ),
            }
        );
        db.Audit(
            actor,
            now,
            "Server activated offline",
            "License",
            license.Key,
            null,
            new
            {
                request.Hostname,
                request.MachineId,
                request.ProductVersion,
                ExpiresAt = expiresAt,
                Renewed = counts,
            }
        );
        await db.SaveOrRefuseAsync(Conflict, ct);
        return new(request.Hostname, file, releaseCode, expiresAt, counts);
    }

    /// <summary>
    /// Asks to release the offline server whose license file printed <paramref name="releaseCode"/> (typed in any case,
    /// with or without its dash). The code can be read from the file, so it is trusted in moderation (<see cref="ReleaseRules"/>):
    /// the server stops counting after the settle time, or the release waits for a manager in the fraud queue.
    /// </summary>
    public async Task<OfflineReleaseResult> ReleaseAsync(
        ClaimsPrincipal actor,
        int licenseId,
        string? releaseCode,
        CancellationToken ct = default
    )
    {
        var code = ReleaseCodeOf(releaseCode);
        if (code.Length != 10)
            throw new DomainException(
                "A release code is ten letters and digits, like ABCDE-23456: type the one the product printed when it was uninstalled."
            );
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await DemandAsync(db, actor, ct);
        var license =
            await db.Licenses.FirstOrDefaultAsync(l => l.Id == licenseId, ct)
            ?? throw new DomainException("That license no longer exists.");
        var hash = Hash(code);
        var installation =
            await db.Installations.FirstOrDefaultAsync(i => i.LicenseId == licenseId && i.ReleaseCodeHash == hash, ct)
            ?? throw new DomainException(
                "No offline server of this license has that release code. Check it with the customer: codes never use 0, O, 1 or I."
            );
        var now = calendar.UtcNow;
        if (installation.ReleasedAt is { } released)
            throw new DomainException(
                released <= now
                    ? $"{installation.Hostname} was released already, on {released:d MMM yyyy}."
                    : $"{installation.Hostname} is released already: it stops counting on {released:d MMM yyyy HH:mm} UTC."
            );
        if (installation.DecommissionedAt is not null)
            throw new DomainException($"{installation.Hostname} no longer counts already.");
        if (
            await db.InstallationReleases.AnyAsync(
                r => r.InstallationId == installation.Id && r.Verdict == ReleaseVerdict.AwaitingApproval,
                ct
            )
        )
            throw new DomainException($"The release of {installation.Hostname} waits for a manager already.");
        var release = await releases.AskAsync(db, license, installation, ReleaseSource.ReleaseCode, now, ct);
        db.Audit(
            actor,
            now,
            "Offline server released",
            "License",
            license.Key,
            null,
            new
            {
                installation.Hostname,
                installation.MachineId,
                release.Verdict,
                release.EffectiveAt,
            }
        );
        await db.SaveOrRefuseAsync(Conflict, ct);
        return new(installation.Hostname, release.Verdict, release.EffectiveAt);
    }

    /// <summary>A release code as typed or as issued, reduced to its letters and digits in upper case.</summary>
    private static string ReleaseCodeOf(string? typed) => string.Concat((typed ?? "").Where(char.IsAsciiLetterOrDigit)).ToUpperInvariant();

    /// <summary>The release code as stored: SHA-256 of its ten characters, so the table alone cannot release a server.</summary>
    internal static string Hash(string releaseCode) =>
        Convert.ToHexString(SHA256.HashData(Encoding.ASCII.GetBytes(ReleaseCodeOf(releaseCode))));

    private static string Servers(int count) => count == 1 ? "1 server" : $"{count} servers";

    /// <summary>A file that cannot be revoked: the roles are read from the database, not only from the sign-in.</summary>
    private static Task DemandAsync(AppDbContext db, ClaimsPrincipal actor, CancellationToken ct) =>
        db.DemandCurrentAsync(actor, Policies.Licenses, "Only sales, the fraud team and managers activate or release servers offline.", ct);
}
