using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using LicensePortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace LicensePortal.Features.Audit;

/// <summary>The outcome of checking the audit chain: how many rows verified, and the first row that breaks it.</summary>
public sealed record AuditVerification(long RowsVerified, long? FirstBrokenId, string Message, string? HeadHash = null)
{
    public bool Intact => FirstBrokenId is null;
}

/// <summary>
/// The audit log as a keyed hash chain: each row carries the previous row's hash and an HMAC-SHA256, keyed with
/// <see cref="AuditChainKey"/> (a file outside the database), over that hash and its own fields, in id order. Altering
/// a row breaks its own hash, removing one breaks the next row's previous hash, and someone who can write the database
/// but not read the key cannot compute a hash for a row of their own.
///
/// The portal seals only the rows it wrote itself, in the transaction that wrote them: <see cref="AppDbContext"/> seals
/// the rows a save added, the bulk writers the rows their <see cref="BulkInsert{T}"/> added. A row put in by anyone else
/// stays unsealed, and verify-audit (which never writes) reports it as tampering. Sealing continues from the last sealed
/// row while the transaction holds SQLite's single write lock (on PostgreSQL the chain's advisory lock,
/// <see cref="LockAuditChainAsync"/>, taken before the rows are added), so the chain cannot fork.
///
/// Rows sealed before the chain was keyed keep their plain SHA-256 (<see cref="UnkeyedVersion"/>); the first start of the
/// keyed version appends a keyed row after them, so rewriting them would break that row's previous hash.
/// </summary>
public static class AuditChain
{
    /// <summary>Plain SHA-256: rows sealed before the chain was keyed.</summary>
    public const int UnkeyedVersion = 1;

    /// <summary>HMAC-SHA256 with the audit chain key: every row sealed since.</summary>
    public const int KeyedVersion = 2;

    public const string KeyedAction = "Audit chain keyed";

    private const int Batch = 1000;

    /// <summary>
    /// The unkeyed hash of one audit row (<see cref="UnkeyedVersion"/>): SHA-256, as lower-case hex, over the previous
    /// row's hash and the row's id, time (UTC ticks), user, action, entity and before/after texts, each length-prefixed.
    /// </summary>
    public static string Hash(
        string previousHash,
        long id,
        DateTime at,
        string userName,
        string action,
        string entityType,
        string entityId,
        string? before,
        string? after
    ) => Convert.ToHexStringLower(SHA256.HashData(Text(previousHash, id, at, userName, action, entityType, entityId, before, after)));

    /// <summary>The keyed hash of one audit row (<see cref="KeyedVersion"/>): HMAC-SHA256 over the text <see cref="Hash"/>
    /// hashes.</summary>
    public static string KeyedHash(
        byte[] key,
        string previousHash,
        long id,
        DateTime at,
        string userName,
        string action,
        string entityType,
        string entityId,
        string? before,
        string? after
    ) =>
        Convert.ToHexStringLower(
            HMACSHA256.HashData(key, Text(previousHash, id, at, userName, action, entityType, entityId, before, after))
        );

    private static byte[] Text(
        string previousHash,
        long id,
        DateTime at,
        string userName,
        string action,
        string entityType,
        string entityId,
        string? before,
        string? after
    )
    {
        var text = new StringBuilder(previousHash).Append('\n');
        foreach (
            var field in new[]
            {
                id.ToString(CultureInfo.InvariantCulture),
                at.ToUniversalTime().Ticks.ToString(CultureInfo.InvariantCulture),
                userName,
                action,
                entityType,
                entityId,
                before,
                after,
            }
        )
            text.Append(field is null ? "-" : $"{field.Length}:{field}").Append('|');
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>
    /// Seals the audit rows this context wrote and has not sealed yet, in id order after the last sealed row, in the
    /// context's current transaction (or its own). Rows anyone else wrote are left alone. Returns how many it sealed.
    /// </summary>
    public static async Task<int> SealAuditLogAsync(this AppDbContext db, CancellationToken ct = default)
    {
        var ids = db.TakeWrittenAuditIds();
        if (ids.Count == 0)
            return 0;
        if (db.Database.CurrentTransaction is null)
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var n = await SealInTransactionAsync(db, ids, ct);
            await tx.CommitAsync(ct);
            return n;
        }
        return await SealInTransactionAsync(db, ids, ct);
    }

