using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace LicensePortal.Data;

/// <summary>The database engines the portal runs on, chosen by <c>Database:Provider</c>.</summary>
public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>
/// Everything the portal says differently to SQLite and to PostgreSQL, in one place: start-up and
/// maintenance statements, how raw SQL names its parameters and skips a duplicate row, how values
/// are bound, how a lost unique-index race shows, and which engine needs the in-process write queue.
/// Raw SQL in the features is written once, in SQLite's spelling (<c>$name</c> parameters); the
/// PostgreSQL dialect rewrites the parameter names when the command is made.
/// </summary>
public sealed partial class SqlDialect
{
    public static readonly SqlDialect Sqlite = new(DatabaseProvider.Sqlite),
        Postgres = new(DatabaseProvider.Postgres);

    private SqlDialect(DatabaseProvider provider) => Provider = provider;

    public DatabaseProvider Provider { get; }

    public bool IsSqlite => Provider == DatabaseProvider.Sqlite;

    public static SqlDialect Of(DatabaseProvider provider) => provider == DatabaseProvider.Postgres ? Postgres : Sqlite;

    public static SqlDialect Of(AppDbContext db) => db is PostgresAppDbContext ? Postgres : Sqlite;

    public static SqlDialect Of(DbConnection connection) => connection is NpgsqlConnection ? Postgres : Sqlite;

    /// <summary>The configured provider: <c>Database:Provider</c>, SQLite when unset.</summary>
    public static DatabaseProvider Configured(IConfiguration configuration) =>
        configuration["Database:Provider"] switch
        {
            null or "" => DatabaseProvider.Sqlite,
            var name when Enum.TryParse<DatabaseProvider>(name, ignoreCase: true, out var provider) => provider,
            var name
                when name.Equals("PostgreSQL", StringComparison.OrdinalIgnoreCase)
                    || name.Equals("Npgsql", StringComparison.OrdinalIgnoreCase) => DatabaseProvider.Postgres,
            var name => throw new InvalidOperationException($"Database:Provider '{name}' is not supported: use Sqlite or Postgres."),
        };

    /// <summary>Run once after migrating; null when the engine needs nothing. SQLite: write-ahead logging, kept in the file.</summary>
    public string? AfterMigrateSql => IsSqlite ? "PRAGMA journal_mode=WAL;" : null;

    /// <summary>Refreshes the planner's statistics. SQLite samples a bounded number of rows per index; PostgreSQL samples by
    /// itself.</summary>
    public string PlannerStatisticsSql => IsSqlite ? "PRAGMA analysis_limit=1000; ANALYZE;" : "ANALYZE;";

    /// <summary>After a bulk pass: SQLite copies its write-ahead log back into the file; PostgreSQL's checkpointer does this
    /// itself.</summary>
    public string? AfterBulkPassSql => IsSqlite ? "PRAGMA wal_checkpoint(PASSIVE);" : null;

    /// <summary>Around one bulk batch on SQLite: no automatic checkpoints while it writes (see the fraud monitor).</summary>
    public string? BeforeBulkBatchSql => IsSqlite ? "PRAGMA wal_autocheckpoint=0;" : null;

    public string? AfterBulkBatchSql => IsSqlite ? $"PRAGMA wal_autocheckpoint={DatabaseSetup.WalAutoCheckpointPages};" : null;

    /// <summary>
    /// SQLite takes one writer at a time, so the portal queues its hot writers in-process (<see cref="WriteGate"/>);
    /// PostgreSQL locks rows, and a process-wide queue would only serialize what it runs in parallel.
    /// </summary>
    public bool QueuesWrites => IsSqlite;

    /// <summary>
    /// Taken before a transaction adds audit rows or seals them, and held until it ends, so the chain grows one writer at
    /// a time (AuditChain). SQLite needs nothing: its single write lock does this. On PostgreSQL ids can commit out of
    /// order, so without it a writer would seal past a row another has inserted but not committed yet.
    /// </summary>
    public string? AuditChainLockSql => IsSqlite ? null : $"SELECT pg_advisory_xact_lock({InstanceLock.Key("audit-chain")})";

    /// <summary>
    /// Prepares commands before their values are bound. Npgsql must know the parameter types to prepare,
    /// and prepares statements it sees often by itself (<c>Max Auto Prepare</c>), so PostgreSQL skips it.
    /// </summary>
    public bool PreparesUnboundCommands => IsSqlite;

    /// <summary>Raw SQL is written with SQLite's <c>$name</c> parameters; Npgsql wants <c>@name</c>.</summary>
    public string Sql(string sql) => IsSqlite ? sql : DollarParameter().Replace(sql, "@$1");

    /// <summary>A parameter's name as the command declares it (<c>$p0</c> written in the SQL).</summary>
    public string ParameterName(string name) => IsSqlite ? name : "@" + name.TrimStart('$', '@');

    /// <summary>An INSERT that skips a row a unique index already holds.</summary>
    public string InsertOrIgnore(string tableAndColumns, string values) =>
        IsSqlite
            ? $"INSERT OR IGNORE INTO {tableAndColumns} VALUES ({values})"
            : $"INSERT INTO {tableAndColumns} VALUES ({values}) ON CONFLICT DO NOTHING";

    /// <summary>
    /// A value for a raw-SQL parameter, as EF Core stores it: enums as numbers, and on SQLite Guids as upper-case text
    /// (PostgreSQL has a uuid type).
    /// </summary>
    public object Bind(object? value) =>
        value switch
        {
            null => DBNull.Value,
            Enum e => Convert.ChangeType(e, Enum.GetUnderlyingType(e.GetType()), System.Globalization.CultureInfo.InvariantCulture),
            Guid g when IsSqlite => g.ToString().ToUpperInvariant(),
            var v => v,
        };

    /// <summary>
    /// The connection string for connections that run the same few commands all day (the check-in). SQLite prepares them
    /// itself; Npgsql cannot prepare a command whose parameters have no types yet, so PostgreSQL connections prepare a
    /// statement on its second use (auto-prepare): parsing and planning the check-in's three statements every time cost
    /// more than running them.
    /// </summary>
    public string ForRepeatedCommands(string connectionString) =>
        IsSqlite
            ? connectionString
            : new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = 16, AutoPrepareMinUsages = 2 }.ConnectionString;

    public DbConnection CreateConnection(string connectionString) =>
        IsSqlite ? new SqliteConnection(connectionString) : new NpgsqlConnection(connectionString);

    /// <summary>A unique index or primary key that another writer filled first.</summary>
    public static bool IsUniqueViolation(Exception? inner) =>
        inner switch
        {
            // SQLite's extended result codes: SQLITE_CONSTRAINT_UNIQUE and SQLITE_CONSTRAINT_PRIMARYKEY.
            SqliteException s => s.SqliteExtendedErrorCode is 2067 or 1555,
            PostgresException p => p.SqlState == PostgresErrorCodes.UniqueViolation,
            _ => false,
        };

    [GeneratedRegex(@"\$([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex DollarParameter();
}
