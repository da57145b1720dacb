namespace LicensePortal.Tests.Infrastructure;

/// <summary>
/// A fixed "now" that tests move by hand, while timers run in real time. FakeTimeProvider would
/// also freeze MudBlazor's debounce timers, so typing in a search box would never search.
/// </summary>
public sealed class TestClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset now = start;

    public override DateTimeOffset GetUtcNow() => now;

    public void Advance(TimeSpan by) => now += by;
}
