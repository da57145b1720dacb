namespace LicensePortal.Data.Backups;

/// <summary>The <c>Backup</c> configuration section.</summary>
public sealed class BackupOptions
{
    public const string Section = "Backup";

    /// <summary>Where backups go; relative to the content root. Empty: a "backups" folder beside the database.</summary>
    public string Folder { get; set; } = "";

    /// <summary>Hours between scheduled backups; 0 turns the schedule (and the readiness check on backup age) off.</summary>
    public double IntervalHours { get; set; }

    /// <summary>How many backups to keep; older ones are deleted after each backup.</summary>
    public int Keep { get; set; } = 14;

    /// <summary>Readiness reports Degraded when the newest backup is older; 0 means twice the interval.</summary>
    public double MaxAgeHours { get; set; }

    public TimeSpan Interval => TimeSpan.FromHours(IntervalHours);

    public bool Scheduled => IntervalHours > 0;

    public TimeSpan MaxAge => TimeSpan.FromHours(MaxAgeHours > 0 ? MaxAgeHours : 2 * IntervalHours);
}
