using System.Text.Json;
using LicensePortal.Data;
using LicensePortal.Data.Backups;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

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
