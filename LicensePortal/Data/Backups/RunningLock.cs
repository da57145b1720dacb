namespace LicensePortal.Data.Backups;

/// <summary>
/// An exclusive lock on "&lt;database&gt;.running" that the portal holds while it serves, so
/// <c>restore</c> refuses to swap the file under it. On Linux .NET takes it with flock, which
/// the kernel drops when the process dies: a crash leaves no stale lock.
/// </summary>
public sealed class RunningLock : IDisposable
{
    private readonly FileStream file;

    private RunningLock(FileStream file) => this.file = file;

    public static RunningLock? TryTake(string databasePath)
    {
        try
        {
            return new RunningLock(new FileStream(databasePath + ".running", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Dispose() => file.Dispose();
}

/// <summary>Holds the <see cref="RunningLock"/> from start to stop.</summary>
public sealed class PortalRunningLock(DatabaseBackups backups, ILogger<PortalRunningLock> logger) : IHostedService
{
    private RunningLock? held;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        held = RunningLock.TryTake(backups.DatabasePath);
        if (held is null) logger.LogWarning("Another portal process is running on {Database}.", backups.DatabasePath);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        held?.Dispose();
        held = null;
        return Task.CompletedTask;
    }
}
