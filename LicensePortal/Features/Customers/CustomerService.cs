using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using LicensePortal.Data;
using LicensePortal.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Features.Customers;

public sealed class CustomerService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, Licensing.VendorCalendar calendar)
{
    public async Task<CustomerDetail> DetailAsync(int id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var customer =
            await db.Customers.AsNoTracking().Include(c => c.Contacts).FirstOrDefaultAsync(c => c.Id == id, ct)
            ?? throw new DomainException("That customer no longer exists.");
        var licenses = await db
            .Licenses.Where(l => l.CustomerId == id)
            .OrderBy(l => l.Product!.Name)
            .ThenByDescending(l => l.Major)
            .Select(l => new CustomerLicense(
                l.Id,
                l.Key,
                l.Product!.Name,
                l.Major,
                l.Edition!.Name,
                l.Level!.Name,
                l.HasFailover,
                l.ProtectionEndsOn,
                l.Status
            ))
            .ToListAsync(ct);
        var today = calendar.Today;
        var quotes = await db
            .Quotes.Where(q => q.CustomerId == id)
            .OrderByDescending(q => q.Id)
            .Select(q => new
            {
                q.Id,
                q.Number,
                q.QuoteDate,
                q.ValidUntil,
                q.Status,
                q.Total,
            })
            .ToListAsync(ct);
        return new(
            customer,
            licenses,
            [
                .. quotes.Select(q => new CustomerQuote(
                    q.Id,
                    q.Number,
                    q.QuoteDate,
                    q.ValidUntil,
                    Quotes.Quote.StateOn(q.Status, q.ValidUntil, today),
                    q.Total
                )),
            ]
        );
    }

    /// <summary>Creates (id null) or edits a customer, audited in the same transaction.</summary>
    public async Task<int> SaveAsync(ClaimsPrincipal actor, int? id, CustomerForm form)
    {
        actor.Demand(Policies.Sales, "Only sales staff and managers edit customers.");
        var problems = new List<ValidationResult>();
        if (!Validator.TryValidateObject(form, new ValidationContext(form), problems, validateAllProperties: true))
            throw new DomainException(string.Join(" ", problems.Select(p => p.ErrorMessage)));
        await using var db = await dbFactory.CreateDbContextAsync();
        var customer = id is { } existing
            ? await db.Customers.FindAsync(existing) ?? throw new DomainException("That customer no longer exists.")
            : new Customer { CreatedAt = clock.GetUtcNow().UtcDateTime };
        if (id is not null && form.Version is { } version)
            db.Entry(customer).Property(c => c.Version).OriginalValue = version;
        var before = id is null ? null : CustomerForm.From(customer);
        form.ApplyTo(customer);
        if (id is null)
            db.Customers.Add(customer);
        db.Audit(
            actor,
            clock.GetUtcNow().UtcDateTime,
            id is null ? "Customer created" : "Customer changed",
            "Customer",
            () => customer.Id,
            before,
            () => CustomerForm.From(customer)
        );
        await db.SaveOrRefuseAsync("Someone else changed this customer while you were editing. Reload the page to see their change.");
        return customer.Id;
    }

    public async Task<PageResult<CustomerRow>> ListAsync(
        string? search,
        PageRequest page,
        CancellationToken ct = default,
        DateOnly? createdSince = null
    )
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var customers = db.Customers.AsNoTracking();
        if (createdSince is { } since)
        {
            // The vendor's day, like every date in the portal: "this month" starts at the vendor's midnight on the 1st.
            var from = calendar.StartOfDayUtc(since);
            customers = customers.Where(c => c.CreatedAt >= from);
        }
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = $"%{search.Trim()}%";
            customers = customers.Where(c =>
                EF.Functions.Like(c.Name, term) || EF.Functions.Like(c.Email, term) || EF.Functions.Like(c.Phone, term)
            );
        }
        var total = await customers.CountAsync(ct);
        customers = (page.SortBy, page.Descending) switch
        {
            (nameof(CustomerRow.Email), false) => customers.OrderBy(c => c.Email),
            (nameof(CustomerRow.Email), true) => customers.OrderByDescending(c => c.Email),
            (nameof(CustomerRow.Country), false) => customers.OrderBy(c => c.Country).ThenBy(c => c.Name),
            (nameof(CustomerRow.Country), true) => customers.OrderByDescending(c => c.Country).ThenBy(c => c.Name),
            (_, true) => customers.OrderByDescending(c => c.Name),
            _ => customers.OrderBy(c => c.Name),
        };
        var rows = await customers
            .Page(page)
            .Select(c => new CustomerRow(c.Id, c.Name, c.Email, c.Phone, c.City, c.Country, db.Licenses.Count(l => l.CustomerId == c.Id)))
            .ToListAsync(ct);
        return new(rows, total);
    }
}
