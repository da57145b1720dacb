namespace LicensePortal.Features.Transfers;

/// <summary>Returns leases to their lessors on their end date; checks hourly on the portal's clock.</summary>
public sealed class LeaseReturnService(IServiceScopeFactory scopes, TimeProvider clock, ILogger<LeaseReturnService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), clock);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<TransferService>().ReturnDueLeasesAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Returning ended leases failed; it runs again within the hour.");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
