using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace LicensePortal.Data;

/// <summary>
/// Work that one portal instance at a time may do on a database several share (the fraud monitor's pass, start-up's
/// roles and demo data): on
/// PostgreSQL a session advisory lock, held on its own connection until disposed (or until that connection drops,
/// so a crashed instance never keeps it). SQLite is one process's file: the caller's in-process gate is enough.
/// </summary>
public sealed class InstanceLock : IAsyncDisposable
{
    private readonly NpgsqlConnection? connection;
    private readonly long key;

    private InstanceLock(NpgsqlConnection? connection, long key) => (this.connection, this.key) = (connection, key);

    /// <summary>The lock, or null when another instance holds it.</summary>
    public static Task<InstanceLock?> TryTakeAsync(AppDbContext db, string name, CancellationToken ct) =>
        TakeAsync(db, name, wait: false, ct);

    /// <summary>The lock, once the instance that holds it (if any) lets it go: for work each instance does in turn.</summary>
    public static async Task<InstanceLock> TakeAsync(AppDbContext db, string name, CancellationToken ct) =>
        (await TakeAsync(db, name, wait: true, ct))!;

    private static async Task<InstanceLock?> TakeAsync(AppDbContext db, string name, bool wait, CancellationToken ct)
    {
        if (SqlDialect.Of(db).IsSqlite)
            return new InstanceLock(null, 0);
        var key = Key(name);
        var connection = new NpgsqlConnection(db.Database.GetConnectionString());
        InstanceLock? taken = null;
        try
        {
            await connection.OpenAsync(ct);
            // pg_advisory_lock waits for the holder, as long as it takes (another instance seeding a million licenses takes
            // minutes: no command timeout); pg_try_advisory_lock answers false at once.
            await using var take = new NpgsqlCommand(
                wait ? "SELECT true FROM pg_advisory_lock(@key)" : "SELECT pg_try_advisory_lock(@key)",
                connection
            )
            {
                Parameters = { new("key", key) },
                CommandTimeout = wait ? 0 : connection.CommandTimeout,
            };
            if ((bool)(await take.ExecuteScalarAsync(ct))!)
                taken = new InstanceLock(connection, key);
            return taken;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
            throw new InvalidOperationException(
                $"The PostgreSQL database \"{connection.Database}\" does not exist: create it first (README, \"PostgreSQL\": createdb), "
                    + $"then start the portal.",
                ex
            );
        }
        finally
        {
            // The connection lives as long as the lock; not taken (another instance has it, or it failed), it closes now.
            if (taken is null)
                await connection.DisposeAsync();
        }
    }

    /// <summary>A stable 64-bit key for a name (the same in every instance and version).</summary>
    internal static long Key(string name) =>
        BitConverter.ToInt64(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("licenseportal:" + name)), 0);

    public async ValueTask DisposeAsync()
    {
        if (connection is null)
            return;
        try
        {
            await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection) { Parameters = { new("key", key) } };
            await release.ExecuteScalarAsync();
        }
        catch (NpgsqlException)
        {
            // The connection broke (perhaps what failed in the work it guarded): closing it ends the session, which lets
            // the lock go, and the work's own exception is the one to see.
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }
}
