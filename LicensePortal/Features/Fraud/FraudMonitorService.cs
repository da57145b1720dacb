using Microsoft.Extensions.Options;

namespace LicensePortal.Features.Fraud;

/// <summary>Runs the monitor on its interval; the fraud team can also start it from the case queue.</summary>
public sealed class FraudMonitorService(IServiceScopeFactory scopes, IOptions<FraudOptions> options, TimeProvider clock, ILogger<FraudMonitorService> logger) : BackgroundService
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    /// <summary>One pass at a time in this process; the database constraints cover other processes.</summary>
    public static async Task<MonitorResult> RunOnceAsync(IServiceProvider services, IProgress<string>? progress, CancellationToken ct)
    {
        await Gate.WaitAsync(ct);
        try { return await services.GetRequiredService<FraudMonitor>().RunAsync(progress, ct); }
        finally { Gate.Release(); }
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
