namespace LicensePortal.Features.Outbox;

/// <summary>
/// Lets a page or service that queued an email tell the dispatcher to run now instead of at its next
/// poll, so no one's click waits on the mail server. Wakes that come while the dispatcher is busy fold
/// into one: it runs once more after its current round and sees every message queued by then.
/// </summary>
public sealed class OutboxWakeup
{
    private readonly SemaphoreSlim signal = new(0, 1);
    private readonly Lock gate = new();

    /// <summary>How many times the dispatcher was woken; tests read it to see that a click only woke it.</summary>
    public int Count => Volatile.Read(ref count);
    private int count;

    public void Wake()
    {
        Interlocked.Increment(ref count);
        lock (gate)
        {
            if (signal.CurrentCount == 0) signal.Release();
        }
    }

    /// <summary>Waits until woken or until <paramref name="timeout"/> has passed on <paramref name="clock"/>; true when woken.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider clock, CancellationToken ct)
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
