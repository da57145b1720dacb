using System.Collections.Concurrent;
using System.Data.Common;
using LicensePortal.Data;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Features.Activation;

/// <summary>
/// Open connections, each with the check-in command prepared on it, reused from one check-in to
/// the next: preparing the two statements cost more than running them. A command whose use
/// failed half-way is closed, not reused.
/// </summary>
public sealed class CheckInCommands(IDbContextFactory<AppDbContext> dbFactory, SqlDialect dialect) : IDisposable
{
    private const int MaxIdle = 16;
    internal static readonly string[] Parameters = ["$key", "$machine", "$host", "$version", "$now", "$staleBefore", "$stintsSince"];
    private readonly ConcurrentBag<DbCommand> idle = [];
    private string? connectionString;

    public async Task<DbCommand> RentAsync(CancellationToken ct)
    {
        if (idle.TryTake(out var command))
            return command;
        if (connectionString is null)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            connectionString = dialect.ForRepeatedCommands(db.Database.GetConnectionString()!);
        }
        var connection = dialect.CreateConnection(connectionString!);
        await connection.OpenAsync(ct);
        command = connection.CreateCommand();
        command.CommandText = dialect.Sql(CheckInService.CheckInSql);
        foreach (var name in Parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = dialect.ParameterName(name);
            command.Parameters.Add(parameter);
        }
        if (dialect.PreparesUnboundCommands)
            command.Prepare();
        return command;
    }

    public void Return(DbCommand command, bool reusable)
    {
        if (reusable && idle.Count < MaxIdle)
            idle.Add(command);
        else
            Close(command);
    }

    private static void Close(DbCommand command)
    {
        var connection = command.Connection;
        command.Dispose();
        connection?.Dispose();
    }

    public void Dispose()
    {
        while (idle.TryTake(out var command))
            Close(command);
    }
}
