namespace LicensePortal.Features.Outbox;

/// <summary>
/// Lets a page or service that queued an email tell the dispatcher to run now instead of at its next
/// poll, so no one's click waits on the mail server. Wakes that come while the dispatcher is busy fold
/// into one: it runs once more after its current round and sees every message queued by then.
/// </summary>
public sealed class OutboxWakeup(TimeProvider clock)
{
    private readonly SemaphoreSlim signal = new(0, 1);
    private readonly Lock gate = new();

    /// <summary>How many times the dispatcher was woken; tests read it to see that a click only woke it.</summary>
    public int Count => Volatile.Read(ref count);
    private int count;

    /// <summary>How many rounds the dispatcher has finished; tests wait for its first round at start-up.</summary>
    public int Rounds => Volatile.Read(ref rounds);
    private int rounds;

    public void RoundDone() => Interlocked.Increment(ref rounds);

    public void Wake()
    {
        Interlocked.Increment(ref count);
        lock (gate)
        {
            if (signal.CurrentCount == 0)
                signal.Release();
        }
    }

    /// <summary>Waits until woken or until <paramref name="timeout"/> has passed on the portal's clock; true when woken.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var elapsed = new CancellationTokenSource(timeout, clock);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, elapsed.Token);
        try
        {
            await signal.WaitAsync(either.Token);
            return true;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }
}
