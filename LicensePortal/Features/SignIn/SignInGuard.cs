using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace LicensePortal.Features.SignIn;

/// <summary>
/// Throttles guessing without letting an attacker lock anyone out. Two counts, both in memory on each instance:
/// attempts per address per minute (every account together), and attempts per account <em>and</em> address.
/// Too many failures bar that address from that account for a while; the owner signing in from anywhere else is
/// not affected, so nobody can keep the last admin out by typing wrong passwords for them. Accounts are counted by
/// what was typed, whether or not such an account exists, so the answers never tell which ones do.
/// </summary>
public sealed class SignInGuard(IOptions<SignInSettings> options, TimeProvider clock)
{
    /// <summary>At most this many counts are remembered; beyond it (after sweeping expired ones) attempts wait.</summary>
    public const int MaxEntries = 100_000;
    private const int MaxAccountLength = 256;
    private static readonly TimeSpan SweepEvery = TimeSpan.FromSeconds(30);

    private sealed class Count
    {
        public DateTimeOffset Since;
        public int N;
        public DateTimeOffset? BarredUntil;
    }

    private readonly ConcurrentDictionary<string, Count> attempts = new();
    private readonly ConcurrentDictionary<string, Count> failures = new();
    private readonly Lock sweeping = new();
    private DateTimeOffset lastSweep = DateTimeOffset.MinValue;

    /// <summary>Counts an attempt from <paramref name="address"/>; false when it is over this minute's allowance.</summary>
    public bool TryAttempt(IPAddress? address)
    {
        var now = clock.GetUtcNow();
        if (Get(attempts, Address(address), now) is not { } count)
            return false;
        lock (count)
        {
            if (now - count.Since >= TimeSpan.FromMinutes(1))
                (count.Since, count.N) = (now, 0);
            return ++count.N <= options.Value.AttemptsPerAddressPerMinute;
        }
    }

    /// <summary>
    /// Takes one attempt on the account from the address, counted as failed until <see cref="Succeeded"/> says
    /// otherwise; null when it may go ahead, else how long the address is still barred from the account. Checking
    /// and counting are one step, so attempts sent side by side cannot all slip in under the bar.
    /// </summary>
    public TimeSpan? TryBegin(string account, IPAddress? address)
    {
        var now = clock.GetUtcNow();
        var window = TimeSpan.FromMinutes(options.Value.BarMinutes);
        if (Get(failures, Key(account, address), now) is not { } count)
            return window;
        lock (count)
        {
            if (count.BarredUntil > now)
                return count.BarredUntil.Value - now;
            if (now - count.Since >= window)
                (count.Since, count.N, count.BarredUntil) = (now, 0, null);
            if (++count.N >= options.Value.FailuresBeforeBar)
                count.BarredUntil = now + window;
            return null;
        }
    }

    /// <summary>How long this address is still barred from this account, or null when it is not (nothing is counted).</summary>
    public TimeSpan? BarredFor(string account, IPAddress? address)
    {
        if (!failures.TryGetValue(Key(account, address), out var count))
            return null;
        var now = clock.GetUtcNow();
        lock (count)
            return count.BarredUntil > now ? count.BarredUntil.Value - now : null;
    }

    /// <summary>The accounts (upper case, as Identity normalises emails) that some address is barred from now.</summary>
    public IReadOnlySet<string> BarredAccounts()
    {
        var now = clock.GetUtcNow();
        var barred = new HashSet<string>();
        foreach (var (key, count) in failures)
            lock (count)
                if (count.BarredUntil > now)
                    barred.Add(key[..key.LastIndexOf('|')]);
        return barred;
    }

    /// <summary>An administrator lets the user in again: the account's counts from every address are forgotten.</summary>
    public void ForgetAccount(string account)
    {
        var prefix = Key(account, null)[..^"unknown".Length];
        foreach (var key in failures.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)))
            failures.TryRemove(key, out _);
    }

    /// <summary>A completed sign-in forgets the attempts from that address.</summary>
    public void Succeeded(string account, IPAddress? address) => failures.TryRemove(Key(account, address), out _);

    /// <summary>The count for a key, or null when the table is full even after sweeping out the expired ones.</summary>
    private Count? Get(ConcurrentDictionary<string, Count> counts, string key, DateTimeOffset now)
    {
        if (counts.TryGetValue(key, out var existing))
            return existing;
        Sweep(now);
        if (attempts.Count + failures.Count >= MaxEntries)
            return null;
        return counts.GetOrAdd(key, _ => new Count { Since = now });
    }

    /// <summary>Drops counts whose window and bar are over; at most every 30 seconds, so a flood does not scan on every attempt.</summary>
    private void Sweep(DateTimeOffset now)
    {
        lock (sweeping)
        {
            if (now - lastSweep < SweepEvery)
                return;
            lastSweep = now;
        }
        var longest = TimeSpan.FromMinutes(Math.Max(1, options.Value.BarMinutes));
        foreach (var counts in new[] { attempts, failures })
            foreach (var (key, count) in counts)
                lock (count)
                    if (now - count.Since >= longest && !(count.BarredUntil > now))
                        counts.TryRemove(key, out _);
    }

    /// <summary>An IPv6 client is counted by its /64 (one customer's network), an IPv4-mapped one as IPv4.</summary>
    private static string Address(IPAddress? address)
    {
        if (address is null)
            return "unknown";
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
            return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    private static string Key(string account, IPAddress? address)
    {
        var typed = account.Trim().ToUpperInvariant();
        return $"{(typed.Length > MaxAccountLength ? typed[..MaxAccountLength] : typed)}|{Address(address)}";
    }
}
