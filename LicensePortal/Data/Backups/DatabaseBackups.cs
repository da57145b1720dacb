using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LicensePortal.Data.Backups;

/// <summary>
/// Online backups of the SQLite database into the configured folder, their retention, and the
/// offline restore. A backup is <c>VACUUM INTO</c> a temporary name, which reads one consistent
/// snapshot while other connections keep writing (WAL), then a rename: a backup cut short by a
/// crash or a full disk is never taken for a finished one. On PostgreSQL the portal takes no backups:
/// the server's own tools do it better (pg_dump, or continuous archiving), and the operator runs them.
/// </summary>
public sealed class DatabaseBackups(
    IDbContextFactory<AppDbContext> dbFactory,
    IOptions<BackupOptions> options,
    IHostEnvironment environment,
    TimeProvider clock,
    ILogger<DatabaseBackups> logger,
    SqlDialect dialect
)
{
    public const string NotOnPostgres =
        "On PostgreSQL the portal takes and restores no backups itself: back up with pg_dump and restore with pg_restore (see "
        + "docs/OPERATIONS.md).";

    /// <summary>False on PostgreSQL, whose backups are the operator's.</summary>
    public bool Supported => dialect.IsSqlite;

    private readonly SemaphoreSlim oneAtATime = new(1, 1);

    public string DatabasePath
    {
        get
        {
            using var db = dbFactory.CreateDbContext();
            return new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
        }
    }

    public string Folder =>
        options.Value.Folder is { Length: > 0 } folder
            ? Path.GetFullPath(Path.Combine(environment.ContentRootPath, folder))
            : Path.Combine(Path.GetDirectoryName(DatabasePath)!, "backups");

    /// <summary>The finished backups, oldest first.</summary>
    public IReadOnlyList<BackupFile> List() => Directory.Exists(Folder) ? BackupFiles.Finished(Directory.EnumerateFiles(Folder)) : [];

    public BackupFile? Newest() => List() is { Count: > 0 } all ? all[^1] : null;

    /// <summary>Writes a consistent copy of the database to the folder, then deletes all but the newest <c>Backup:Keep</c>.</summary>
    public async Task<BackupFile> BackupAsync(string? label = null, CancellationToken ct = default)
    {
        if (!Supported)
            throw new BackupException(NotOnPostgres);
        await oneAtATime.WaitAsync(ct);
        try
        {
            var folder = Folder;
            LicensePortal.Infrastructure.PrivateFiles.CreateFolder(folder);
            var takenAt = clock.GetUtcNow();
            var path = Path.Combine(folder, BackupFiles.NameFor(takenAt, label));
            for (var n = 2; File.Exists(path); n++)
                path = Path.Combine(folder, BackupFiles.NameFor(takenAt, label is null ? $"{n}" : $"{label}-{n}"));
            var temporary = path + ".tmp";
            File.Delete(temporary);
            // VACUUM INTO writes into an empty file as it finds it: made readable by the portal's account only, from the start.
            LicensePortal.Infrastructure.PrivateFiles.EnsureExists(temporary);

            await using (var db = await dbFactory.CreateDbContextAsync(ct))
                await db.Database.ExecuteSqlRawAsync("VACUUM INTO {0}", [temporary], ct);
            // VACUUM INTO does not sync its output: make it durable before it counts as a backup.
            await using (var written = new FileStream(temporary, FileMode.Open, FileAccess.ReadWrite))
                written.Flush(flushToDisk: true);
            File.Move(temporary, path);

            foreach (var old in BackupFiles.ToDelete(List(), options.Value.Keep))
                File.Delete(old.Path);
            logger.LogInformation("Backed up the database to {Path}.", path);
            return new BackupFile(path, takenAt.UtcDateTime);
        }
        finally
        {
            oneAtATime.Release();
        }
    }

    /// <summary>
    /// Backs up an existing database before migrations change it, so a failed or unwanted upgrade
    /// can be undone. A new, empty database has nothing to keep.
    /// </summary>
    public async Task<BackupFile?> BackupBeforeMigratingAsync(AppDbContext db, CancellationToken ct = default)
    {
        if (!Supported)
            return null;
        if (!File.Exists(DatabasePath) || new FileInfo(DatabasePath).Length == 0)
            return null;
        if (!(await db.Database.GetAppliedMigrationsAsync(ct)).Any())
            return null;
        if (!(await db.Database.GetPendingMigrationsAsync(ct)).Any())
            return null;
        return await BackupAsync("pre-migration", ct);
    }

    /// <summary>
    /// Replaces the database with a backup. Only while the portal is stopped: the backup is
    /// copied beside the database and checked with <c>PRAGMA integrity_check</c> first; the replaced
    /// file (and its write-ahead log) is renamed aside, never deleted. Returns where it went.
    /// </summary>
    /// <summary>
    /// A bare backup name ("licenseportal-20261126T020000Z.db") is looked up only in the backup folder, never in the
    /// current directory; anything with a folder in it is a path, taken as given.
    /// </summary>
    private string SourceOf(string backup)
    {
        if (Path.GetFileName(backup) != backup)
            return Path.GetFullPath(backup);
        if (BackupFiles.TakenAt(backup) is null)
            throw new BackupException($"{backup} is not a backup name (licenseportal-<UTC time>.db); give a path to restore another file.");
        return Path.Combine(Folder, backup);
    }

    public async Task<string?> RestoreAsync(string backup, CancellationToken ct = default)
    {
        if (!Supported)
            throw new BackupException(NotOnPostgres);
        var source = SourceOf(backup);
        if (!File.Exists(source))
            throw new BackupException($"There is no backup file {backup}.");

        var database = DatabasePath;
        using var running =
            RunningLock.TryTake(database) ?? throw new BackupException("The portal is running on this database: stop it before restoring.");
        SqliteConnection.ClearAllPools();

        var incoming = database + ".restoring";
        // A private copy whatever the backup's mode: it becomes the database.
        File.Delete(incoming);
        await using (var from = File.OpenRead(source))
        await using (var to = LicensePortal.Infrastructure.PrivateFiles.CreateNew(incoming))
            await from.CopyToAsync(to, ct);
        try
        {
            await VerifyAsync(incoming, ct);
        }
        catch
        {
            File.Delete(incoming);
            throw;
        }

        string? replaced = null;
        // The empty file the portal creates (owner-only) before SQLite opens it holds nothing to keep.
        if (File.Exists(database) && new FileInfo(database).Length == 0 && !File.Exists(database + "-wal"))
            File.Delete(database);
        if (File.Exists(database))
        {
            replaced = $"{database}.replaced-{BackupFiles.NameFor(clock.GetUtcNow())[BackupFiles.Prefix.Length..^3]}";
            File.Move(database, replaced);
            // The log may hold the replaced file's last transactions: it goes aside with it, under the name SQLite looks for.
            if (File.Exists(database + "-wal"))
                File.Move(database + "-wal", replaced + "-wal");
        }
        File.Delete(database + "-wal");
        File.Delete(database + "-shm");
        File.Move(incoming, database);
        logger.LogInformation("Restored the database from {Backup}; the replaced file is {Replaced}.", source, replaced);
        return replaced;
    }

    private static async Task VerifyAsync(string path, CancellationToken ct)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False;Mode=ReadWrite");
        await connection.OpenAsync(ct);
        await using var check = connection.CreateCommand();
        check.CommandText = "PRAGMA integrity_check;";
        string? result;
        try
        {
            result = (string?)await check.ExecuteScalarAsync(ct);
        }
        catch (SqliteException ex)
        {
            throw new BackupException($"The backup is not a readable SQLite database: {ex.Message}");
        }
        if (result != "ok")
            throw new BackupException($"The backup failed its integrity check: {result}");
        check.CommandText = "SELECT count(*) FROM sqlite_master WHERE name = '__EFMigrationsHistory';";
        if ((long)(await check.ExecuteScalarAsync(ct))! == 0)
            throw new BackupException("The file is not a LicensePortal database.");
    }
}
