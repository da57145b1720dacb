using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using LicensePortal.Data;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Features.Audit;

/// <summary>The outcome of checking the audit chain: how many rows verified, and the first row that breaks it.</summary>
public sealed record AuditVerification(long RowsVerified, long? FirstBrokenId, string Message, string? HeadHash = null)
{
    public bool Intact => FirstBrokenId is null;
}

/// <summary>
/// The audit log as a hash chain: each row carries the previous row's hash and SHA-256 over that hash and its own fields,
/// in id order, so altering a row breaks its own hash and removing one breaks the next row's previous hash.
///
/// Rows are written unsealed (Hash null) by EF saves and by bulk SQL inserts, and sealed afterwards in id order, in the
/// writer's own transaction: <see cref="AppDbContext"/> seals after a save that adds audit rows, the bulk writers seal
/// before they commit, start-up seals what the previous version left (existing rows after the migration), and
/// verify-audit seals before it checks. Sealing continues from the last sealed row while the transaction holds SQLite's
/// single write lock, so two writers cannot both extend the chain from the same row: it cannot fork, whatever order
/// rows were inserted in. On PostgreSQL ids can commit out of order, so a writer takes the chain's lock
/// (<see cref="LockAuditChainAsync"/>) before it adds audit rows and holds it until it commits.
/// The chain is keyless: it proves the log was not edited in place, not that nobody recomputed it; keep the head hash
/// that verify-audit prints somewhere else to detect that.
/// </summary>
public static class AuditChain
{
    private const int Batch = 1000;

    /// <summary>
    /// The hash of one audit row: SHA-256, as lower-case hex, over the previous row's hash and the row's id, time (UTC
    /// ticks), user, action, entity and before/after texts, each length-prefixed so no two rows read the same.
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
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>
    /// Seals the rows after the last sealed one, in id order, in the context's current transaction (or its own).
    /// Returns how many it sealed.
    /// </summary>
    public static async Task<int> SealAuditLogAsync(this AppDbContext db, CancellationToken ct = default)
    {
        if (db.Database.CurrentTransaction is null)
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var n = await SealInTransactionAsync(db, ct);
            await tx.CommitAsync(ct);
            return n;
        }
        return await SealInTransactionAsync(db, ct);
    }

    /// <summary>Holds the chain's lock until the current transaction ends (PostgreSQL; SQLite's write lock is enough).</summary>
    public static async Task LockAuditChainAsync(this AppDbContext db, CancellationToken ct = default)
    {
        if (SqlDialect.Of(db).AuditChainLockSql is { } sql)
            await db.Database.ExecuteSqlRawAsync(sql, ct);
    }

    private static async Task<int> SealInTransactionAsync(AppDbContext db, CancellationToken ct)
    {
        await db.LockAuditChainAsync(ct);
        var last = await db
            .AuditLog.AsNoTracking()
            .Where(a => a.Hash != null)
            .OrderByDescending(a => a.Id)
            .Select(a => new { a.Id, a.Hash })
            .FirstOrDefaultAsync(ct);
        long lastId = last?.Id ?? 0;
        var previous = last?.Hash ?? "";
        var sealedRows = 0;
        while (true)
        {
            var rows = await db
                .AuditLog.AsNoTracking()
                .Where(a => a.Id > lastId)
                .OrderBy(a => a.Id)
                .Take(Batch)
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
            if (rows.Count == 0)
                return sealedRows;
            foreach (var r in rows)
            {
                var hash = Hash(previous, r.Id, r.At, r.UserName, r.Action, r.EntityType, r.EntityId, r.Before, r.After);
                await db.Database.ExecuteSqlAsync(
                    $"UPDATE \"AuditLog\" SET \"PreviousHash\" = {previous}, \"Hash\" = {hash} WHERE \"Id\" = {r.Id}",
                    ct
                );
                previous = hash;
                lastId = r.Id;
                sealedRows++;
            }
        }
    }

    /// <summary>
    /// Checks the chain row by row in id order, streaming, and reports the first row that was altered, or the first
    /// row whose predecessor was removed. Rows not yet sealed at the end are not counted; an unsealed row before a
    /// sealed one was put there afterwards.
    /// </summary>
    public static async Task<AuditVerification> VerifyAuditLogAsync(this AppDbContext db, CancellationToken ct = default)
    {
        var previous = "";
        long verified = 0,
            lastId = 0;
        long? unsealed = null;
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
            })
            .AsAsyncEnumerable();
        await foreach (var r in rows.WithCancellation(ct))
        {
            if (r.Hash is null)
            {
                unsealed ??= r.Id;
                continue;
            }
            if (unsealed is { } u)
                return new(verified, u, $"Row #{u} was added into the log after later rows were sealed.");
            if (r.PreviousHash != previous)
                return new(
                    verified,
                    r.Id,
                    lastId == 0
                        ? $"Row #{r.Id} is not the first row of the log: the rows before it were removed or altered."
                        : $"A row between #{lastId} and #{r.Id} was removed or altered (row #{r.Id} no longer follows #{lastId})."
                );
            if (Hash(previous, r.Id, r.At, r.UserName, r.Action, r.EntityType, r.EntityId, r.Before, r.After) != r.Hash)
                return new(verified, r.Id, $"Row #{r.Id} was altered.");
            previous = r.Hash;
            lastId = r.Id;
            verified++;
        }
        return new(verified, null, $"Audit log intact: {verified:N0} rows verified.", previous == "" ? null : previous);
    }
}
