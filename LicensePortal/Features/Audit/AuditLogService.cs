using System.Security.Claims;
using LicensePortal.Data;
using LicensePortal.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Features.Audit;

/// <summary>Reading the append-only audit log; nothing here changes it.</summary>
public sealed class AuditLogService(IDbContextFactory<AppDbContext> dbFactory)
{
    public async Task<PageResult<AuditRow>> ListAsync(
        ClaimsPrincipal actor,
        AuditFilter filter,
        PageRequest page,
        CancellationToken ct = default
    )
    {
        actor.Demand(Policies.Auditors, "Only managers and admins read the audit log.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var q = db.AuditLog.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(filter.User))
        {
            // People search by the name they know as well as by the sign-in address the row stores. Both become ranges of
            // the (UserName, At) index, as the license list searches keys: the few people whose names match are read
            // first, and an address prefix is a range ('\uffff' sorts after every character), never a scan of the log.
            var term = filter.User.Trim();
            var prefix = term.ToLowerInvariant();
            var upper = prefix + '\uffff';
            var named = await db.Users.Where(u => u.DisplayName.Contains(term)).Select(u => u.UserName!).ToListAsync(ct);
            q = q.Where(a => (a.UserName.CompareTo(prefix) >= 0 && a.UserName.CompareTo(upper) < 0) || named.Contains(a.UserName));
        }
        if (!string.IsNullOrWhiteSpace(filter.EntityType))
            q = q.Where(a => a.EntityType == filter.EntityType);
        if (!string.IsNullOrWhiteSpace(filter.EntityId))
            q = q.Where(a => a.EntityId == filter.EntityId.Trim());
        if (!string.IsNullOrWhiteSpace(filter.Action))
            q = q.Where(a => a.Action == filter.Action);
        if (filter.From is { } from)
        {
            var f = from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            q = q.Where(a => a.At >= f);
        }
        if (filter.To is { } to)
        {
            var t = to.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            q = q.Where(a => a.At < t);
        }
        var total = await q.CountAsync(ct);
        var rows = await q.OrderByDescending(a => a.Id).Page(page).ToListAsync(ct);
        var names = await EntityLabels.ResolveAsync(
            db,
            rows.Select(a => (a.EntityType, a.EntityId)).Concat(rows.Select(a => (EntityLabels.User, a.UserName))),
            ct
        );
        return new(
            [
                .. rows.Select(a => new AuditRow(
                    a.Id,
                    a.At,
                    a.UserName,
                    EntityLabels.Person(names, a.UserName),
                    a.Action,
                    a.EntityType,
                    a.EntityId,
                    EntityLabels.Link(names, a.EntityType, a.EntityId),
                    AuditText.Diff(a.Before, a.After)
                )),
            ],
            total
        );
    }

    /// <summary>Checks the hash chain in id order, streaming (AuditChain); reads only.</summary>
    public async Task<AuditVerification> VerifyAsync(ClaimsPrincipal actor, CancellationToken ct = default)
    {
        actor.Demand(Policies.Auditors, "Only managers and admins read the audit log.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.VerifyAuditLogAsync(ct);
    }

    /// <summary>The values the filters offer.</summary>
    public async Task<(IReadOnlyList<string> EntityTypes, IReadOnlyList<string> Actions)> ChoicesAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return (
            await db.AuditLog.Select(a => a.EntityType).Distinct().OrderBy(x => x).ToListAsync(ct),
            await db.AuditLog.Select(a => a.Action).Distinct().OrderBy(x => x).ToListAsync(ct)
        );
    }
}
