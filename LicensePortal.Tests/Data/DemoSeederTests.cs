using LicensePortal.Data;
using LicensePortal.Features.Installations;
using LicensePortal.Features.Licenses;
using LicensePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Tests.Data;

public class DemoSeederTests : IAsyncLifetime
{
    private readonly PortalFactory portal = new() { Licenses = 1500 };

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => portal.DisposeAsync();

    private async Task<AppDbContext> DbAsync()
    {
        _ = portal.Server; // starts the app: migrations and seeding
        return await portal.Service<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
    }

    [Theory]
    [InlineData("Development", "false")]
    [InlineData("Staging", "true")]
    [InlineData("Test", "true")]
    [InlineData("Production", "true")]
    public async Task Demo_users_exist_only_when_demo_data_is_switched_on_and_only_in_development(string environment, string seed)
    {
        await using var live = new PortalFactory { Environment = environment, Settings = { ["Demo:Seed"] = seed } };
        await using var db = await live.DbAsync();

        Assert.Equal(0, await db.Users.CountAsync());
        Assert.Equal(0, await db.Licenses.CountAsync());
    }

    [Fact]
    public async Task Demo_data_has_the_catalog_customers_and_licenses_the_issue_asks_for()
    {
        await using var db = await DbAsync();

        Assert.Equal(
            ["SmarterMail", "SmarterStats", "SmarterTrack"],
            await db.Products.OrderBy(p => p.Name).Select(p => p.Name).ToListAsync()
        );
        Assert.True(await db.Customers.CountAsync() >= 300);
        Assert.Equal(1500, await db.Licenses.CountAsync());
        Assert.True(await db.Licenses.CountAsync(l => l.HasFailover) > 0);
        var today = DateOnly.FromDateTime(PortalFactory.Now.UtcDateTime);
        Assert.True(await db.Licenses.CountAsync(l => l.ProtectionEndsOn < today) > 0, "some protection lapsed");
        Assert.True(await db.Licenses.CountAsync(l => l.ProtectionEndsOn >= today) > 0, "some protection current");
        Assert.True(await db.Licenses.CountAsync(l => l.Status == LicenseStatus.Disabled) > 0);
        // Each product has at least one major with two later majors released: licenses on it are legacy.
        foreach (var product in await db.Products.Include(p => p.Releases).ToListAsync())
        {
            var majors = product.Releases.Where(r => r.Minor == 0).Select(r => r.Major).Order().ToList();
            Assert.True(majors.Count >= 3, product.Name);
            Assert.True(
                await db.Licenses.CountAsync(l => l.ProductId == product.Id && l.Major == majors[0]) > 0,
                $"{product.Name} has legacy licenses"
            );
            Assert.Equal(majors.Count, await db.PriceLists.CountAsync(p => p.ProductId == product.Id));
        }
        Assert.Equal(4, await db.Users.CountAsync());
    }

    [Fact]
    public async Task Installations_cover_every_state_of_the_rules()
    {
        await using var db = await DbAsync();
        var now = PortalFactory.Now.UtcDateTime;
        var cut = ActivityCut.At(now, new InstallationOptions());
        var active = db.Installations.Active(cut);
        var perLicense = await active
            .GroupBy(i => i.LicenseId)
            .Select(g => new
            {
                Count = g.Count(),
                Failover = g.First().License!.HasFailover,
                Newest = g.Max(i => i.FirstSeenAt),
            })
            .ToListAsync();

        Assert.Contains(perLicense, l => l.Count == 1); // within allowance
        Assert.Contains(perLicense, l => l.Count == 2 && l.Failover); // failover pair
        Assert.Contains(perLicense, l => l.Count == 2 && !l.Failover && l.Newest > now.AddDays(-30)); // migration in progress
        Assert.Contains(perLicense, l => l.Count == 2 && !l.Failover && l.Newest < now.AddDays(-30)); // migration days used up
        Assert.True(await db.Installations.InState(InstallationState.Stale, cut).AnyAsync());
        Assert.True(await db.Installations.InState(InstallationState.Released, cut).AnyAsync());
    }

    [Fact]
    public async Task Bulk_inserted_rows_read_and_update_through_EF_with_their_concurrency_token()
    {
        await using var db = await DbAsync();
        var license = await db.Licenses.Include(l => l.Customer).OrderBy(l => l.Id).FirstAsync();
        Assert.Equal(license.Key, LicenseKey.Normalize(license.Key));
        Assert.NotEqual(Guid.Empty, license.Version);

        license.HasFailover = !license.HasFailover;
        license.Customer!.Phone = "+1 555 0100";
        await db.SaveChangesAsync();

        await using var other = await portal.Service<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.Equal("+1 555 0100", (await other.Customers.SingleAsync(c => c.Id == license.CustomerId)).Phone);
    }

    [Fact]
    public async Task Two_staff_saving_the_same_customer_the_second_is_told_it_changed()
    {
        await using var first = await DbAsync();
        await using var second = await portal.Service<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var a = await first.Customers.OrderBy(c => c.Id).FirstAsync();
        var b = await second.Customers.OrderBy(c => c.Id).FirstAsync();

        a.Phone = "+1 555 0101";
        await first.SaveChangesAsync();
        b.Phone = "+1 555 0102";

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync());
    }

    [Fact]
    [Trait("Provider", "Sqlite")]
    public async Task The_database_runs_in_write_ahead_logging_mode()
    {
        await using var db = await DbAsync();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Checking_in_again_from_every_released_or_stale_demo_machine_flags_no_license_that_was_within_its_allowance()
    {
        await using var db = await DbAsync();
        var now = PortalFactory.Now.UtcDateTime;
        var options = new InstallationOptions();
        var within = new List<int>();
        foreach (var id in await db.Licenses.Where(l => l.Status == LicenseStatus.Active).Select(l => l.Id).ToListAsync())
            if ((await db.StandingAsync(id, now, options)).Status == LicensePortal.Features.Licensing.StandingStatus.Active)
                within.Add(id);
        var returning = await db
            .Installations.Where(i =>
                within.Contains(i.LicenseId)
                && (i.ReleasedAt != null || i.DecommissionedAt == null && i.LastSeenAt < now - options.ActiveWithin)
            )
            .Select(i => new { i.License!.Key, i.MachineId })
            .ToListAsync();
        Assert.True(
            returning.Count > 300,
            $"the demo data has {returning.Count} released or stale machines on licenses within their allowance"
        );

        using var api = portal.Client();
        var flagged = new List<string>();
        foreach (var machine in returning)
        {
            var answer = await api.CheckInAsync(machine.Key, machine.MachineId);
            if (answer.Status is not ("active" or "grace"))
                flagged.Add($"{machine.Key} {machine.MachineId}: {answer.Status}");
        }

        Assert.Empty(flagged);
    }
}
