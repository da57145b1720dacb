using System.Linq.Expressions;
using System.Security.Claims;
using LicensePortal.Data;
using LicensePortal.Features.Installations;
using LicensePortal.Features.Licensing;
using LicensePortal.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LicensePortal.Features.Licenses;

public sealed class LicenseService(
    IDbContextFactory<AppDbContext> dbFactory,
    TimeProvider clock,
    IOptions<InstallationOptions> installationOptions,
    EntitlementService entitlements,
    IOptions<Renewals.RenewalOptions> renewalOptions,
    VendorCalendar calendar
)
{
    /// <summary>Days ahead that "protection ending" looks: the same window as the "Protection ending" list.</summary>
    public int ProtectionEndingDays => renewalOptions.Value.ProtectionEndingDays;

    /// <summary>
    /// A full key (any case, dashes and spaces anywhere or none) finds its license; part of a key searches the list by
    /// its start; anything else says why. For the fraud team, who are called with keys read out on the phone.
    /// </summary>
    public async Task<KeyLookup> FindByKeyAsync(ClaimsPrincipal actor, string? typed, CancellationToken ct = default)
    {
        actor.Demand(Policies.Licenses, "Only sales, the fraud team and managers look up licenses.");
        if (string.IsNullOrWhiteSpace(typed))
            return new(Message: "Type or paste a license key.");
        if (LicenseKey.Prefix(typed) is not { } key)
            return new(Message: $"\"{typed.Trim()}\" is not a license key: keys use only {LicenseKey.Alphabet} and dashes.");
        if (key.Length > LicenseKey.Length)
            return new(Message: $"\"{typed.Trim()}\" is longer than a license key.");
        if (key.Length < LicenseKey.Length)
            return new(Search: key);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var id = await db.Licenses.Where(l => l.Key == key).Select(l => (int?)l.Id).FirstOrDefaultAsync(ct);
        return id is { } found ? new(LicenseId: found) : new(Message: $"No license has the key {key}.");
    }

    /// <summary>Edition names across products (Free, Professional, Enterprise), lowest first.</summary>
    public async Task<IReadOnlyList<string>> EditionNamesAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return
        [
            .. (await db.Editions.Select(e => new { e.Name, e.Rank }).ToListAsync(ct))
                .GroupBy(e => e.Name)
                .OrderBy(g => g.Min(e => e.Rank))
                .Select(g => g.Key),
        ];
    }

    public async Task<IReadOnlyList<ProductOption>> LevelsAsync(int productId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db
            .Levels.Where(l => l.ProductId == productId)
            .OrderBy(l => l.Rank)
            .Select(l => new ProductOption(l.Id, l.Name))
            .ToListAsync(ct);
    }

    public async Task<IReadOnlyList<ProductOption>> ProductsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Products.OrderBy(p => p.Name).Select(p => new ProductOption(p.Id, p.Name)).ToListAsync(ct);
    }

    public async Task<PageResult<LicenseRow>> ListAsync(
        LicenseFilter filter,
        PageRequest page,
        CancellationToken ct = default,
        bool countTotal = true
    )
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Legacy status comes from the release calendar as it stands now, so a new release shows at once.
        var cutoffs = await entitlements.LegacyCutoffsAsync(ct);
        var licenses = Filtered(db, filter, cutoffs);
        var total = countTotal ? await licenses.CountAsync(ct) : -1;
        var rows = await PageOf(licenses, page).ToListAsync(ct);
        return new([.. rows.Select(r => r with { IsLegacy = cutoffs.GetValueOrDefault(r.ProductId) is { } c && r.Major <= c })], total);
    }

    /// <summary>The licenses a filter selects, as SQL: the list, its count and the export all start here.</summary>
    internal IQueryable<License> Filtered(AppDbContext db, LicenseFilter filter, IReadOnlyDictionary<int, int?> cutoffs)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        // Protection end dates are the vendor's days (docs/RULES.md).
        var today = calendar.Today;
        var licenses = db.Licenses.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            // A key prefix is a range of the unique index on Key ('~' sorts after every key character);
            // names are matched anywhere, in the customers table, whose few matches find their licenses by index.
            var term = filter.Search.Trim().ToUpperInvariant();
            var upper = term + "~";
            var pattern = $"%{filter.Search.Trim()}%";
            var customers = db.Customers.Where(c => EF.Functions.Like(c.Name, pattern)).Select(c => c.Id);
            licenses = licenses.Where(l => (l.Key.CompareTo(term) >= 0 && l.Key.CompareTo(upper) < 0) || customers.Contains(l.CustomerId));
        }
        if (filter.ProductId is { } productId)
            licenses = licenses.Where(l => l.ProductId == productId);
        if (filter.CustomerId is { } customerId)
            licenses = licenses.Where(l => l.CustomerId == customerId);
        if (filter.Major is { } major)
            licenses = licenses.Where(l => l.Major == major);
        // Keyset paging for exports: each page starts after the last id, so page 1,000 costs what page 1 costs.
        if (filter.AfterId is { } after)
            licenses = licenses.Where(l => l.Id > after);
        if (filter.HasFailover is { } failover)
            licenses = licenses.Where(l => l.HasFailover == failover);
        if (!string.IsNullOrWhiteSpace(filter.Edition))
            licenses = licenses.Where(l => l.Edition!.Name == filter.Edition);
        if (filter.LevelId is { } level)
            licenses = licenses.Where(l => l.LevelId == level);
        if (filter.Status is { } status)
            licenses = licenses.Where(l => l.Status == status);
        if (filter.DisabledSince is { } since)
        {
            // A day is the vendor's day (docs/RULES.md), so "disabled this month" starts at the vendor's midnight on the 1st.
            var from = calendar.StartOfDayUtc(since);
            licenses = licenses.Where(l =>
                db.LicenseEvents.Any(e => e.LicenseId == l.Id && e.Kind == LicenseEventKinds.Disabled && e.At >= from)
            );
        }
        licenses = filter.Protection switch
        {
            ProtectionFilter.Current => licenses.Where(l => l.ProtectionEndsOn >= today),
            ProtectionFilter.Lapsed => licenses.Where(l => l.ProtectionEndsOn == null || l.ProtectionEndsOn < today),
            ProtectionFilter.Ending => licenses.Where(l =>
                l.ProtectionEndsOn >= today && l.ProtectionEndsOn <= today.AddDays(ProtectionEndingDays)
            ),
            _ => licenses,
        };
        if (filter.OverAllowance)
        {
            var over = db.OverAllowanceLicenseIds(ActivityCut.At(now, installationOptions.Value));
            licenses = licenses.Where(l => over.Contains(l.Id));
        }

        if (filter.Legacy is { } legacy)
        {
            var isLegacy = LegacyPredicate(cutoffs);
            licenses = licenses.Where(legacy ? isLegacy : Not(isLegacy));
        }
        return licenses;
    }

    /// <summary>One sorted page of rows, as SQL.</summary>
    internal static IQueryable<LicenseRow> PageOf(IQueryable<License> licenses, PageRequest page)
    {
        licenses = (page.SortBy, page.Descending) switch
        {
            (nameof(LicenseRow.Key), false) => licenses.OrderBy(l => l.Key),
            (nameof(LicenseRow.Key), true) => licenses.OrderByDescending(l => l.Key),
            (nameof(LicenseRow.PurchasedOn), false) => licenses.OrderBy(l => l.PurchasedOn).ThenBy(l => l.Id),
            (nameof(LicenseRow.PurchasedOn), true) => licenses.OrderByDescending(l => l.PurchasedOn).ThenByDescending(l => l.Id),
            (nameof(LicenseRow.ProtectionEndsOn), false) => licenses.OrderBy(l => l.ProtectionEndsOn).ThenBy(l => l.Id),
            (nameof(LicenseRow.ProtectionEndsOn), true) => licenses.OrderByDescending(l => l.ProtectionEndsOn).ThenByDescending(l => l.Id),
            (_, true) => licenses.OrderByDescending(l => l.Id),
            _ => licenses.OrderBy(l => l.Id),
        };
        return licenses
            .Page(page)
            .Select(l => new LicenseRow(
                l.Id,
                l.Key,
                l.CustomerId,
                l.Customer!.Name,
                l.ProductId,
                l.Product!.Name,
                l.Major,
                l.Edition!.Name,
                l.Level!.Name,
                l.HasFailover,
                l.PurchasedOn,
                l.ProtectionEndsOn,
                l.Status,
                false
            ));
    }

    /// <summary>(ProductId = p1 AND Major &lt;= c1) OR … for each product with legacy majors.</summary>
    private static Expression<Func<License, bool>> LegacyPredicate(IReadOnlyDictionary<int, int?> cutoffs)
    {
        var l = Expression.Parameter(typeof(License), "l");
        Expression body = Expression.Constant(false);
        foreach (var (productId, cutoff) in cutoffs)
        {
            if (cutoff is not { } c)
                continue;
            body = Expression.OrElse(
                body,
                Expression.AndAlso(
                    Expression.Equal(Expression.Property(l, nameof(License.ProductId)), Expression.Constant(productId)),
                    Expression.LessThanOrEqual(Expression.Property(l, nameof(License.Major)), Expression.Constant(c))
                )
            );
        }
        return Expression.Lambda<Func<License, bool>>(body, l);
    }

    private static Expression<Func<License, bool>> Not(Expression<Func<License, bool>> predicate) =>
        Expression.Lambda<Func<License, bool>>(Expression.Not(predicate.Body), predicate.Parameters);
}
