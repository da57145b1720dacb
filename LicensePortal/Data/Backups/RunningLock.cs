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
