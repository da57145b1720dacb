using System.Security.Claims;
using LicensePortal.Data;
using LicensePortal.Features.Catalog;
using LicensePortal.Features.Customers;
using LicensePortal.Features.Licenses;
using LicensePortal.Features.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LicensePortal.Tests.Infrastructure;

/// <summary>Rows with exactly the configuration a test needs, written through EF like the app writes them.</summary>
public static class TestData
{
    /// <summary>
    /// A signed-in principal; without a name it is the demo user of that role, so services that check the
    /// user's current roles in the database (CurrentRoles) find a real account.
    /// </summary>
    public static ClaimsPrincipal As(string role, string? name = null) =>
        new(
            new ClaimsIdentity(
                [
                    new Claim(ClaimTypes.Name, name ?? LicensePortal.Data.Demo.DemoSeeder.Users.First(u => u.Role == role).Email),
                    new Claim(ClaimTypes.Role, role),
                    new Claim(UserClaims.DisplayName, $"Test {role}"),
                ],
                "test"
            )
        );

    /// <summary>A staff account in the database, for a test that needs a second person in a role.</summary>
    public static async Task NewStaffAsync(this PortalFactory portal, string email, string role)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<ApplicationUser>>();
        var user = new ApplicationUser
        {
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            DisplayName = email,
        };
        if (!(await users.CreateAsync(user, "Good-Password-1")).Succeeded || !(await users.AddToRoleAsync(user, role)).Succeeded)
            throw new InvalidOperationException($"Could not create {email}.");
    }

    /// <summary>A context on the portal's database; asking for a service starts the portal (and seeds it) first.</summary>
    public static async Task<AppDbContext> DbAsync(this PortalFactory portal) =>
        await portal.Service<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();

    public static async Task<Customer> NewCustomerAsync(this PortalFactory portal, string name = "Acme Hosting Ltd")
    {
        await using var db = await portal.DbAsync();
        var customer = new Customer
        {
            Name = name,
            Email = "it@acme.example",
            Phone = "+1 503 555 0100",
            AddressLine1 = "1 Main St",
            City = "Portland",
            Region = "OR",
            PostalCode = "97201",
            Country = "United States",
            CreatedAt = PortalFactory.Now.UtcDateTime,
        };
        db.Customers.Add(customer);
        await db.SaveChangesAsync();
        return customer;
    }

    public static async Task<License> NewLicenseAsync(
        this PortalFactory portal,
        int customerId,
        string product = "SmarterMail",
        int major = 12,
        string edition = "Professional",
        string level = "250 mailboxes",
        bool failover = false,
        DateOnly? protection = null
    )
    {
        await using var db = await portal.DbAsync();
        var p = await db.Products.Include(x => x.Editions).Include(x => x.Levels).SingleAsync(x => x.Name == product);
        var license = new License
        {
            Key = LicenseKey.New(),
            CustomerId = customerId,
            ProductId = p.Id,
            Major = major,
            EditionId = p.Editions.Single(e => e.Name == edition).Id,
            LevelId = p.Levels.Single(l => l.Name == level).Id,
            HasFailover = failover,
            PurchasedOn = new DateOnly(2025, 1, 10),
            PricePaid = 100m,
            ProtectionEndsOn = protection,
            Status = LicenseStatus.Active,
            CreatedAt = PortalFactory.Now.UtcDateTime,
        };
        db.Licenses.Add(license);
        await db.SaveChangesAsync();
        return license;
    }

    public static async Task<(Edition Edition, Level Level)> ConfigAsync(
        this PortalFactory portal,
        string product,
        string edition,
        string level
    )
    {
        await using var db = await portal.DbAsync();
        var p = await db.Products.Include(x => x.Editions).Include(x => x.Levels).SingleAsync(x => x.Name == product);
        return (p.Editions.Single(e => e.Name == edition), p.Levels.Single(l => l.Name == level));
    }

    public static async Task<PriceListEntry> PriceAsync(this PortalFactory portal, string product, int major, string edition, string level)
    {
        var (e, l) = await portal.ConfigAsync(product, edition, level);
        await using var db = await portal.DbAsync();
        return await db.PriceListEntries.SingleAsync(x =>
            x.EditionId == e.Id
            && x.LevelId == l.Id
            && db.PriceLists.Any(pl => pl.Id == x.PriceListId && pl.Major == major && pl.ProductId == e.ProductId)
        );
    }

    /// <summary>
    /// Waits for something the portal's background work does (the outbox dispatcher a click woke, say),
    /// checking every few milliseconds and failing after <paramref name="seconds"/> of real time.
    /// </summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, int seconds = 15)
    {
        var give = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > give)
                throw new TimeoutException($"Waited {seconds} s for {what}.");
            await Task.Delay(20);
        }
    }

    /// <summary>Runs a dispatcher round as the background dispatcher would, then waits until every message about <paramref name="about"/>
    /// is delivered.</summary>
    public static async Task DeliveredAsync(this PortalFactory portal, string about)
    {
        await portal.Service<LicensePortal.Features.Outbox.OutboxService>().DispatchRoundAsync(default);
        await UntilAsync(
            async () =>
            {
                await using var db = await portal.DbAsync();
                return !await db.Outbox.AnyAsync(m => m.About == about && m.Status != LicensePortal.Features.Outbox.OutboxStatus.Sent);
            },
            $"the emails about {about} to be delivered"
        );
    }
}
