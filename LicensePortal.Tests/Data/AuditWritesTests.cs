using LicensePortal.Data;
using LicensePortal.Features.Customers;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Tests.Data;

/// <summary>An audit row goes to the database with the change it records, in the same SaveChanges, or not at all.</summary>
public class AuditWritesTests : IAsyncLifetime
{
    private readonly PortalFactory portal = new() { Licenses = 0 };
    private static readonly System.Security.Claims.ClaimsPrincipal Sales = TestData.As(Roles.Sales, "sales@example.com");
    private static readonly DateTime At = PortalFactory.Now.UtcDateTime;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => portal.DisposeAsync();

    private async Task<List<(string EntityId, string? After)>> AuditAsync(string action)
    {
        await using var db = await portal.DbAsync();
        return [.. (await db.AuditLog.Where(a => a.Action == action).ToListAsync()).Select(a => (a.EntityId, a.After))];
    }

    [Fact]
    public async Task A_row_the_save_creates_is_audited_with_the_id_the_database_gave_it()
    {
        await using var db = await portal.DbAsync();
        var customer = new Customer { Name = "Audited Hosting", Email = "it@audited.example", CreatedAt = At };
        db.Customers.Add(customer);
        db.Audit(Sales, At, "Customer created", "Customer", () => customer.Id, null, () => new { customer.Id, customer.Name });

        await db.SaveChangesAsync();

        Assert.NotEqual(0, customer.Id);
        var expected = (customer.Id.ToString(), $$"""{"Id":{{customer.Id}},"Name":"Audited Hosting"}""");
        Assert.Equal([expected], await AuditAsync("Customer created"));
    }

    [Fact]
    public async Task A_save_refused_for_a_concurrent_change_keeps_its_audit_row_for_the_save_that_follows()
    {
        await using (var seed = await portal.DbAsync())
        {
            seed.Customers.Add(new Customer { Name = "Before", Email = "it@before.example", CreatedAt = At });
            await seed.SaveChangesAsync();
        }
        await using var db = await portal.DbAsync();
        var customer = await db.Customers.SingleAsync(c => c.Name == "Before");
        var stored = customer.Version;
        db.Entry(customer).Property(c => c.Version).OriginalValue = Guid.NewGuid();
        customer.Name = "After";
        db.Audit(Sales, At, "Customer changed", "Customer", () => customer.Id, new { Name = "Before" }, () => new { customer.Name });

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => db.SaveChangesAsync());
        Assert.Empty(await AuditAsync("Customer changed"));

        db.Entry(customer).Property(c => c.Version).OriginalValue = stored;
        await db.SaveChangesAsync();

        Assert.Equal([(customer.Id.ToString(), """{"Name":"After"}""")], await AuditAsync("Customer changed"));
    }

    [Fact]
    public async Task A_save_that_would_not_accept_its_changes_is_refused_before_it_writes_anything()
    {
        await using var db = await portal.DbAsync();
        var customer = new Customer { Name = "Unaccepted", Email = "it@unaccepted.example", CreatedAt = At };
        db.Customers.Add(customer);
        db.Audit(Sales, At, "Customer created", "Customer", () => customer.Id, null, () => new { customer.Name });

        await Assert.ThrowsAsync<NotSupportedException>(() => db.SaveChangesAsync(acceptAllChangesOnSuccess: false));

        await using var check = await portal.DbAsync();
        Assert.Equal(0, await check.Customers.CountAsync(c => c.Name == "Unaccepted"));
        Assert.Empty(await AuditAsync("Customer created"));
    }
}
