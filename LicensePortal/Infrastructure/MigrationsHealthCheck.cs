using LicensePortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LicensePortal.Infrastructure;

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
