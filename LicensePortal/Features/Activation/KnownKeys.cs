using System.Collections.Concurrent;
using LicensePortal.Data;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Features.Activation;

/// <summary>
/// Whether a license key exists, read before a check-in takes its turn to write: a flood of made-up keys is answered 404
/// from a read and never queues behind real check-ins. Keys found are remembered (a key is never deleted, and a wrong
/// "yes" costs only the turn); unknown keys are asked of the database each time, so a key issued a moment ago works.
/// </summary>
public sealed class KnownKeys(IDbContextFactory<AppDbContext> dbFactory)
{
    private const int Capacity = 100_000;
    private readonly ConcurrentDictionary<string, byte> known = new(StringComparer.Ordinal);

    public async Task<bool> ExistsAsync(string key, CancellationToken ct)
    {
        if (known.ContainsKey(key))
            return true;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Licenses.AnyAsync(l => l.Key == key, ct))
            return false;
        if (known.Count >= Capacity)
            known.Clear();
        known.TryAdd(key, 0);
        return true;
    }
}
