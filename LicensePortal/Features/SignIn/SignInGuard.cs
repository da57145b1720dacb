using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;

namespace LicensePortal.Features.SignIn;

/// <summary>
/// Throttles guessing without letting an attacker lock anyone out. Two counts, both in memory on each instance:
/// attempts per address per minute (every account together), and failures per account <em>and</em> address.
/// Too many failures bar that address from that account for a while; the owner signing in from anywhere else is
/// not affected, so nobody can keep the last admin out by typing wrong passwords for them. Accounts are counted by
/// what was typed, whether or not such an account exists, so the answers never tell which ones do.
/// </summary>
public sealed class SignInGuard(IOptions<SignInSettings> options, TimeProvider clock)
{
    /// <summary>Beyond this many remembered counts, expired ones are swept before a new one is added.</summary>
    private const int SweepAbove = 10_000;

    private sealed class Count
    {
        public DateTimeOffset Since;
        public int N;
        public DateTimeOffset? BarredUntil;
    }

    private readonly ConcurrentDictionary<string, Count> attempts = new();
    private readonly ConcurrentDictionary<string, Count> failures = new();

    /// <summary>Counts an attempt from <paramref name="address"/>; false when it is over this minute's allowance.</summary>
    public bool TryAttempt(IPAddress? address)
    {
        var now = clock.GetUtcNow();
        var count = Get(attempts, Address(address), now, TimeSpan.FromMinutes(1));
        lock (count)
        {
            if (now - count.Since >= TimeSpan.FromMinutes(1)) (count.Since, count.N) = (now, 0);
            return ++count.N <= options.Value.AttemptsPerAddressPerMinute;
        }
    }

    /// <summary>How long this address is still barred from this account, or null when it is not.</summary>
    public TimeSpan? BarredFor(string account, IPAddress? address)
    {
        if (!failures.TryGetValue(Key(account, address), out var count)) return null;
        var now = clock.GetUtcNow();
        lock (count) return count.BarredUntil > now ? count.BarredUntil.Value - now : null;
    }

    /// <summary>Counts a failed attempt on the account from the address; the last one allowed starts the bar.</summary>
    public void Failed(string account, IPAddress? address)
    {
        var now = clock.GetUtcNow();
        var window = TimeSpan.FromMinutes(options.Value.BarMinutes);
        var count = Get(failures, Key(account, address), now, window);
        lock (count)
        {
            if (now - count.Since >= window && !(count.BarredUntil > now)) (count.Since, count.N, count.BarredUntil) = (now, 0, null);
            if (++count.N >= options.Value.FailuresBeforeBar) count.BarredUntil = now + window;
        }
    }

    /// <summary>A successful sign-in forgets the failures from that address.</summary>
    public void Succeeded(string account, IPAddress? address) => failures.TryRemove(Key(account, address), out _);

    private Count Get(ConcurrentDictionary<string, Count> counts, string key, DateTimeOffset now, TimeSpan lifetime)
    {
        if (counts.Count > SweepAbove)
            foreach (var (k, c) in counts)
                lock (c)
                    if (now - c.Since >= lifetime && !(c.BarredUntil > now)) counts.TryRemove(k, out _);
        return counts.GetOrAdd(key, _ => new Count { Since = now });
    }

    private static string Address(IPAddress? address) => address?.ToString() ?? "unknown";

    private static string Key(string account, IPAddress? address) => $"{account.Trim().ToUpperInvariant()}|{Address(address)}";
}
