using System.Text.Json;
using LicensePortal.Data;
using LicensePortal.Data.Backups;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace LicensePortal.Infrastructure;

/// <summary>
/// <c>/health</c> runs every check; <c>/health/live</c> none (the process answers); <c>/health/ready</c>
/// the ones a load balancer should wait for: database, migrations and backup age.
/// </summary>
public static class HealthChecks
{
    public const string Ready = "ready";

    public static IServiceCollection AddPortalHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [Ready])
            .AddCheck<MigrationsHealthCheck>("migrations", tags: [Ready])
            .AddCheck<BackupHealthCheck>("backup", tags: [Ready]);
        return services;
    }

    public static IEndpointRouteBuilder MapPortalHealthChecks(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health", Options(_ => true)).AllowAnonymous();
        endpoints.MapHealthChecks("/health/live", Options(_ => false)).AllowAnonymous();
        endpoints.MapHealthChecks("/health/ready", Options(check => check.Tags.Contains(Ready))).AllowAnonymous();
        return endpoints;
    }

    private static HealthCheckOptions Options(Func<HealthCheckRegistration, bool> predicate) => new()
    {
        Predicate = predicate,
        ResponseWriter = (context, report) =>
        {
            context.Response.ContentType = "application/json";
            // Anyone (a load balancer) learns each check's status; what lies behind it (counts, migration and backup
            // names, ages) only a signed-in admin does.
            var details = context.User.IsInRole(Roles.Admin);
            return context.Response.WriteAsync(JsonSerializer.Serialize(new
            {
                status = report.Status.ToString(),
                checks = report.Entries.ToDictionary(e => e.Key, e => details
                    ? (object)new { status = e.Value.Status.ToString(), e.Value.Description, data = e.Value.Data }
                    : new { status = e.Value.Status.ToString() }),
            }));
        },
    };
}

internal sealed class DatabaseHealthCheck(IDbContextFactory<AppDbContext> dbFactory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var products = await db.Products.CountAsync(cancellationToken);
            return HealthCheckResult.Healthy($"Database answers ({products} products).");
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy("Database does not answer.", ex);
        }
    }
}

internal sealed class MigrationsHealthCheck(IDbContextFactory<AppDbContext> dbFactory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            return pending.Count == 0
                ? HealthCheckResult.Healthy("All migrations are applied.")
                : HealthCheckResult.Unhealthy($"{pending.Count} migrations are not applied: {string.Join(", ", pending)}.");
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy("Cannot read the applied migrations.", ex);
        }
    }
}

/// <summary>
/// The newest backup's age. Too old (or none) is Degraded, not Unhealthy: a late backup is an
/// alert for the operator, not a reason for the load balancer to stop sending users here.
/// </summary>
internal sealed class BackupHealthCheck(DatabaseBackups backups, IOptions<BackupOptions> options, TimeProvider clock) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!backups.Supported)
            return Task.FromResult(HealthCheckResult.Healthy("The portal takes no backups on PostgreSQL: pg_dump is the operator's (docs/OPERATIONS.md)."));
        var newest = backups.Newest();
        var data = new Dictionary<string, object>
        {
            ["lastBackupAt"] = newest?.TakenAt.ToString("O") ?? "",
            ["ageHours"] = newest is null ? -1 : Math.Round((clock.GetUtcNow().UtcDateTime - newest.TakenAt).TotalHours, 2),
            ["maxAgeHours"] = options.Value.Scheduled ? options.Value.MaxAge.TotalHours : 0,
        };
        var age = newest is null ? (TimeSpan?)null : clock.GetUtcNow().UtcDateTime - newest.TakenAt;
        var described = newest is null ? "No backup yet" : $"Last backup {age!.Value.TotalHours:0.#} hours ago ({Path.GetFileName(newest.Path)})";
        var result = !options.Value.Scheduled ? HealthCheckResult.Healthy($"{described}; scheduled backups are off.", data)
            : age is null ? HealthCheckResult.Degraded($"{described}; one is due every {options.Value.IntervalHours} hours.", data: data)
            : age > options.Value.MaxAge ? HealthCheckResult.Degraded($"{described}, older than {options.Value.MaxAge.TotalHours} hours.", data: data)
            : HealthCheckResult.Healthy($"{described}.", data);
        return Task.FromResult(result);
    }
}
