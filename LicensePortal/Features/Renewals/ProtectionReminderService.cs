using Microsoft.Extensions.Options;

namespace LicensePortal.Features.Renewals;

/// <summary>Sends the protection reminders on an interval, on the injected clock.</summary>
public sealed class ProtectionReminderService(
    IServiceScopeFactory scopes,
    IOptions<RenewalOptions> options,
    TimeProvider clock,
    ILogger<ProtectionReminderService> logger
) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A day is the longest interval that makes sense: reminders are due by the day.
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(Math.Clamp(options.Value.ReminderIntervalMinutes, 1, 24 * 60)), clock);
        var first = options.Value.RunAtStartup;
        while (first || await timer.WaitForNextTickAsync(stoppingToken))
        {
            first = false;
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<ProtectionReminderSender>().SendDueAsync(ct: stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Sending the protection reminders failed; it runs again on its next round.");
            }
        }
    }
}
