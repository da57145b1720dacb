using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Tests.Infrastructure;

/// <summary>SQLite's plan for a LINQ query, one line per step (EXPLAIN QUERY PLAN).</summary>
public static class QueryPlan
{
    public static async Task<List<string>> OfAsync<T>(DbContext db, IQueryable<T> query)
    {
        await db.Database.OpenConnectionAsync();
        await using var command = query.CreateDbCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText;
        var steps = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            steps.Add(reader.GetString(3));
        return steps;
    }
}