    /// <summary>Holds the chain's lock until the current transaction ends (PostgreSQL; SQLite's write lock is enough).</summary>
    public static async Task LockAuditChainAsync(this AppDbContext db, CancellationToken ct = default)
    {
        if (SqlDialect.Of(db).AuditChainLockSql is { } sql)
            await db.Database.ExecuteSqlRawAsync(sql, ct);
    }

    /// <summary>
    /// At start-up, once: a log that has rows but none sealed (written before the chain existed) is sealed whole, and a
    /// log whose newest sealed row is unkeyed gets a keyed row after it, which pins the unkeyed rows under the key.
    /// </summary>
    public static async Task KeyTheChainAsync(this AppDbContext db, DateTime now, CancellationToken ct = default)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.LockAuditChainAsync(ct);
        var last = await db
            .AuditLog.AsNoTracking()
            .Where(a => a.Hash != null)
            .OrderByDescending(a => a.Id)
            .Select(a => new { a.Id, a.ChainVersion })
            .FirstOrDefaultAsync(ct);
        var key = db.GetService<AuditChainKey>();
        // A new key would seal the next rows with a secret the earlier ones were not sealed with: stop, and say what to restore.
        if (last?.ChainVersion == KeyedVersion && key.TryGet() is null)
            throw new InvalidOperationException(
                $"The audit log has rows sealed with the audit chain key, but {key.Path} is missing: restore the key folder "
                    + "(Activation:SigningKeyFolder) from its backup, or give this instance the folder the others use."
            );
        if (last is null)
        {
            // The rows of a version before the chain: nobody had sealed anything, so there is nothing to protect yet.
            var all = await db.AuditLog.AsNoTracking().OrderBy(a => a.Id).Select(a => a.Id).ToListAsync(ct);
            await SealInTransactionAsync(db, all, ct);
        }
        else if (last.ChainVersion == UnkeyedVersion)
        {
            db.AuditLog.Add(
                new AuditEntry
                {
                    At = now,
                    UserName = "system",
                    Action = KeyedAction,
                    EntityType = "AuditLog",
                    EntityId = last.Id.ToString(CultureInfo.InvariantCulture),
                    After = $"{{\"KeyedAfterRow\":{last.Id}}}",
                }
            );
            await db.SaveChangesAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    private static async Task<int> SealInTransactionAsync(AppDbContext db, IReadOnlyList<long> ids, CancellationToken ct)
    {
        if (ids.Count == 0)
            return 0;
        var key = db.GetService<AuditChainKey>().GetOrCreate();
        await db.LockAuditChainAsync(ct);
        var last = await db
            .AuditLog.AsNoTracking()
            .Where(a => a.Hash != null)
            .OrderByDescending(a => a.Id)
            .Select(a => new { a.Id, a.Hash })
            .FirstOrDefaultAsync(ct);
        var previous = last?.Hash ?? "";
        var ordered = ids.Order().ToArray();
        if (last is not null && ordered[0] < last.Id)
            throw new InvalidOperationException($"Audit row #{ordered[0]} was written before the sealed row #{last.Id}.");
        foreach (var chunk in ordered.Chunk(Batch))
        {
            var rows = await db
                .AuditLog.AsNoTracking()
                .Where(a => chunk.Contains(a.Id) && a.Hash == null)
                .OrderBy(a => a.Id)
                .Select(a => new
                {
                    a.Id,
                    a.At,
                    a.UserName,
                    a.Action,
                    a.EntityType,
                    a.EntityId,
                    a.Before,
                    a.After,
                })
                .ToListAsync(ct);
            foreach (var r in rows)
            {
                var hash = KeyedHash(key, previous, r.Id, r.At, r.UserName, r.Action, r.EntityType, r.EntityId, r.Before, r.After);
                await db.Database.ExecuteSqlAsync(
                    $"""
                    UPDATE "AuditLog" SET "PreviousHash" = {previous}, "Hash" = {hash}, "ChainVersion" = {KeyedVersion}
                    WHERE "Id" = {r.Id}
                    """,
                    ct
                );
                previous = hash;
            }
        }
        return ordered.Length;
    }

    /// <summary>
    /// Checks the chain row by row in id order, streaming, and reports the first row that was altered, removed, or put
    /// in by someone other than the portal (unsealed, or claiming the unkeyed chain after keyed rows). Reads only.
    /// </summary>
    public static async Task<AuditVerification> VerifyAuditLogAsync(this AppDbContext db, CancellationToken ct = default)
    {
        var key = db.GetService<AuditChainKey>().TryGet();
        var previous = "";
        long verified = 0,
            lastId = 0;
        bool keyed = false,
            keyedSeen = false;
        var rows = db
            .AuditLog.AsNoTracking()
            .OrderBy(a => a.Id)
            .Select(a => new
            {
                a.Id,
                a.At,
                a.UserName,
                a.Action,
                a.EntityType,
                a.EntityId,
                a.Before,
                a.After,
                a.PreviousHash,
                a.Hash,
                a.ChainVersion,
            })
            .AsAsyncEnumerable();
        await foreach (var r in rows.WithCancellation(ct))
        {
            if (r.Hash is null)
                return new(verified, r.Id, $"Row #{r.Id} was not written by the portal: it was never sealed into the chain.");
            if (r.PreviousHash != previous)
                return new(
                    verified,
                    r.Id,
                    lastId == 0
                        ? $"Row #{r.Id} is not the first row of the log: the rows before it were removed or altered."
                        : $"A row between #{lastId} and #{r.Id} was removed or altered (row #{r.Id} no longer follows #{lastId})."
                );
            string? expected = r.ChainVersion switch
            {
                UnkeyedVersion when !keyedSeen => Hash(
                    previous,
                    r.Id,
                    r.At,
                    r.UserName,
                    r.Action,
                    r.EntityType,
                    r.EntityId,
                    r.Before,
                    r.After
                ),
                KeyedVersion when key is not null => KeyedHash(
                    key,
                    previous,
                    r.Id,
                    r.At,
                    r.UserName,
                    r.Action,
                    r.EntityType,
                    r.EntityId,
                    r.Before,
                    r.After
                ),
                _ => null,
            };
            if (r.ChainVersion == KeyedVersion && key is null)
                return new(
                    verified,
                    r.Id,
                    $"Row #{r.Id} cannot be checked: the audit chain key {db.GetService<AuditChainKey>().Path} is missing (restore the key "
                        + "folder from its backup)."
                );
            if (expected != r.Hash)
                return new(verified, r.Id, $"Row #{r.Id} was altered.");
            keyed = r.ChainVersion == KeyedVersion;
            keyedSeen |= keyed;
            previous = r.Hash;
            lastId = r.Id;
            verified++;
        }
        // Every start since the key seals a keyed row after the unkeyed ones, and every new row is keyed: a log that ends
        // unkeyed was rewritten without the key (or lost its newest rows).
        if (verified > 0 && !keyed)
            return new(
                verified - 1,
                lastId,
                $"Row #{lastId}, the newest, is not sealed with the key: the log was rewritten without it, or its newest rows were removed."
            );
        return new(verified, null, $"Audit log intact: {verified:N0} rows verified.", previous == "" ? null : previous);
    }
}
