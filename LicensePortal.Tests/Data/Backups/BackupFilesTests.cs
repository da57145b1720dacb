using LicensePortal.Data.Backups;

namespace LicensePortal.Tests.Data.Backups;

public class BackupFilesTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Names_carry_the_UTC_time_and_sort_by_it()
    {
        Assert.Equal("licenseportal-20261126T120000Z.db", BackupFiles.NameFor(Noon));
        Assert.Equal(
            "licenseportal-20261126T050000Z-pre-migration.db",
            BackupFiles.NameFor(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.FromHours(7)), "pre-migration")
        );
        Assert.Equal(Noon.UtcDateTime, BackupFiles.TakenAt("licenseportal-20261126T120000Z.db"));
        Assert.Equal(DateTimeKind.Utc, BackupFiles.TakenAt("licenseportal-20261126T120000Z.db")!.Value.Kind);
    }

    [Theory]
    [InlineData("licenseportal-20261126T120000Z.db.tmp")]
    [InlineData("licenseportal.db")]
    [InlineData("notes.txt")]
    [InlineData("licenseportal-20261126T120000Z.db-wal")]
    public void Half_written_and_other_files_are_not_backups(string name) => Assert.Null(BackupFiles.TakenAt(name));

    [Fact]
    public void Retention_deletes_all_but_the_newest_N()
    {
        var files = BackupFiles.Finished(
            Enumerable.Range(0, 5).Select(h => "/b/" + BackupFiles.NameFor(Noon.AddHours(-h))).Append("/b/x.db.tmp")
        );

        var deleted = BackupFiles.ToDelete(files, keep: 3);

        Assert.Equal(5, files.Count);
        Assert.Equal([Noon.AddHours(-4).UtcDateTime, Noon.AddHours(-3).UtcDateTime], deleted.Select(f => f.TakenAt));
        Assert.Equal(4, BackupFiles.ToDelete(files, keep: 0).Count);
        Assert.Empty(BackupFiles.ToDelete(files, keep: 10));
    }

    [Fact]
    public void The_next_backup_is_due_an_interval_after_the_newest()
    {
        var day = TimeSpan.FromDays(1);
        Assert.Equal(TimeSpan.Zero, BackupFiles.WaitBeforeNext(null, day, Noon));
        Assert.Equal(TimeSpan.FromHours(20), BackupFiles.WaitBeforeNext(Noon.AddHours(-4).UtcDateTime, day, Noon));
        Assert.Equal(TimeSpan.Zero, BackupFiles.WaitBeforeNext(Noon.AddDays(-3).UtcDateTime, day, Noon));
    }
}
