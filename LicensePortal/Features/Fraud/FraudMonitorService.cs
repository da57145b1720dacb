using Microsoft.Extensions.Options;

namespace LicensePortal.Features.Fraud;

/// <summary>Runs the monitor on its interval; the fraud team can also start it from the case queue.</summary>
public sealed class FraudMonitorService(IServiceScopeFactory scopes, IOptions<FraudOptions> options, TimeProvider clock, ILogger<FraudMonitorService> logger) : BackgroundService
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    /// <summary>
    /// One pass at a time in this process and, on PostgreSQL, on the database (several instances share it): a pass
    /// that finds another instance's running does nothing. The database constraints would still make a second pass harmless.
    /// </summary>
    public static async Task<MonitorResult> RunOnceAsync(IServiceProvider services, IProgress<string>? progress, CancellationToken ct)
    {
        await Gate.WaitAsync(ct);
        try
        {
            await using var db = await services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<LicensePortal.Data.AppDbContext>>().CreateDbContextAsync(ct);
            await using var instances = await LicensePortal.Data.InstanceLock.TryTakeAsync(db, "fraud-monitor", ct);
            if (instances is null) return MonitorResult.Elsewhere;
            return await services.GetRequiredService<FraudMonitor>().RunAsync(progress, ct);
        }
        finally { Gate.Release(); }
    }

    /// <summary>A run someone started from the case queue: audited with who and what it found.</summary>
    public static async Task<MonitorResult> RunManuallyAsync(IServiceProvider services, System.Security.Claims.ClaimsPrincipal actor, IProgress<string>? progress, CancellationToken ct)
    {
        LicensePortal.Infrastructure.Policies.Demand(actor, LicensePortal.Infrastructure.Policies.Fraud, "Only the fraud team and managers run the monitor.");
        var result = await RunOnceAsync(services, progress, ct);
        // The run saves its cases in many transactions; the audit row records that it ran, by whom, and its outcome.
        await using var db = await services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<LicensePortal.Data.AppDbContext>>().CreateDbContextAsync(ct);
        LicensePortal.Features.Audit.AuditExtensions.Audit(db, actor, services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime, "Fraud monitor run", "FraudMonitor", "manual", null, new { result.LicensesChecked, result.CasesOpened, result.KeysDisabled });
        await db.SaveChangesAsync(ct);
        return result;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A timer period must stay under 49 days; a week is the longest interval that makes sense.
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(Math.Clamp(options.Value.MonitorIntervalMinutes, 1, 7 * 24 * 60)), clock);
        var first = options.Value.RunAtStartup;
        while (first || await timer.WaitForNextTickAsync(stoppingToken))
        {
            first = false;
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await RunOnceAsync(scope.ServiceProvider, null, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "The fraud monitor failed; it runs again on its next round.");
            }
        }
    }
}
