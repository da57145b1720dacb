using System.Data.Common;
using LicensePortal.Features.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace LicensePortal.Data;

/// <summary>
/// One SQL statement prepared once and run many times on one connection: how bulk work (the demo
/// seeder, the fraud monitor's batches) writes thousands of rows without the change tracker.
/// Parameters are <c>$p0</c>, <c>$p1</c>, … in order; values are bound as EF Core stores them
/// (<see cref="SqlDialect.Bind"/>: enums as numbers, on SQLite Guids as upper-case text and DateTimes as ISO text).
/// </summary>
public sealed class PreparedStatement : IAsyncDisposable
{
    private readonly DbCommand command;
    private readonly SqlDialect dialect;

    public PreparedStatement(DbConnection connection, string sql, int parameters, DbTransaction? transaction = null)
    {
        dialect = SqlDialect.Of(connection);
        command = connection.CreateCommand();
        command.CommandText = dialect.Sql(sql);
        command.Transaction = transaction;
        for (var i = 0; i < parameters; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = dialect.ParameterName($"$p{i}");
            command.Parameters.Add(parameter);
        }
        if (dialect.PreparesUnboundCommands)
            command.Prepare();
    }

    /// <summary>An INSERT of the given columns, in that order.</summary>
    public static PreparedStatement Insert(DbConnection connection, string table, params string[] columns) =>
        new(
            connection,
            $"INSERT INTO \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) VALUES "
                + $"({string.Join(", ", columns.Select((_, i) => $"$p{i}"))})",
            columns.Length
        );

    /// <summary>A statement on the context's connection, in its current transaction.</summary>
    public static PreparedStatement For(AppDbContext db, string sql, int parameters) =>
        new(db.Database.GetDbConnection(), sql, parameters, db.Database.CurrentTransaction?.GetDbTransaction());

    public DbTransaction? Transaction
    {
        set => command.Transaction = value;
    }

    /// <summary>Runs the statement; returns the first column of the first row it returns.</summary>
    public Task<object?> ScalarAsync(params object?[] values)
    {
        Bind(values);
        return command.ExecuteScalarAsync();
    }

    /// <summary>Runs the statement; returns the number of rows it changed.</summary>
    public Task<int> RunAsync(params object?[] values)
    {
        Bind(values);
        return command.ExecuteNonQueryAsync();
    }

    private void Bind(object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
            command.Parameters[i].Value =
                dialect.IsSqlite && values[i] is Enum e
                    ? Convert.ToInt64(e, System.Globalization.CultureInfo.InvariantCulture)
                    : dialect.Bind(values[i]);
    }

    public ValueTask DisposeAsync() => command.DisposeAsync();
}

/// <summary>
/// Rows for several tables, held in memory and written together when <see cref="FlushAsync"/> is called: on PostgreSQL
/// each table's rows as one binary COPY (its fastest way in), on SQLite row by row through a prepared INSERT (SQLite's
/// fastest way, in one transaction). Tables are written in the order they were declared, so rows whose foreign keys
/// point at rows of an earlier table in the same flush find them. Values are as <see cref="PreparedStatement"/> takes them.
/// </summary>
public sealed class BatchedInserts(DbConnection connection) : IAsyncDisposable
{
    private readonly SqlDialect dialect = SqlDialect.Of(connection);
    private readonly List<(string Table, string[] Columns, PreparedStatement? Insert, List<object?[]> Rows)> tables = [];

    /// <summary>Rows added since the last flush.</summary>
    public int Pending { get; private set; }

    /// <summary>Declares a table and the columns its rows give, in that order; returns the handle <see cref="Add"/> takes.</summary>
    public int Table(string table, params string[] columns)
    {
        tables.Add((table, columns, dialect.IsSqlite ? PreparedStatement.Insert(connection, table, columns) : null, []));
        return tables.Count - 1;
    }

    public void Add(int table, params object?[] values)
    {
        tables[table].Rows.Add(values);
        Pending++;
    }

