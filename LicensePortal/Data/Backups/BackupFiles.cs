using System.Globalization;
using System.Text.RegularExpressions;

namespace LicensePortal.Data.Backups;

/// <summary>A finished backup: its path and the UTC time in its name.</summary>
public sealed record BackupFile(string Path, DateTime TakenAt);

/// <summary>How backups are named, which ones retention deletes and when the next one is due.</summary>
public static partial class BackupFiles
{
    public const string Prefix = "licenseportal-";
    private const string StampFormat = "yyyyMMdd'T'HHmmss'Z'";

    [GeneratedRegex(@"^licenseportal-(\d{8}T\d{6}Z)(-[a-z0-9-]+)?\.db$")]
    private static partial Regex NamePattern();

    /// <summary>
    /// The file name of a backup taken at <paramref name="takenAt"/> (UTC), with an optional label
    /// such as "pre-migration". Names sort by time, so the newest is the last.
    /// </summary>
    public static string NameFor(DateTimeOffset takenAt, string? label = null) =>
        Prefix + takenAt.UtcDateTime.ToString(StampFormat, CultureInfo.InvariantCulture) + (label is null ? "" : "-" + label) + ".db";

    /// <summary>The time in a backup's name, or null for any other file (temporary files never count).</summary>
    public static DateTime? TakenAt(string fileName)
    {
        var match = NamePattern().Match(fileName);
        return match.Success
            ? DateTime.ParseExact(
                match.Groups[1].Value,
                StampFormat,
                CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal
            )
            : null;
    }

    /// <summary>The backups among <paramref name="files"/>, oldest first.</summary>
    public static IReadOnlyList<BackupFile> Finished(IEnumerable<string> files) =>
        [
            .. files
                .Select(f => (path: f, at: TakenAt(System.IO.Path.GetFileName(f))))
                .Where(f => f.at is not null)
                .Select(f => new BackupFile(f.path, f.at!.Value))
                .OrderBy(f => f.TakenAt)
                .ThenBy(f => f.Path, StringComparer.Ordinal),
        ];

    /// <summary>The backups retention deletes: all but the newest <paramref name="keep"/> (at least one is always kept).</summary>
    public static IReadOnlyList<BackupFile> ToDelete(IReadOnlyList<BackupFile> oldestFirst, int keep) =>
        [.. oldestFirst.Take(Math.Max(0, oldestFirst.Count - Math.Max(1, keep)))];

    /// <summary>How long to wait before the next scheduled backup: none when the newest is an interval old or there is none.</summary>
    public static TimeSpan WaitBeforeNext(DateTime? newest, TimeSpan interval, DateTimeOffset now)
    {
        if (newest is null)
            return TimeSpan.Zero;
        var wait = newest.Value + interval - now.UtcDateTime;
        return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
    }
}
