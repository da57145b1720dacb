using LicensePortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LicensePortal.Infrastructure;

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
