using Microsoft.Extensions.Options;

namespace LicensePortal.Data.Backups;

/// <summary>Backs up every <c>Backup:IntervalHours</c>, counted from the newest backup in the folder, so a restart doesn't reset the
/// clock.</summary>
public sealed class ScheduledBackups(
    DatabaseBackups backups,
    IOptions<BackupOptions> options,
    TimeProvider clock,
    ILogger<ScheduledBackups> logger
) : BackgroundService
{
    /// <summary>Start-up (migrations, seeding, the first requests) goes first.</summary>
    public static readonly TimeSpan FirstCheckAfter = TimeSpan.FromMinutes(1);

    /// <summary>After a failure: try again soon, not a whole interval later.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromMinutes(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Scheduled)
            return;
        await Task.Delay(FirstCheckAfter, clock, stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
            await Task.Delay(await RunIfDueAsync(stoppingToken), clock, stoppingToken);
    }

    /// <summary>Backs up when the newest backup is an interval old (or there is none); returns how long until the next one is
    /// due.</summary>
    public async Task<TimeSpan> RunIfDueAsync(CancellationToken ct)
    {
        try
        {
            var wait = BackupFiles.WaitBeforeNext(backups.Newest()?.TakenAt, options.Value.Interval, clock.GetUtcNow());
            if (wait > TimeSpan.Zero)
                return wait;
            await backups.BackupAsync(ct: ct);
            return options.Value.Interval;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "The scheduled backup failed; it is tried again in {Retry}.", RetryAfter);
            return RetryAfter;
        }
    }
}
