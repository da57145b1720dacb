using LicensePortal.Data;
using Microsoft.Extensions.Time.Testing;

namespace LicensePortal.Tests.Data;

public class WriteGateTests
{
    [Fact]
    public async Task A_writer_that_waits_longer_than_it_may_is_turned_away_and_the_next_one_gets_its_turn()
    {
        var clock = new FakeTimeProvider();
        var gate = new WriteGate(clock);
        var holder = await gate.EnterAsync(CancellationToken.None);

        var waiting = gate.TryEnterAsync(queueLimit: 5, TimeSpan.FromSeconds(10), CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(9));
        Assert.False(waiting.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Null(await waiting);
        Assert.Equal(0, gate.Waiting);
        holder.Dispose();
        var next = await gate.TryEnterAsync(queueLimit: 5, TimeSpan.FromSeconds(10), CancellationToken.None);
        Assert.NotNull(next);
        next.Value.Dispose();
    }

    [Fact]
    public async Task A_caller_that_gives_up_is_not_taken_for_a_full_queue()
    {
        var gate = new WriteGate(new FakeTimeProvider());
        using var holder = await gate.EnterAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var waiting = gate.TryEnterAsync(queueLimit: 5, TimeSpan.FromSeconds(10), cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(0, gate.Waiting);
    }

    [Fact]
    public async Task A_released_turn_goes_to_the_writer_that_waited_not_to_one_arriving_just_then()
    {
        var gate = new WriteGate(new FakeTimeProvider());
        var holder = await gate.EnterAsync(CancellationToken.None);
        var first = gate.TryEnterAsync(queueLimit: 5, TimeSpan.FromSeconds(10), CancellationToken.None);
        Assert.Equal(1, gate.Waiting);

        holder.Dispose();
        var late = gate.TryEnterAsync(queueLimit: 5, TimeSpan.FromSeconds(10), CancellationToken.None);

        // Bounded, so a gate that let the late writer in first fails here instead of hanging (the fake clock never times out).
        var turn = await first.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.NotNull(turn);
        Assert.False(late.IsCompleted);
        turn.Value.Dispose();
        var lateTurn = await late.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.NotNull(lateTurn);
        lateTurn.Value.Dispose();
        Assert.Equal(0, gate.Waiting);
    }

    [Fact]
    public async Task A_free_turn_is_taken_at_once_and_counts_no_one_waiting()
    {
        var gate = new WriteGate(new FakeTimeProvider());
        var turn = gate.TryEnterAsync(queueLimit: 0, TimeSpan.FromSeconds(10), CancellationToken.None);

        Assert.True(turn.IsCompletedSuccessfully);
        Assert.NotNull(await turn);
        Assert.Equal(0, gate.Waiting);
        // Held: with no room in the queue the next writer is turned away at once.
        Assert.Null(await gate.TryEnterAsync(queueLimit: 0, TimeSpan.FromSeconds(10), CancellationToken.None));
        (await turn)!.Value.Dispose();
    }
}
