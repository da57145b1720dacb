using LicensePortal.Features.Licenses;
using LicensePortal.Features.Licensing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LicensePortal.Features.Installations;

/// <summary>One server a license key was checked in from, identified by the product's machine fingerprint.</summary>
public class Installation
{
    public long Id { get; set; }
    public int LicenseId { get; set; }
    public License? License { get; set; }
    public string MachineId { get; set; } = "";
    public string Hostname { get; set; } = "";
    public string ProductVersion { get; set; } = "";

    /// <summary>The machine's first check-in ever.</summary>
    public DateTime FirstSeenAt { get; set; }

    /// <summary>The check-in that started the present stint: the first, or the first after a release, decommissioning or silence.</summary>
    public DateTime StintStartedAt { get; set; }

    public DateTime LastSeenAt { get; set; }

    /// <summary>
    /// When the machine stops counting after a release: the product's release (or its release code) plus the settle time,
    /// or the moment of a staff decision (a transfer, a lease's end, a case's outcome). Later than now, the release is
    /// pending and a check-in voids it.
    /// </summary>
    public DateTime? ReleasedAt { get; set; }

    /// <summary>When staff marked the server as taken out of service.</summary>
    public DateTime? DecommissionedAt { get; set; }

    /// <summary>Activated offline: the server counts until its license file expires, without checking in.</summary>
    public DateTime? OfflineUntil { get; set; }

    /// <summary>SHA-256 (hex) of the release code printed in the offline license file; staff type the code to release the server.</summary>
    public string? ReleaseCodeHash { get; set; }

    /// <summary>The present stint as the installation rules read it.</summary>
    public InstallationFacts Stint => new(StintStartedAt, LastSeenAt, ReleasedAt, DecommissionedAt, OfflineUntil);

    /// <summary>A machine's first check-in on a license.</summary>
    public static Installation New(int licenseId, string machineId, string hostname, string productVersion, DateTime now) =>
        new()
        {
            LicenseId = licenseId,
            MachineId = machineId,
            Hostname = hostname,
            ProductVersion = productVersion,
            FirstSeenAt = now,
            StintStartedAt = now,
            LastSeenAt = now,
        };

    /// <summary>
    /// The machine checks in again. When its present stint had ended (released, decommissioned or
    /// silent), a new one starts now; the database's trigger keeps the ended one (what it counted
    /// stays on record, the gap never counts). The activation API does the same in SQL. Returns
    /// whether a new stint started.
    /// </summary>
    public bool CheckIn(string hostname, string productVersion, DateTime now, InstallationOptions options)
    {
        var starts = InstallationStanding.StartsNewStint(Stint, now, options);
        if (starts)
        {
            StintStartedAt = now;
            DecommissionedAt = null;
            OfflineUntil = null;
            ReleaseCodeHash = null;
        }
        // A release still settling is void: the machine is still there.
        ReleasedAt = null;
        Hostname = hostname;
        ProductVersion = productVersion;
        LastSeenAt = now;
        return starts;
    }

    /// <summary>
    /// Staff activated the server offline: it checks in now and counts until <paramref name="until"/> without checking in
    /// again, unless released with <paramref name="releaseCodeHash"/>'s code or decommissioned. Returns whether a new stint started.
    /// </summary>
    public bool ActivateOffline(
        string hostname,
        string productVersion,
        DateTime now,
        DateTime until,
        string releaseCodeHash,
        InstallationOptions options
    )
    {
        var starts = CheckIn(hostname, productVersion, now, options);
        OfflineUntil = until;
        ReleaseCodeHash = releaseCodeHash;
        return starts;
    }

    /// <summary>
    /// A release the rules let count (<see cref="ReleaseRules"/>): the machine stops counting at <paramref name="at"/> unless it
    /// checks in before. A release already settling keeps its earlier end. Returns whether the release was taken.
    /// </summary>
    public bool Release(DateTime at)
    {
        if (DecommissionedAt is not null || ReleasedAt is { } earlier && earlier <= at)
            return false;
        ReleasedAt = at;
        return true;
    }

