using System.Threading.Channels;
using LicensePortal.Data;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace LicensePortal.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL server the tests use, named by <c>LICENSEPORTAL_TEST_POSTGRES</c> (e.g.
/// <c>Host=localhost;Username=postgres;Password=postgres</c>), and the databases they make and drop on it.
/// With <c>LICENSEPORTAL_TEST_PROVIDER=Postgres</c> every <see cref="PortalFactory"/> runs on a database of its own there.
/// </summary>
public static class PostgresServer
{
    public const string Variable = "LICENSEPORTAL_TEST_POSTGRES",
        ProviderVariable = "LICENSEPORTAL_TEST_PROVIDER";

    /// <summary>Every database a test makes starts with this, so a run that was killed leaves names CI can find and drop.</summary>
    public const string DatabasePrefix = "licenseportal_test_";

    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } s ? s : null;

    /// <summary>The whole suite runs on PostgreSQL (<c>LICENSEPORTAL_TEST_PROVIDER=Postgres</c>) instead of SQLite files.</summary>
    public static bool RunsSuite { get; } =
        SqlDialect.Configured(
            new ConfigurationBuilder()
                .AddInMemoryCollection([new("Database:Provider", Environment.GetEnvironmentVariable(ProviderVariable))])
                .Build()
        ) == DatabaseProvider.Postgres;

    /// <summary>The server's connection string. Skips the test when none is set on a developer's machine; with CI=true (or when the
    /// suite was asked to run on PostgreSQL) it fails instead, so a server that is missing never turns into skipped tests.</summary>
    public static string Require()
    {
        if (ConnectionString is { } server)
            return server;
        var missing =
            $"PostgreSQL tests need {Variable}, a connection string to a server (e.g. Host=localhost;Username=postgres;Password=postgres).";
        if (RunsSuite || string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"{missing} .ci/run sets it up.");
        Assert.Skip(missing);
        return null!;
    }

    /// <summary>A database name a test can own: the prefix and something unique (a Guid, a hash).</summary>
    public static string NewDatabaseName(string unique) => DatabasePrefix + unique.ToLowerInvariant();

    /// <summary>
    /// Makes the database unless it exists, empty or as a copy of <paramref name="template"/>; true when this call made it.
    /// Returns its connection string in <paramref name="connectionString"/>.
    /// </summary>
    public static bool Create(string database, out string connectionString, string? template = null)
    {
        var server = Require();
        // Npgsql reads its timestamp switch once, when first used: before this process's first connection, not at a portal's start.
        PostgresAppDbContext.UseLegacyTimestamps();
        connectionString = new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString;
        using var admin = OpenAdmin(server);
        using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", admin))
        {
            exists.Parameters.AddWithValue("name", database);
            if (exists.ExecuteScalar() is not null)
                return false;
        }
        if (template is not null)
        {
            // Copying needs nobody on the template; the portal that seeded it is gone, but its connections may linger a moment.
            using var leave = new NpgsqlCommand("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = @name", admin);
            leave.Parameters.AddWithValue("name", template);
            leave.ExecuteNonQuery();
        }
        using var create = new NpgsqlCommand(
            $"CREATE DATABASE \"{database}\"" + (template is null ? "" : $" TEMPLATE \"{template}\""),
            admin
        );
        create.ExecuteNonQuery();
        return true;
    }

    /// <summary>
    /// Drops the database in the background, one at a time, so a test does not wait for it: PostgreSQL checkpoints on every
    /// drop, which takes up to a second or two on a busy machine. What is still queued when the test process ends is dropped
    /// then; what a killed process leaves, .ci/run drops (every name starting with <see cref="DatabasePrefix"/>).
    /// </summary>
    public static void DropLater(string database) => drops.Writer.TryWrite(database);

    private static readonly Channel<string> drops = Channel.CreateUnbounded<string>(new() { SingleReader = true });
    private static readonly Task dropper = DropQueuedAsync();
    private static readonly List<string> dropAtExit = [];

    /// <summary>Drops the database when the test process ends (templates other databases are copied from).</summary>
    public static void DropAtExit(string database)
    {
        lock (dropAtExit)
            dropAtExit.Add(database);
    }

    static PostgresServer() =>
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            lock (dropAtExit)
                foreach (var database in dropAtExit)
                    drops.Writer.TryWrite(database);
            drops.Writer.TryComplete();
            dropper.Wait(TimeSpan.FromMinutes(2));
        };

    private static async Task DropQueuedAsync()
    {
        await foreach (var database in drops.Reader.ReadAllAsync())
        {
            try
            {
                await DropAsync(database);
            }
            catch (NpgsqlException) { } // Left for .ci/run to drop; a test has no one to tell.
        }
    }

    /// <summary>
    /// Closes the idle connections to a database: the test's own pool and the portal's, which is keyed by the
    /// auto-preparing connection string the portal derives from it (SqlDialect.ForRepeatedCommands).
    /// </summary>
    public static void ClearPools(string connectionString)
    {
        NpgsqlConnection.ClearPool(new NpgsqlConnection(connectionString));
        NpgsqlConnection.ClearPool(new NpgsqlConnection(LicensePortal.Data.SqlDialect.Postgres.ForRepeatedCommands(connectionString)));
    }

    /// <summary>Drops the database, ending whatever connections are still open on it.</summary>
    public static async Task DropAsync(string database)
    {
        var server = Require();
        ClearPools(new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString);
        await using var admin = OpenAdmin(server);
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }

    private static NpgsqlConnection OpenAdmin(string server)
    {
        var connection = new NpgsqlConnection(
            new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ConnectionString
        );
        connection.Open();
        return connection;
    }
}
