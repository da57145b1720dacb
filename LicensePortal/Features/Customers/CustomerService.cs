using LicensePortal.Data;
using LicensePortal.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Features.Customers;

public sealed record CustomerRow(int Id, string Name, string Email, string Phone, string City, string Country, int Licenses);

public sealed class CustomerService(IDbContextFactory<AppDbContext> dbFactory)
{
    public async Task<PageResult<CustomerRow>> ListAsync(string? search, PageRequest page, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var customers = db.Customers.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = $"%{search.Trim()}%";
            customers = customers.Where(c => EF.Functions.Like(c.Name, term) || EF.Functions.Like(c.Email, term) || EF.Functions.Like(c.Phone, term));
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
        var rows = await customers.Page(page)
            .Select(c => new CustomerRow(c.Id, c.Name, c.Email, c.Phone, c.City, c.Country, db.Licenses.Count(l => l.CustomerId == c.Id)))
            .ToListAsync(ct);
        return new(rows, total);
    }
}

public static class CustomersFeature
{
    public static IServiceCollection AddCustomersFeature(this IServiceCollection services) => services.AddScoped<CustomerService>();
}
