using Microsoft.Extensions.Options;

namespace LicensePortal.Features.Outbox;

/// <summary>Delivers due outbox messages every poll interval, and at once when something wakes it (<see cref="OutboxWakeup"/>).</summary>
public sealed class OutboxDispatcher(
    IServiceScopeFactory scopes,
    OutboxWakeup wakeup,
    IOptions<EmailOptions> options,
    ILogger<OutboxDispatcher> logger
) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(Math.Max(1, options.Value.PollSeconds));
        while (!stoppingToken.IsCancellationRequested)
        {
            var full = false;
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                (_, full) = await scope.ServiceProvider.GetRequiredService<OutboxService>().DispatchRoundAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "The outbox dispatcher failed; it tries again on its next round.");
            }
            wakeup.RoundDone();
            if (!full)
                await wakeup.WaitAsync(interval, stoppingToken);
        }
    }
}