    /// <summary>Writes every row added since the last flush, in <paramref name="transaction"/>.</summary>
    public async Task FlushAsync(DbTransaction transaction, CancellationToken ct = default)
    {
        foreach (var (table, columns, insert, rows) in tables)
        {
            if (insert is not null)
            {
                insert.Transaction = transaction;
                foreach (var row in rows)
                    await insert.RunAsync(row);
            }
            else if (rows.Count > 0)
            {
                var copy = $"COPY \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) FROM STDIN (FORMAT BINARY)";
                await using var writer = await ((Npgsql.NpgsqlConnection)connection).BeginBinaryImportAsync(copy, ct);
                foreach (var row in rows)
                {
                    await writer.StartRowAsync(ct);
                    foreach (var value in row)
                    {
                        if (value is null)
                            await writer.WriteNullAsync(ct);
                        else
                            await writer.WriteAsync(dialect.Bind(value), ct);
                    }
                }
                await writer.CompleteAsync(ct);
            }
            rows.Clear();
        }
        Pending = 0;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, _, insert, _) in tables)
            if (insert is not null)
                await insert.DisposeAsync();
    }
}

/// <summary>
/// Inserts entities of one type with a prepared statement built from the EF model (table, columns
/// and value conversions), in the caller's transaction. The database generates the keys; the
/// entities are not tracked. <c>orIgnore</c> skips a row that would break a unique index, which
/// is how two monitor passes at once never both open the same case.
/// </summary>
public sealed class BulkInsert<T> : IAsyncDisposable
    where T : class
{
    private readonly PreparedStatement statement;
    private readonly (IProperty Property, Func<object?, object?> ToProvider)[] columns;

    // Audit rows take the chain's lock before the first goes in, and their ids are kept for sealing (AuditChain).
    private readonly AppDbContext? auditChain;
    private bool chainLocked;

    public BulkInsert(AppDbContext db, bool orIgnore = false)
    {
        if (typeof(T) == typeof(AuditEntry))
            auditChain = db;
        var entityType =
            db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
        columns = entityType
            .GetProperties()
            .Where(p => !(p.IsPrimaryKey() && p.ValueGenerated != ValueGenerated.Never))
            .Select(p => (p, ToProvider(p.GetRelationalTypeMapping())))
            .ToArray();
        var names = columns.Select(c => $"\"{c.Property.GetColumnName(table)}\"").ToArray();
        var (into, values) = ($"\"{table.Name}\" ({string.Join(", ", names)})", string.Join(", ", names.Select((_, i) => $"$p{i}")));
        statement = PreparedStatement.For(
            db,
            orIgnore ? SqlDialect.Of(db).InsertOrIgnore(into, values)
            : auditChain is null ? $"INSERT INTO {into} VALUES ({values})"
            : $"INSERT INTO {into} VALUES ({values}) RETURNING \"Id\"",
            names.Length
        );
    }

    /// <summary>True when the row went in; false when <c>orIgnore</c> skipped it.</summary>
    public async Task<bool> AddAsync(T entity)
    {
        if (auditChain is not null)
        {
            if (!chainLocked)
                await auditChain.LockAuditChainAsync();
            chainLocked = true;
            var id = await statement.ScalarAsync(Values(entity));
            auditChain.AuditWritten(Convert.ToInt64(id, System.Globalization.CultureInfo.InvariantCulture));
            return true;
        }
        return await statement.RunAsync(Values(entity)) == 1;
    }

    private object?[] Values(T entity) =>
        columns.Select(c => c.ToProvider(c.Property.GetGetter().GetClrValueUsingContainingEntity(entity))).ToArray();

    private static Func<object?, object?> ToProvider(RelationalTypeMapping mapping) =>
        mapping.Converter is { } converter ? v => v is null ? null : converter.ConvertToProvider(v) : v => v;

    public ValueTask DisposeAsync() => statement.DisposeAsync();
}
