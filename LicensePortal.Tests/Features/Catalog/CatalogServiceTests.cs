using System.Security.Claims;
using LicensePortal.Data;
using LicensePortal.Features.Catalog;
using LicensePortal.Features.Licenses;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Tests.Features.Catalog;

public class CatalogServiceTests : IAsyncLifetime
{
    private readonly PortalFactory portal = new() { Licenses = 400 };

    public ValueTask InitializeAsync()
    {
        _ = portal.Server;
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => portal.DisposeAsync();

    private static ClaimsPrincipal As(string role) =>
        new(
            new ClaimsIdentity(
                [
                    new Claim(ClaimTypes.Name, LicensePortal.Data.Demo.DemoSeeder.Users.First(u => u.Role == role).Email),
                    new Claim(ClaimTypes.Role, role),
                ],
                "test"
            )
        );

    private static readonly ClaimsPrincipal Admin = As(Roles.Admin);
    private CatalogService Catalog => portal.Service<CatalogService>();

    private async Task<AppDbContext> DbAsync() => await portal.Service<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();

    private async Task<int> SmarterMailAsync()
    {
        await using var db = await DbAsync();
        return await db.Products.Where(p => p.Name == "SmarterMail").Select(p => p.Id).SingleAsync();
    }

    [Theory]
    [InlineData(Roles.Sales)]
    [InlineData(Roles.Fraud)]
    [InlineData(Roles.Manager)]
    public async Task Only_admins_change_the_catalog(string role)
    {
        var product = await SmarterMailAsync();
        var user = As(role);

        await Assert.ThrowsAsync<DomainException>(() => Catalog.AddReleaseAsync(user, product, 13, 0, new DateOnly(2026, 11, 26), null));
        await Assert.ThrowsAsync<DomainException>(() => Catalog.SaveProductAsync(user, null, "X", "things"));
        await Assert.ThrowsAsync<DomainException>(() => Catalog.SaveEditionAsync(user, product, null, "Platinum", "More"));
        await Assert.ThrowsAsync<DomainException>(() => Catalog.SavePriceListAsync(user, product, 12, []));
        await Assert.ThrowsAsync<DomainException>(() => Catalog.ImportCsvAsync(user, product, 12, ""));
        // Everyone reads it.
        Assert.NotEmpty((await Catalog.ProductAsync(product)).Majors);
    }

    [Fact]
    public async Task A_new_major_makes_licenses_two_majors_behind_it_legacy_at_once()
    {
        var product = await SmarterMailAsync();
        var licenses = portal.Service<LicenseService>();
        var onEleven = new LicenseFilter { ProductId = product, Legacy = true };
        var before = await licenses.ListAsync(onEleven, new PageRequest(0, 200, null, false));
        Assert.All(before.Rows, r => Assert.Equal(10, r.Major));

        await Catalog.AddReleaseAsync(Admin, product, 13, 0, new DateOnly(2026, 11, 26), "Released today");

        var after = await licenses.ListAsync(onEleven, new PageRequest(0, 200, null, false));
        Assert.Contains(after.Rows, r => r.Major == 11 && r.IsLegacy);
        Assert.Equal(MajorState.Legacy, (await Catalog.ProductAsync(product)).Majors.Single(m => m.Major == 11).State);
        Assert.Equal(MajorState.Current, (await Catalog.ProductAsync(product)).Majors.Single(m => m.Major == 13).State);
    }

    [Fact]
    public async Task A_release_out_of_order_saves_nothing_and_says_why()
    {
        var product = await SmarterMailAsync();

        var error = await Assert.ThrowsAsync<DomainException>(() =>
            Catalog.AddReleaseAsync(Admin, product, 13, 0, new DateOnly(2020, 1, 1), null)
        );

        Assert.Contains("out of order", error.Message);
        await using var db = await DbAsync();
        Assert.False(await db.Releases.AnyAsync(r => r.Major == 13));
        Assert.False(await db.AuditLog.AnyAsync());
    }

    [Fact]
    public async Task A_price_list_exported_and_imported_again_is_unchanged()
    {
        var product = await SmarterMailAsync();
        var before = await Catalog.PriceGridAsync(product, 12);
        var csv = await Catalog.ExportCsvAsync(product, 12);

        var import = await Catalog.ImportCsvAsync(Admin, product, 12, csv);

        Assert.True(import.Ok);
        var after = await Catalog.PriceGridAsync(product, 12);
        Assert.Equal(Prices(before), Prices(after));
        Assert.Equal(csv, await Catalog.ExportCsvAsync(product, 12));
    }

    [Fact]
    public async Task A_csv_with_one_bad_row_changes_nothing_and_names_the_row()
    {
        var product = await SmarterMailAsync();
        var before = Prices(await Catalog.PriceGridAsync(product, 12));
        var lines = (await Catalog.ExportCsvAsync(product, 12)).TrimEnd().Split('\n').ToList();
        // A good change on line 2 that must not be applied, and a negative protection price on line 4.
        lines[1] = System.Text.RegularExpressions.Regex.Replace(lines[1], @",[0-9.]+,[0-9.]+,[0-9.]+$", ",1.00,1.00,1.00");
        lines[3] = System.Text.RegularExpressions.Regex.Replace(lines[3], @",([0-9.]+)$", ",-$1");

        var import = await Catalog.ImportCsvAsync(Admin, product, 12, string.Join('\n', lines));

        Assert.False(import.Ok);
        var problem = Assert.Single(import.Problems);
        Assert.Equal(4, problem.Line);
        Assert.Contains("can't be negative", problem.Message);
        Assert.Equal(before, Prices(await Catalog.PriceGridAsync(product, 12)));
    }

    [Fact]
    public async Task Negative_or_partial_prices_save_nothing()
    {
        var product = await SmarterMailAsync();
        var grid = (await Catalog.PriceGridAsync(product, 12)).ToList();
        var before = Prices(grid);
        grid.First(r => r.Sold).FailoverPrice = -1m;
        grid.Last(r => r.Sold).ProtectionPrice = null;

        var error = await Assert.ThrowsAsync<DomainException>(() => Catalog.SavePriceListAsync(Admin, product, 12, grid));

        Assert.Contains("The failover add-on can't be negative.", error.Message);
        Assert.Contains("enter all three prices, or none", error.Message);
        Assert.Equal(before, Prices(await Catalog.PriceGridAsync(product, 12)));
    }

    [Fact]
    public async Task Every_catalog_change_is_audited_with_who_before_and_after()
    {
        var product = await SmarterMailAsync();
        var grid = (await Catalog.PriceGridAsync(product, 12)).ToList();
        var row = grid.First(r => r.Sold);
        row.LicensePrice += 10m;

        await Catalog.SavePriceListAsync(Admin, product, 12, grid);
        await Catalog.AddReleaseAsync(Admin, product, 12, 7, new DateOnly(2026, 11, 20), null);
        var edition = (await Catalog.ProductAsync(product)).Editions.First();
        await Catalog.SaveEditionAsync(Admin, product, edition.Id, edition.Name, "A clearer description");

        await using var db = await DbAsync();
        var audit = await db.AuditLog.OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(["Price list saved", "Release added", "Edition changed"], audit.Select(a => a.Action));
        Assert.All(audit, a => Assert.Equal("admin@demo.licenseportal.test", a.UserName));
        Assert.All(audit, a => Assert.Equal(PortalFactory.Now.UtcDateTime, a.At));
        Assert.Contains($"\"LicensePrice\":{row.LicensePrice - 10m}", audit[0].Before);
        Assert.Contains($"\"LicensePrice\":{row.LicensePrice}", audit[0].After);
        Assert.Contains("A clearer description", audit[2].After);
        Assert.DoesNotContain("A clearer description", audit[2].Before);
    }

    [Fact]
    public async Task Editions_keep_their_order_and_move_one_place_at_a_time()
    {
        var product = await SmarterMailAsync();
        await Catalog.SaveEditionAsync(Admin, product, null, "Platinum", "Everything, with a named engineer.");
        var platinum = (await Catalog.ProductAsync(product)).Editions.Last();
        Assert.Equal("Platinum", platinum.Name);

        await Catalog.MoveEditionAsync(Admin, platinum.Id, -1);

        Assert.Equal(
            ["Free", "Professional", "Platinum", "Enterprise"],
            (await Catalog.ProductAsync(product)).Editions.Select(e => e.Name)
        );
        var duplicate = await Assert.ThrowsAsync<DomainException>(() => Catalog.SaveEditionAsync(Admin, product, null, "platinum", "x"));
        Assert.Contains("already an edition called platinum", duplicate.Message);
    }

    private static List<(int, int, decimal?, decimal?, decimal?)> Prices(IEnumerable<PriceGridRow> grid) =>
        [.. grid.Select(r => (r.EditionId, r.LevelId, r.LicensePrice, r.FailoverPrice, r.ProtectionPrice))];

    [Theory]
    [InlineData("product name", CatalogRules.MaxNameLength)]
    [InlineData("level unit", CatalogRules.MaxNameLength)]
    [InlineData("edition name", CatalogRules.MaxNameLength)]
    [InlineData("description", CatalogRules.MaxDescriptionLength)]
    [InlineData("level name", CatalogRules.MaxNameLength)]
    [InlineData("notes", CatalogRules.MaxNotesLength)]
    public async Task Typed_text_over_its_limit_is_refused_without_writing_and_at_its_limit_is_kept_whole(string field, int limit)
    {
        var product = await SmarterMailAsync();
        Func<string, Task> act = field switch
        {
            "product name" => t => Catalog.SaveProductAsync(Admin, null, t, "mailboxes"),
            "level unit" => t => Catalog.SaveProductAsync(Admin, null, "SmarterLimits", t),
            "edition name" => t => Catalog.SaveEditionAsync(Admin, product, null, t, "More"),
            "description" => t => Catalog.SaveEditionAsync(Admin, product, null, "Platinum", t),
            "level name" => t => Catalog.SaveLevelAsync(Admin, product, null, t, null),
            _ => t => Catalog.AddReleaseAsync(Admin, product, 13, 0, new DateOnly(2026, 11, 26), t),
        };
        Func<AppDbContext, Task<List<string?>>> stored = field switch
        {
            "product name" => db => db.Products.Select(p => (string?)p.Name).ToListAsync(),
            "level unit" => db => db.Products.Select(p => (string?)p.LevelUnit).ToListAsync(),
            "edition name" => db => db.Editions.Select(e => (string?)e.Name).ToListAsync(),
            "description" => db => db.Editions.Select(e => (string?)e.Description).ToListAsync(),
            "level name" => db => db.Levels.Select(l => (string?)l.Name).ToListAsync(),
            _ => db => db.Releases.Select(r => r.Notes).ToListAsync(),
        };

        await portal.RefusedOverAndKeptWholeAtAsync(field, limit, act, async db => string.Join("|", await stored(db)));
    }
}
