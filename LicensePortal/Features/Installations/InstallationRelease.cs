using LicensePortal.Features.Licensing;
using LicensePortal.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LicensePortal.Features.Installations;

/// <summary>
/// One release of an installation asked for by its product or by its release code, kept whether or not it counted: the
/// release limit reads it, and the license and its case show it as evidence.
/// </summary>
public class InstallationRelease
{
    public long Id { get; private set; }
    public int LicenseId { get; private set; }
    public long InstallationId { get; private set; }
    public string Hostname { get; private set; } = "";
    public ReleaseSource Source { get; private set; }
    public DateTime RequestedAt { get; private set; }
    public ReleaseVerdict Verdict { get; private set; }

    /// <summary>When the machine stops counting by this release (unless it checks in before); null while it does not count.</summary>
    public DateTime? EffectiveAt { get; private set; }

    /// <summary>The manager who approved or refused a waiting release code, and when.</summary>
    public string? DecidedBy { get; private set; }

    public DateTime? DecidedAt { get; private set; }

    public PastRelease Facts => new(Source, Verdict, RequestedAt);

    /// <summary>
    /// Records a release of <paramref name="installation"/> judged by <see cref="ReleaseRules.Decide"/> on the license's
    /// <paramref name="earlier"/> releases, and lets the installation stop counting after the settle time when it counts.
    /// </summary>
    public static InstallationRelease Ask(
        Installation installation,
        ReleaseSource source,
        IEnumerable<PastRelease> earlier,
        DateTime now,
        InstallationOptions options
    )
    {
        var verdict = ReleaseRules.Decide(source, earlier, now, options);
        var release = new InstallationRelease
        {
            LicenseId = installation.LicenseId,
            InstallationId = installation.Id,
            Hostname = installation.Hostname,
            Source = source,
            RequestedAt = now,
            Verdict = verdict,
        };
        if (verdict == ReleaseVerdict.Counts)
        {
            var at = ReleaseRules.SettlesAt(now, options);
            installation.Release(at);
            release.EffectiveAt = installation.ReleasedAt;
        }
        return release;
    }

    /// <summary>A manager lets a waiting release code count: the server stops counting now, a staff decision.</summary>
    public void Approve(Installation installation, string manager, DateTime now)
    {
        RequireWaiting();
        Verdict = ReleaseVerdict.Approved;
        (DecidedBy, DecidedAt) = (manager, now);
        installation.ReleaseNow(now);
        EffectiveAt = now;
    }

    /// <summary>A manager refuses a waiting release code: the server counts until its license file expires.</summary>
    public void Refuse(string manager, DateTime now)
    {
        RequireWaiting();
        Verdict = ReleaseVerdict.Refused;
        (DecidedBy, DecidedAt) = (manager, now);
    }

    private void RequireWaiting()
    {
        if (Verdict != ReleaseVerdict.AwaitingApproval)
            throw new DomainException($"The release of {Hostname} was decided already.");
    }
}

internal sealed class InstallationReleaseConfiguration : IEntityTypeConfiguration<InstallationRelease>
{
    public void Configure(EntityTypeBuilder<InstallationRelease> b)
    {
        b.Property(r => r.Hostname).HasMaxLength(255);
        b.Property(r => r.DecidedBy).HasMaxLength(256);
        b.HasOne<Installation>().WithMany().HasForeignKey(r => r.InstallationId).OnDelete(DeleteBehavior.Cascade);
        // The release limit and the evidence read a license's recent releases; the fraud queue reads them by verdict.
        b.HasIndex(r => new { r.LicenseId, r.RequestedAt });
        b.HasIndex(r => new { r.Verdict, r.RequestedAt });
        b.Ignore(r => r.Facts);
    }
}
