using Microsoft.Extensions.Options;

namespace LicensePortal.Features.Fraud;

/// <summary>Runs the monitor on its interval; the fraud team can also start it from the case queue.</summary>
public sealed class FraudMonitorService(
    FraudMonitorRunner runner,
    IOptions<FraudOptions> options,
    TimeProvider clock,
    ILogger<FraudMonitorService> logger
) : BackgroundService
{
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
                var result = await runner.RunOnceAsync(null, stoppingToken);
                if (result.RunningElsewhere)
                    logger.LogInformation("The fraud monitor is running on another instance; this one skips its round.");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "The fraud monitor failed; it runs again on its next round.");
            }
        }
    }
}
