using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Data;

/// <summary>Keeps the planner's statistics current: soon after start-up, then once a day.</summary>
public sealed class DatabaseMaintenance(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, ILogger<DatabaseMaintenance> logger)
    : BackgroundService
{
    public static readonly TimeSpan FirstRunAfter = TimeSpan.FromMinutes(10),
        Interval = TimeSpan.FromDays(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Delay(FirstRunAfter, clock, stoppingToken);
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                await using var db = await dbFactory.CreateDbContextAsync(stoppingToken);
                await db.RefreshPlannerStatisticsAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Refreshing the database statistics failed; it is tried again tomorrow.");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
