using LicensePortal.Data.Backups;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace LicensePortal.Infrastructure;

/// <summary>
/// The newest backup's age. Too old (or none) is Degraded, not Unhealthy: a late backup is an
/// alert for the operator, not a reason for the load balancer to stop sending users here.
/// </summary>
internal sealed class BackupHealthCheck(DatabaseBackups backups, IOptions<BackupOptions> options, TimeProvider clock) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!backups.Supported)
            return Task.FromResult(
                HealthCheckResult.Healthy("The portal takes no backups on PostgreSQL: pg_dump is the operator's (docs/OPERATIONS.md).")
            );
        var newest = backups.Newest();
        var data = new Dictionary<string, object>
        {
            ["lastBackupAt"] = newest?.TakenAt.ToString("O") ?? "",
            ["ageHours"] = newest is null ? -1 : Math.Round((clock.GetUtcNow().UtcDateTime - newest.TakenAt).TotalHours, 2),
            ["maxAgeHours"] = options.Value.Scheduled ? options.Value.MaxAge.TotalHours : 0,
        };
        var age = newest is null ? (TimeSpan?)null : clock.GetUtcNow().UtcDateTime - newest.TakenAt;
        var described = newest is null
            ? "No backup yet"
            : $"Last backup {age!.Value.TotalHours:0.#} hours ago ({Path.GetFileName(newest.Path)})";
        var result =
            !options.Value.Scheduled ? HealthCheckResult.Healthy($"{described}; scheduled backups are off.", data)
            : age is null ? HealthCheckResult.Degraded($"{described}; one is due every {options.Value.IntervalHours} hours.", data: data)
            : age > options.Value.MaxAge
                ? HealthCheckResult.Degraded($"{described}, older than {options.Value.MaxAge.TotalHours} hours.", data: data)
            : HealthCheckResult.Healthy($"{described}.", data);
        return Task.FromResult(result);
    }
}
