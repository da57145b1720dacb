namespace LicensePortal.Data.Backups;

/// <summary>Holds the <see cref="RunningLock"/> from start to stop.</summary>
public sealed class PortalRunningLock(DatabaseBackups backups, ILogger<PortalRunningLock> logger) : IHostedService
{
    private RunningLock? held;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        held = RunningLock.TryTake(backups.DatabasePath);
        if (held is null)
            logger.LogWarning("Another portal process is running on {Database}.", backups.DatabasePath);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        held?.Dispose();
        held = null;
        return Task.CompletedTask;
    }
}
