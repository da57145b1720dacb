namespace LicensePortal.Data;

/// <summary>
/// Lets one of this process's hot writers at a time into SQLite, which takes one writer at a time
/// anyway. Without it, concurrent check-ins meet SQLITE_BUSY, and Microsoft.Data.Sqlite answers
/// that by sleeping 150 ms before trying again (dotnet/efcore#36658): under load most threads
/// sleep while the database idles. Waiting here instead is asynchronous and first come, first
/// served. Used by the check-in, the release and the fraud monitor's batch writes; the database's
/// own locking still guards everything else and other processes. On PostgreSQL (<paramref name="queues"/>
/// false) every writer goes in at once: its row locks let them write in parallel.
/// </summary>
public sealed class WriteGate(TimeProvider clock, bool queues = true)
{
    private readonly SemaphoreSlim? gate = queues ? new(1, 1) : null;
    private int waiting;

    /// <summary>Writers waiting for their turn now.</summary>
    public int Waiting => Volatile.Read(ref waiting);

    public async Task<Entry> EnterAsync(CancellationToken ct)
    {
        if (gate is null)
            return default;
        await gate.WaitAsync(ct);
        return new Entry(gate);
    }

    /// <summary>
    /// A turn for a request that can be turned away: null at once when <paramref name="queueLimit"/> writers already wait,
    /// or when the turn has not come within <paramref name="wait"/>. Shedding load answers quickly instead of piling up.
    /// </summary>
    public async Task<Entry?> TryEnterAsync(int queueLimit, TimeSpan wait, CancellationToken ct)
    {
        if (gate is null)
            return default(Entry);
        // A free turn is taken at once, without the timer and linked token a wait needs (most check-ins on a quiet
        // portal). A released turn goes to the writer that waited longest, so this never jumps the queue.
        if (gate.Wait(0, ct))
            return new Entry(gate);
        if (Interlocked.Increment(ref waiting) > queueLimit)
        {
            Interlocked.Decrement(ref waiting);
            return null;
        }
        try
        {
            using var timeout = new CancellationTokenSource(wait, clock);
            using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
            await gate.WaitAsync(either.Token);
            return new Entry(gate);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return null;
        }
        finally
        {
            Interlocked.Decrement(ref waiting);
        }
    }

    public readonly struct Entry(SemaphoreSlim? gate) : IDisposable
    {
        public void Dispose() => gate?.Release();
    }
}
