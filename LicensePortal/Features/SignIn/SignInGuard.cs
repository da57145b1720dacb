using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace LicensePortal.Features.SignIn;

/// <summary>
/// Throttles guessing without letting an attacker lock anyone out. Two counts, both in memory on each instance:
/// attempts per address per minute (every account together), and attempts per account <em>and</em> address.
/// Too many failures bar that address from that account for a while; the owner signing in from anywhere else is
/// not affected, so nobody can keep the last admin out by typing wrong passwords for them. A made-up account is
/// counted in one of a few buckets per address (a keyed hash of what was typed), so it is barred like a real one and
/// the answers never tell which exist, yet a flood of made-up names keeps no entry of its own. A full table forgets
/// the entry used least recently, and one network (IPv4 /24, IPv6 /64) holds at most <c>perNetwork</c> entries, so
/// nobody can fill the table to turn everyone else away.
/// </summary>
public sealed class SignInGuard(
    IOptions<SignInSettings> options,
    TimeProvider clock,
    int capacity = SignInGuard.MaxEntries,
    int perNetwork = SignInGuard.MaxPerNetwork
)
{
    /// <summary>At most this many counts are remembered; beyond it the one used least recently is forgotten.</summary>
    public const int MaxEntries = 100_000;

    /// <summary>At most this many counts per network; beyond it that network's least recently used one is forgotten.</summary>
    public const int MaxPerNetwork = 1_000;

    /// <summary>Buckets per address that made-up accounts share.</summary>
    public const int UnknownBuckets = 32;

    private const int MaxAccountLength = 256;
    private const string UnknownPrefix = "?";

    private sealed class Count(string key, string network)
    {
        public readonly string Key = key,
            Network = network;
        public DateTimeOffset Since;
        public int N;
        public DateTimeOffset? BarredUntil;
        public long LastUse;
        public LinkedListNode<Count>? Use,
            InNetwork;
    }

    private sealed class Table
    {
        public readonly Dictionary<string, Count> Counts = new(StringComparer.Ordinal);
        public readonly LinkedList<Count> ByUse = new();
        public readonly Dictionary<string, LinkedList<Count>> ByNetwork = new(StringComparer.Ordinal);
    }

    private readonly Table attempts = new(),
        failures = new();
    private readonly Lock gate = new();
    private readonly byte[] bucketKey = RandomNumberGenerator.GetBytes(32);
    private long uses;

    /// <summary>How many counts are remembered now (both kinds).</summary>
    public int Entries
    {
        get
        {
            lock (gate)
                return attempts.Counts.Count + failures.Counts.Count;
        }
    }

    /// <summary>Counts an attempt from <paramref name="address"/>; false when it is over this minute's allowance.</summary>
    public bool TryAttempt(IPAddress? address)
    {
        var now = clock.GetUtcNow();
        lock (gate)
        {
            var count = Take(attempts, Address(address), Network(address), now);
            if (now - count.Since >= TimeSpan.FromMinutes(1))
                (count.Since, count.N) = (now, 0);
            return ++count.N <= options.Value.AttemptsPerAddressPerMinute;
        }
    }

    /// <summary>
    /// Takes one attempt on the account from the address, counted as failed until <see cref="Succeeded"/> says
    /// otherwise; null when it may go ahead, else how long the address is still barred from the account. Checking
    /// and counting are one step, so attempts sent side by side cannot all slip in under the bar. Pass
    /// <paramref name="exists"/> false for an account that does not exist: it is counted in a shared bucket.
    /// </summary>
    public TimeSpan? TryBegin(string account, IPAddress? address, bool exists = true)
    {
        var now = clock.GetUtcNow();
        var window = TimeSpan.FromMinutes(options.Value.BarMinutes);
        lock (gate)
        {
            var count = Take(failures, Key(exists ? Typed(account) : Bucket(account), address), Network(address), now);
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
    public TimeSpan? BarredFor(string account, IPAddress? address, bool exists = true)
    {
        var now = clock.GetUtcNow();
        lock (gate)
            return failures.Counts.TryGetValue(Key(exists ? Typed(account) : Bucket(account), address), out var count)
                && count.BarredUntil > now
                ? count.BarredUntil.Value - now
                : null;
    }

    /// <summary>The accounts (upper case, as Identity normalises emails) that some address is barred from now.</summary>
    public IReadOnlySet<string> BarredAccounts()
    {
        var now = clock.GetUtcNow();
        lock (gate)
            return failures
                .Counts.Values.Where(c => c.BarredUntil > now && !c.Key.StartsWith(UnknownPrefix, StringComparison.Ordinal))
                .Select(c => c.Key[..c.Key.LastIndexOf('|')])
                .ToHashSet();
    }

    /// <summary>An administrator lets the user in again: the account's counts from every address are forgotten.</summary>
    public void ForgetAccount(string account)
    {
        var prefix = Typed(account) + "|";
        lock (gate)
            foreach (var count in failures.Counts.Values.Where(c => c.Key.StartsWith(prefix, StringComparison.Ordinal)).ToList())
                Remove(failures, count);
    }

    /// <summary>A completed sign-in forgets the attempts from that address.</summary>
    public void Succeeded(string account, IPAddress? address)
    {
        lock (gate)
            if (failures.Counts.TryGetValue(Key(Typed(account), address), out var count))
                Remove(failures, count);
    }

    /// <summary>The count for a key, made when there is none: forgetting the least recently used one of its network, or of
    /// the whole table, to make room.</summary>
    private Count Take(Table table, string key, string network, DateTimeOffset now)
    {
        if (table.Counts.TryGetValue(key, out var count))
        {
            table.ByUse.Remove(count.Use!);
            table.ByUse.AddLast(count.Use!);
            count.InNetwork!.List!.Remove(count.InNetwork);
            table.ByNetwork[network].AddLast(count.InNetwork);
            count.LastUse = ++uses;
            return count;
        }
        if (!table.ByNetwork.TryGetValue(network, out var inNetwork))
            table.ByNetwork[network] = inNetwork = new();
        if (inNetwork.Count >= perNetwork)
            Remove(table, inNetwork.First!.Value);
        while (attempts.Counts.Count + failures.Counts.Count >= capacity && Oldest() is { } oldest)
            Remove(oldest.Table, oldest.Count);
        count = new Count(key, network) { Since = now, LastUse = ++uses };
        count.Use = table.ByUse.AddLast(count);
        count.InNetwork = inNetwork.AddLast(count);
        table.Counts[key] = count;
        return count;
    }

    private (Table Table, Count Count)? Oldest()
    {
        var (a, f) = (attempts.ByUse.First?.Value, failures.ByUse.First?.Value);
        if (a is null)
            return f is null ? null : (failures, f);
        return f is null || a.LastUse < f.LastUse ? (attempts, a) : (failures, f);
    }

    private static void Remove(Table table, Count count)
    {
        table.Counts.Remove(count.Key);
        table.ByUse.Remove(count.Use!);
        var inNetwork = table.ByNetwork[count.Network];
        inNetwork.Remove(count.InNetwork!);
        if (inNetwork.Count == 0)
            table.ByNetwork.Remove(count.Network);
    }

    /// <summary>An IPv6 client is counted by its /64 (one customer's network), an IPv4-mapped one as IPv4.</summary>
    private static string Address(IPAddress? address) => Prefix(address, ipv4Bits: 32);

    /// <summary>The network an address belongs to: its IPv4 /24 or its IPv6 /64.</summary>
    private static string Network(IPAddress? address) => Prefix(address, ipv4Bits: 24);

    private static string Prefix(IPAddress? address, int ipv4Bits)
    {
        if (address is null)
            return "unknown";
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        var bytes = address.GetAddressBytes();
        var bits = address.AddressFamily == AddressFamily.InterNetworkV6 ? 64 : ipv4Bits;
        if (bits == 32)
            return address.ToString();
        Array.Clear(bytes, bits / 8, bytes.Length - bits / 8);
        return $"{new IPAddress(bytes)}/{bits}";
    }

    private static string Typed(string account)
    {
        var typed = account.Trim().ToUpperInvariant();
        return typed.Length > MaxAccountLength ? typed[..MaxAccountLength] : typed;
    }

    /// <summary>A made-up account's bucket: keyed, so nobody can choose names that share one.</summary>
    private string Bucket(string account)
    {
        var hash = HMACSHA256.HashData(bucketKey, Encoding.UTF8.GetBytes(Typed(account)));
        return UnknownPrefix + BitConverter.ToUInt32(hash) % UnknownBuckets;
    }

    private static string Key(string account, IPAddress? address) => $"{account}|{Address(address)}";
}
