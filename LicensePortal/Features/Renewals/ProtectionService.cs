using System.Security.Claims;
using LicensePortal.Data;
using LicensePortal.Features.Licenses;
using LicensePortal.Features.Licensing;
using LicensePortal.Features.Quotes;
using LicensePortal.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LicensePortal.Features.Renewals;

/// <summary>"Protection ending": the licenses whose upgrade protection ends soon, for sales to call and quote a renewal.</summary>
public sealed class ProtectionService(IDbContextFactory<AppDbContext> dbFactory, VendorCalendar calendar, IOptions<RenewalOptions> options)
{
    public RenewalOptions Options => options.Value;

    public DateOnly Today => calendar.Today;

    /// <summary>Customers with protection ending in the window, one row each, paged and sorted in SQL (soonest end first by
    /// default).</summary>
    public async Task<PageResult<ProtectionCustomerRow>> CustomersAsync(
        ClaimsPrincipal actor,
        ProtectionEndingFilter filter,
        PageRequest page,
        CancellationToken ct = default
    )
    {
        EnsureSales(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var today = calendar.Today;
        var groups = Ending(db, filter, today)
            .GroupBy(l => l.CustomerId)
            .Select(g => new
            {
                CustomerId = g.Key,
                Count = g.Count(),
                First = g.Min(l => l.ProtectionEndsOn)!.Value,
                Last = g.Max(l => l.ProtectionEndsOn)!.Value,
            });
        var total = await groups.CountAsync(ct);
        var rows = groups.Join(
            db.Customers,
            g => g.CustomerId,
            c => c.Id,
            (g, c) =>
                new
                {
                    g.CustomerId,
                    c.Name,
                    c.Phone,
                    c.Email,
                    g.Count,
                    g.First,
                    g.Last,
                }
        );
        rows = (page.SortBy, page.Descending) switch
        {
            (nameof(ProtectionCustomerRow.Customer), false) => rows.OrderBy(r => r.Name).ThenBy(r => r.CustomerId),
            (nameof(ProtectionCustomerRow.Customer), true) => rows.OrderByDescending(r => r.Name).ThenByDescending(r => r.CustomerId),
            (nameof(ProtectionCustomerRow.Licenses), false) => rows.OrderBy(r => r.Count).ThenBy(r => r.First).ThenBy(r => r.CustomerId),
            (nameof(ProtectionCustomerRow.Licenses), true) => rows.OrderByDescending(r => r.Count)
                .ThenBy(r => r.First)
                .ThenBy(r => r.CustomerId),
            (_, true) => rows.OrderByDescending(r => r.First).ThenByDescending(r => r.CustomerId),
            _ => rows.OrderBy(r => r.First).ThenBy(r => r.CustomerId),
        };
        var paged = await rows.Page(page).ToListAsync(ct);

        // Few rows per page: count their quoted licenses in a second, indexed read rather than inside the grouping.
        var customerIds = paged.Select(r => r.CustomerId).ToList();
        var quoted = (
            await OpenRenewalQuotes(db, Ending(db, filter, today).Where(l => customerIds.Contains(l.CustomerId)), today)
                .Select(x => new { x.CustomerId, x.LicenseId })
                .Distinct()
                .ToListAsync(ct)
        )
            .GroupBy(x => x.CustomerId)
            .ToDictionary(g => g.Key, g => g.Count());
        return new(
            [
                .. paged.Select(r => new ProtectionCustomerRow(
                    r.CustomerId,
                    r.Name,
                    r.Phone,
                    r.Email,
                    r.Count,
                    r.First,
                    r.Last,
                    quoted.GetValueOrDefault(r.CustomerId)
                )),
            ],
            total
        );
    }

    /// <summary>Licenses with protection ending in the window, paged and sorted in SQL (soonest end first by default).</summary>
    public async Task<PageResult<ProtectionLicenseRow>> LicensesAsync(
        ClaimsPrincipal actor,
        ProtectionEndingFilter filter,
        PageRequest page,
        CancellationToken ct = default
    )
    {
        EnsureSales(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var today = calendar.Today;
        var licenses = Ending(db, filter, today);
        var total = await licenses.CountAsync(ct);
        licenses = (page.SortBy, page.Descending) switch
        {
            (nameof(ProtectionLicenseRow.Key), false) => licenses.OrderBy(l => l.Key),
            (nameof(ProtectionLicenseRow.Key), true) => licenses.OrderByDescending(l => l.Key),
            (nameof(ProtectionLicenseRow.Customer), false) => licenses
                .OrderBy(l => l.Customer!.Name)
                .ThenBy(l => l.ProtectionEndsOn)
                .ThenBy(l => l.Id),
            (nameof(ProtectionLicenseRow.Customer), true) => licenses
                .OrderByDescending(l => l.Customer!.Name)
                .ThenBy(l => l.ProtectionEndsOn)
                .ThenBy(l => l.Id),
            (_, true) => licenses.OrderByDescending(l => l.ProtectionEndsOn).ThenByDescending(l => l.Id),
            _ => licenses.OrderBy(l => l.ProtectionEndsOn).ThenBy(l => l.Id),
        };
        var paged = await licenses
            .Page(page)
            .Select(l => new
            {
                l.Id,
                l.Key,
                l.CustomerId,
                Customer = l.Customer!.Name,
                l.Customer.Phone,
                Product = l.Product!.Name,
                l.Major,
                Edition = l.Edition!.Name,
                Level = l.Level!.Name,
                l.HasFailover,
                EndsOn = l.ProtectionEndsOn!.Value,
            })
            .ToListAsync(ct);

        var ids = paged.Select(l => l.Id).ToList();
        var reminders = (
            await db
                .ProtectionReminders.Where(r => ids.Contains(r.LicenseId))
                .Select(r => new
                {
                    r.LicenseId,
                    r.ProtectionEndsOn,
                    r.DaysBefore,
                })
                .ToListAsync(ct)
        ).ToLookup(r => (r.LicenseId, r.ProtectionEndsOn), r => r.DaysBefore);
        var quotes = (await OpenRenewalQuotes(db, db.Licenses.Where(l => ids.Contains(l.Id)), today).ToListAsync(ct))
            .GroupBy(q => q.LicenseId)
            .ToDictionary(g => g.Key, g => g.MaxBy(q => q.QuoteId)!);
        return new(
            [
                .. paged.Select(l => new ProtectionLicenseRow(
                    l.Id,
                    l.Key,
                    l.CustomerId,
                    l.Customer,
                    l.Phone,
                    l.Product,
                    l.Major,
                    $"{l.Edition} {l.Level}{(l.HasFailover ? " with failover" : "")}",
                    l.EndsOn,
                    [.. reminders[(l.Id, l.EndsOn)].OrderDescending()],
                    quotes.GetValueOrDefault(l.Id)?.QuoteId,
                    quotes.GetValueOrDefault(l.Id)?.Number
                )),
            ],
            total
        );
    }

    /// <summary>Active licenses whose protection ends from today to the end of the window, as SQL.</summary>
    private IQueryable<License> Ending(AppDbContext db, ProtectionEndingFilter filter, DateOnly today)
    {
        var until = today.AddDays(Math.Clamp(filter.Days ?? options.Value.ProtectionEndingDays, 1, 365));
        var licenses = db
            .Licenses.AsNoTracking()
            .Where(l => l.Status == LicenseStatus.Active && l.ProtectionEndsOn >= today && l.ProtectionEndsOn <= until);
        if (filter.ProductId is { } product)
            licenses = licenses.Where(l => l.ProductId == product);
        if (filter.CustomerId is { } customer)
            licenses = licenses.Where(l => l.CustomerId == customer);
        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            var key = filter.Search.Trim().ToUpperInvariant();
            var pattern = $"%{filter.Search.Trim()}%";
            licenses = licenses.Where(l => l.Key.StartsWith(key) || EF.Functions.Like(l.Customer!.Name, pattern));
        }
        return licenses;
    }

    /// <summary>Initialised by members, not a constructor, so EF can read single members of it in SQL.</summary>
    private sealed class QuotedLicense
    {
        public int CustomerId { get; init; }
        public int LicenseId { get; init; }
        public int QuoteId { get; init; }
        public string Number { get; init; } = "";
    }

    /// <summary>Draft or sent quotes, still valid, that renew the protection of these licenses.</summary>
    private static IQueryable<QuotedLicense> OpenRenewalQuotes(AppDbContext db, IQueryable<License> licenses, DateOnly today) =>
        from l in licenses
        join i in db.QuoteItems on l.Id equals i.LicenseId
        join q in db.Quotes on i.QuoteId equals q.Id
        where i.RenewsProtection && (q.Status == QuoteStatus.Draft || q.Status == QuoteStatus.Sent) && q.ValidUntil >= today
        select new QuotedLicense
        {
            CustomerId = l.CustomerId,
            LicenseId = l.Id,
            QuoteId = q.Id,
            Number = q.Number,
        };

    private static void EnsureSales(ClaimsPrincipal actor) =>
        actor.Demand(Policies.Sales, "Only sales staff and managers work the protection renewals list.");
}
