using System.Security.Claims;
using LicensePortal.Data;
using LicensePortal.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Features.Audit;

public sealed record AuditFilter(string? User = null, string? EntityType = null, string? EntityId = null, string? Action = null, DateOnly? From = null, DateOnly? To = null);

public sealed record AuditRow(long Id, DateTime At, string UserName, string Action, string EntityType, string EntityId, string Before, string After);

/// <summary>Reading the append-only audit log; nothing here changes it.</summary>
public sealed class AuditLogService(IDbContextFactory<AppDbContext> dbFactory)
{
    public async Task<PageResult<AuditRow>> ListAsync(ClaimsPrincipal actor, AuditFilter filter, PageRequest page, CancellationToken ct = default)
    {
        actor.Demand(Policies.Auditors, "Only managers and admins read the audit log.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var q = db.AuditLog.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(filter.User)) q = q.Where(a => a.UserName.StartsWith(filter.User.Trim()));
        if (!string.IsNullOrWhiteSpace(filter.EntityType)) q = q.Where(a => a.EntityType == filter.EntityType);
        if (!string.IsNullOrWhiteSpace(filter.EntityId)) q = q.Where(a => a.EntityId == filter.EntityId.Trim());
        if (!string.IsNullOrWhiteSpace(filter.Action)) q = q.Where(a => a.Action == filter.Action);
        if (filter.From is { } from) { var f = from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc); q = q.Where(a => a.At >= f); }
        if (filter.To is { } to) { var t = to.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc); q = q.Where(a => a.At < t); }
        var total = await q.CountAsync(ct);
        var rows = await q.OrderByDescending(a => a.Id).Page(page).ToListAsync(ct);
        return new([.. rows.Select(a => new AuditRow(a.Id, a.At, a.UserName, a.Action, a.EntityType, a.EntityId, AuditExtensions.Describe(a.Before), AuditExtensions.Describe(a.After)))], total);
    }

    /// <summary>The values the filters offer.</summary>
    public async Task<(IReadOnlyList<string> EntityTypes, IReadOnlyList<string> Actions)> ChoicesAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return (await db.AuditLog.Select(a => a.EntityType).Distinct().OrderBy(x => x).ToListAsync(ct),
            await db.AuditLog.Select(a => a.Action).Distinct().OrderBy(x => x).ToListAsync(ct));
    }
}

public static class AuditFeature
{
    public static IServiceCollection AddAuditFeature(this IServiceCollection services) => services.AddScoped<AuditLogService>();
}
