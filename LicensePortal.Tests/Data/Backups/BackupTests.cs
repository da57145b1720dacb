using LicensePortal.Data.Backups;
using LicensePortal.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LicensePortal.Tests.Data.Backups;

// SQLite file backups and restores; PostgreSQL's backups are the operator's (pg_dump).
[Trait("Provider", "Sqlite")]
public class BackupTests
{
    /// <summary>The portal on a database file (and backup folder) that outlives it, as on a server.</summary>
    private sealed class PortalOn(string path, string backups, bool seed = false) : PortalFactory
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("ConnectionStrings:DefaultConnection", $"Data Source={path}");
            builder.UseSetting("Demo:Seed", seed ? "true" : "false");
            builder.UseSetting("Backup:Folder", backups);
        }
    }

    private static string NewFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "licenseportal-tests", $"backup-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        return folder;
    }

    private static async Task<string> IntegrityAsync(string path)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False;Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check;";
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<long> CountAsync(string path, string table)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False;Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM \"{table}\";";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task The_backup_command_writes_a_valid_copy_while_the_portal_runs()
    {
        await using var portal = new PortalFactory { Licenses = 20 };
        _ = portal.Server;

        var result = await PortalCommand.RunAsync(portal.DatabasePath, portal.BackupFolder, "backup");

        Assert.True(result.ExitCode == 0, result.Output);
        var backup = Assert.Single(Directory.GetFiles(portal.BackupFolder));
        Assert.Contains(backup, result.Output);
        Assert.NotNull(BackupFiles.TakenAt(Path.GetFileName(backup)));
        Assert.Equal("ok", await IntegrityAsync(backup));
        Assert.Equal(20, await CountAsync(backup, "Licenses"));
    }

    [Fact]
    public async Task A_backup_taken_while_another_connection_writes_is_consistent()
    {
        await using var portal = new PortalFactory { Licenses = 20 };
        var backups = portal.Service<DatabaseBackups>();
        using var stop = new CancellationTokenSource();
        var writing = new TaskCompletionSource();
        var writer = Task.Run(async () =>
        {
            await using var connection = new SqliteConnection($"Data Source={portal.DatabasePath};Pooling=False;Default Timeout=30");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE Scratch (Id INTEGER PRIMARY KEY, Text BLOB NOT NULL);";
            await command.ExecuteNonQueryAsync();
            command.CommandText =
                "BEGIN; INSERT INTO Scratch (Text) VALUES (randomblob(2000)); "
                + "INSERT INTO Scratch (Text) VALUES (randomblob(2000)); COMMIT;";
            var rows = 0;
            while (!stop.IsCancellationRequested)
            {
                await command.ExecuteNonQueryAsync();
                rows += 2;
                if (rows == 100)
                    writing.SetResult();
            }
            return rows;
        });
        await writing.Task;

        var taken = new List<BackupFile>();
        for (var i = 0; i < 4; i++)
        {
            portal.Clock.Advance(TimeSpan.FromMinutes(1));
            taken.Add(await backups.BackupAsync());
        }
        stop.Cancel();
        var written = await writer;

        foreach (var backup in taken)
        {
            Assert.Equal("ok", await IntegrityAsync(backup.Path));
            // Both rows of a transaction or neither: the copy is one snapshot.
            Assert.Equal(0, await CountAsync(backup.Path, "Scratch") % 2);
        }
        // Rows still in the write-ahead log are in the copy too.
        Assert.True(await CountAsync(taken[0].Path, "Scratch") >= 100);
        Assert.True(await CountAsync(taken[^1].Path, "Scratch") <= written);
    }

    [Fact]
    public async Task Retention_keeps_the_newest_N_and_ignores_half_written_files()
    {
        await using var portal = new PortalFactory { Licenses = 10, Settings = { ["Backup:Keep"] = "3" } };
        var backups = portal.Service<DatabaseBackups>();
        Directory.CreateDirectory(portal.BackupFolder);
        var halfWritten = Path.Combine(portal.BackupFolder, BackupFiles.NameFor(PortalFactory.Now.AddDays(1)) + ".tmp");
        await File.WriteAllTextAsync(halfWritten, "cut short");

        var taken = new List<BackupFile>();
        for (var i = 0; i < 5; i++)
        {
            taken.Add(await backups.BackupAsync());
            portal.Clock.Advance(TimeSpan.FromHours(1));
        }

        Assert.Equal(taken.Skip(2).Select(b => b.Path), backups.List().Select(b => b.Path));
        Assert.Equal(taken[^1].Path, backups.Newest()!.Path);
        Assert.True(File.Exists(halfWritten));
        Assert.Equal(4, Directory.GetFiles(portal.BackupFolder).Length);
    }

    [Fact]
    public async Task The_schedule_backs_up_when_an_interval_has_passed_since_the_newest_backup()
    {
        await using var portal = new PortalFactory { Licenses = 10 };
        var backups = portal.Service<DatabaseBackups>();
        var schedule = new ScheduledBackups(
            backups,
            Options.Create(new BackupOptions { IntervalHours = 24 }),
            portal.Clock,
            NullLogger<ScheduledBackups>.Instance
        );

        Assert.Equal(TimeSpan.FromHours(24), await schedule.RunIfDueAsync(default));
        Assert.Single(backups.List());
        portal.Clock.Advance(TimeSpan.FromHours(23));
        Assert.Equal(TimeSpan.FromHours(1), await schedule.RunIfDueAsync(default));
        Assert.Single(backups.List());
        portal.Clock.Advance(TimeSpan.FromHours(1));
        await schedule.RunIfDueAsync(default);

        Assert.Equal([PortalFactory.Now.UtcDateTime, PortalFactory.Now.AddDays(1).UtcDateTime], backups.List().Select(b => b.TakenAt));
    }

    [Fact]
    public async Task An_existing_database_with_pending_migrations_is_backed_up_before_they_run()
    {
        var folder = NewFolder();
        var path = Path.Combine(folder, "portal.db");
        var backupFolder = Path.Combine(folder, "backups");
        await using (var scratch = new PortalFactory { Licenses = 10 })
        {
            await using var db = await scratch.DbAsync();
            db.Database.SetConnectionString($"Data Source={path};Pooling=False");
            await db.GetService<IMigrator>().MigrateAsync("20261126065424_OneOpenPeriodPerLicense");
        }

        await using var portal = new PortalOn(path, backupFolder);
        _ = portal.Server;

        var backup = Assert.Single(Directory.GetFiles(backupFolder));
        Assert.EndsWith("-pre-migration.db", backup);
        Assert.Equal(PortalFactory.Now.UtcDateTime, BackupFiles.TakenAt(Path.GetFileName(backup)));
        Assert.Equal("ok", await IntegrityAsync(backup));
        Assert.Equal(2, await CountAsync(backup, "__EFMigrationsHistory"));
    }

    [Fact]
    public async Task A_new_empty_database_and_an_up_to_date_one_are_not_backed_up_at_start()
    {
        var folder = NewFolder();
        var path = Path.Combine(folder, "portal.db");
        var backupFolder = Path.Combine(folder, "backups");

        await using (var fresh = new PortalOn(path, backupFolder))
            _ = fresh.Server;
        await using (var again = new PortalOn(path, backupFolder))
            _ = again.Server;

        Assert.False(Directory.Exists(backupFolder) && Directory.EnumerateFiles(backupFolder).Any());
    }

    [Fact]
    public async Task Restore_brings_back_the_data_of_the_backup_and_keeps_the_replaced_file()
    {
        var folder = NewFolder();
        var path = Path.Combine(folder, "portal.db");
        var backupFolder = Path.Combine(folder, "backups");
        BackupFile backup;
        await using (var portal = new PortalOn(path, backupFolder))
        {
            await portal.NewCustomerAsync("Backed Up Ltd");
            backup = await portal.Service<DatabaseBackups>().BackupAsync();
            await portal.NewCustomerAsync("Added After The Backup Ltd");
            await using (var db = await portal.DbAsync())
                await db.Customers.Where(c => c.Name == "Backed Up Ltd").ExecuteUpdateAsync(s => s.SetProperty(c => c.Name, "Renamed Ltd"));

            var refused = await PortalCommand.RunAsync(path, backupFolder, "restore", backup.Path);
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains("stop it before restoring", refused.Output);
        }

        var restored = await PortalCommand.RunAsync(path, backupFolder, "restore", Path.GetFileName(backup.Path));

        Assert.True(restored.ExitCode == 0, restored.Output);
        var replaced = Assert.Single(Directory.GetFiles(folder, "portal.db.replaced-*"), f => !f.EndsWith("-wal"));
        Assert.False(File.Exists(path + "-wal"));
        Assert.Equal(2, await CountAsync(replaced, "Customers"));
        await using var started = new PortalOn(path, backupFolder);
        await using var after = await started.DbAsync();
        Assert.Equal(["Backed Up Ltd"], await after.Customers.Select(c => c.Name).ToListAsync());
    }

    [Fact]
    public async Task The_database_its_folder_backups_and_a_restored_file_are_created_readable_by_the_portals_account_only()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("Unix file modes.");
            return;
        }
        const UnixFileMode file = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var folder = Path.Combine(NewFolder(), "data");
        var path = Path.Combine(folder, "portal.db");
        var backupFolder = Path.Combine(folder, "backups");
        BackupFile backup;
        await using (var portal = new PortalOn(path, backupFolder))
        {
            await portal.NewCustomerAsync("Private Ltd");
            backup = await portal.Service<DatabaseBackups>().BackupAsync();
            Assert.Equal(file | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
            Assert.Equal(file, File.GetUnixFileMode(path));
            Assert.Equal(file, File.GetUnixFileMode(path + "-wal"));
            Assert.Equal(file | UnixFileMode.UserExecute, File.GetUnixFileMode(backupFolder));
            Assert.Equal(file, File.GetUnixFileMode(backup.Path));
        }
        // A backup copied in by hand with the umask's mode still becomes a private database.
        File.SetUnixFileMode(backup.Path, file | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var restored = await PortalCommand.RunAsync(path, backupFolder, "restore", Path.GetFileName(backup.Path));

        Assert.True(restored.ExitCode == 0, restored.Output);
        Assert.Equal(file, File.GetUnixFileMode(path));
    }

    [Fact]
    public async Task Restore_refuses_a_file_that_fails_the_integrity_check_and_leaves_the_database_alone()
    {
        var folder = NewFolder();
        var path = Path.Combine(folder, "portal.db");
        await using (var portal = new PortalOn(path, Path.Combine(folder, "backups")))
            await portal.NewCustomerAsync("Kept Ltd");
        var broken = Path.Combine(folder, "broken.db");
        await File.WriteAllTextAsync(broken, "this is not a database");

        var result = await PortalCommand.RunAsync(path, Path.Combine(folder, "backups"), "restore", broken);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Nothing was restored", result.Output);
        Assert.Equal(1, await CountAsync(path, "Customers"));
        Assert.Empty(Directory.GetFiles(folder, "portal.db.re*"));
    }

    [Fact]
    public async Task A_bare_name_is_looked_up_in_the_backup_folder_only_and_must_be_a_backup_name()
    {
        var folder = NewFolder();
        var path = Path.Combine(folder, "portal.db");
        await using (var portal = new PortalOn(path, Path.Combine(folder, "backups")))
            await portal.NewCustomerAsync("Kept Ltd");

        // A file of that name where the command runs (its working directory) is not what a bare name means.
        var stray = Path.Combine(AppContext.BaseDirectory, "licenseportal-20260101T000000Z.db");
        File.Copy(path, stray, overwrite: true);
        try
        {
            var notInFolder = await PortalCommand.RunAsync(
                path,
                Path.Combine(folder, "backups"),
                "restore",
                "licenseportal-20260101T000000Z.db"
            );
            var notABackup = await PortalCommand.RunAsync(path, Path.Combine(folder, "backups"), "restore", "portal.db");

            Assert.Equal((1, 1), (notInFolder.ExitCode, notABackup.ExitCode));
            Assert.Contains("There is no backup file licenseportal-20260101T000000Z.db", notInFolder.Output);
            Assert.Contains("portal.db is not a backup name", notABackup.Output);
            Assert.Empty(Directory.GetFiles(folder, "portal.db.re*"));
        }
        finally
        {
            File.Delete(stray);
        }
    }
}