    /// <summary>A staff decision (a transfer, a lease's end, a case's outcome): the machine stops counting now.</summary>
    public void ReleaseNow(DateTime now)
    {
        if (ReleasedAt is null || ReleasedAt > now)
            ReleasedAt = now;
    }

    /// <summary>Staff take the server out of service: it stops counting now.</summary>
    public void Decommission(DateTime now)
    {
        if (ReleasedAt <= now || DecommissionedAt is not null)
            throw new Infrastructure.DomainException($"{Hostname} no longer counts already.");
        DecommissionedAt = now;
    }
}

/// <summary>
/// An earlier stint of an installation, kept when the machine checked in again after a release,
/// a decommissioning or a silence: the time it counted stays counted, the gap never does. Written
/// only by the database trigger <see cref="InstallationConfiguration.KeepEndedStint"/>, whoever
/// starts the new stint (the activation API's SQL or an entity saved through EF).
/// </summary>
public class InstallationStint
{
    public long Id { get; set; }
    public long InstallationId { get; set; }
    public int LicenseId { get; set; }
    public string Hostname { get; set; } = "";
    public string ProductVersion { get; set; } = "";
    public DateTime StartedAt { get; set; }
    public DateTime LastSeenAt { get; set; }
    public DateTime? ReleasedAt { get; set; }
    public DateTime? DecommissionedAt { get; set; }
    public DateTime? OfflineUntil { get; set; }

    public InstallationFacts Facts => new(StartedAt, LastSeenAt, ReleasedAt, DecommissionedAt, OfflineUntil);
}

internal sealed class InstallationConfiguration : IEntityTypeConfiguration<Installation>
{
    /// <summary>The trigger that archives a stint when <see cref="Installation.StintStartedAt"/> moves on (created by a
    /// migration).</summary>
    public const string KeepEndedStint = "Installations_KeepEndedStint";

    public void Configure(EntityTypeBuilder<Installation> b)
    {
        b.ToTable(t => t.HasTrigger(KeepEndedStint));
        b.Property(i => i.MachineId).HasMaxLength(128);
        b.Property(i => i.Hostname).HasMaxLength(255);
        b.Property(i => i.ProductVersion).HasMaxLength(32);
        b.HasOne(i => i.License).WithMany().HasForeignKey(i => i.LicenseId).OnDelete(DeleteBehavior.Cascade);
        // A check-in is idempotent per (license, machine).
        b.HasIndex(i => new { i.LicenseId, i.MachineId }).IsUnique();
        b.HasIndex(i => i.LastSeenAt);
        // The fraud monitor's incremental pass looks up what changed since its last pass.
        b.HasIndex(i => i.ReleasedAt);
        b.HasIndex(i => i.DecommissionedAt);
        b.HasIndex(i => i.OfflineUntil);
        b.Property(i => i.ReleaseCodeHash).HasMaxLength(64);
        b.Ignore(i => i.Stint);
    }
}

internal sealed class InstallationStintConfiguration : IEntityTypeConfiguration<InstallationStint>
{
    public void Configure(EntityTypeBuilder<InstallationStint> b)
    {
        b.Property(s => s.Hostname).HasMaxLength(255);
        b.Property(s => s.ProductVersion).HasMaxLength(32);
        b.HasOne<Installation>().WithMany().HasForeignKey(s => s.InstallationId).OnDelete(DeleteBehavior.Cascade);
        // A stint is archived once, however often a check-in that closes it is retried.
        b.HasIndex(s => new { s.InstallationId, s.StartedAt }).IsUnique();
        // Check-ins and the monitor read a license's stints within the look-back period.
        b.HasIndex(s => new { s.LicenseId, s.LastSeenAt });
        b.Ignore(s => s.Facts);
    }
}
