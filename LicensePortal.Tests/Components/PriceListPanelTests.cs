using Bunit;
using LicensePortal.Data;
using LicensePortal.Features.Catalog;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace LicensePortal.Tests.Components;

public class PriceListPanelTests : BunitContext, IAsyncLifetime
{
    private readonly PortalFactory portal = new() { Licenses = 10 };
    private int product;

    public async ValueTask InitializeAsync()
    {
        _ = portal.Server;
        await using var db = await portal.Service<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        product = await db.Products.Where(p => p.Name == "SmarterMail").Select(p => p.Id).SingleAsync();
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton(portal.Service<CatalogService>());
    }

    public new async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await portal.DisposeAsync();
    }

    private IRenderedComponent<PriceListPanel> Render(string role)
    {
        var auth = AddAuthorization();
        auth.SetAuthorized($"{role}@example.com");
        auth.SetRoles(role);
        Render<MudBlazor.MudPopoverProvider>();
        return Render<PriceListPanel>(p =>
            p.Add(x => x.ProductId, product).Add(x => x.Majors, [12, 11, 10]).Add(x => x.CanEdit, role == Roles.Admin)
        );
    }

    [Fact]
    public async Task Staff_see_the_grid_read_only_with_dollar_prices_and_unsold_cells()
    {
        var pro250 = await Pro250Async();
        var panel = Render(Roles.Sales);

        panel.WaitForElements("[data-testid=price-row]");
        var rows = panel.FindAll("[data-testid=price-row]");
        Assert.Equal(3 * 6, rows.Count); // every edition and level of SmarterMail
        Assert.Contains(
            rows,
            r => r.TextContent.Contains("Professional") && r.TextContent.Contains("250 mailboxes") && r.TextContent.Contains(pro250.Usd())
        );
        Assert.Contains(
            rows,
            r => r.TextContent.Contains("Free") && r.TextContent.Contains("Unlimited") && r.TextContent.Contains("not sold")
        );
        Assert.Empty(panel.FindAll("[data-testid=price-row] input"));
        Assert.DoesNotContain("Save prices", panel.Markup);
    }

    private async Task<decimal> Pro250Async() =>
        (await portal.Service<CatalogService>().PriceGridAsync(product, 12))
            .Single(r => r.Edition == "Professional" && r.Level == "250 mailboxes")
            .LicensePrice!.Value;

    [Fact]
    public void Admins_edit_the_prices_in_the_grid()
    {
        var panel = Render(Roles.Admin);

        panel.WaitForElements("[data-testid=price-row]");
        Assert.Equal(3 * 3 * 6, panel.FindAll("[data-testid=price-row] input").Count);
        Assert.NotNull(panel.Find("input[aria-label='Professional 250 mailboxes license price']"));
        Assert.Contains("Save prices", panel.Markup);
    }

    [Fact]
    public async Task A_bad_import_lists_every_problem_row_and_changes_nothing()
    {
        var pro250 = await Pro250Async();
        var panel = Render(Roles.Admin);
        panel.WaitForElements("[data-testid=price-row]");
        var csv =
            "edition,level,license_price,failover_price,protection_price\nProfessional,250 mailboxes,-1,1,1\nGold,250 mailboxes,1,1,1\n";

        var input = panel.FindComponent<InputFile>();
        input.UploadFiles(InputFileContent.CreateFromText(csv, "prices.csv"));

        panel.WaitForElements("[data-testid=import-problem]");
        var problems = panel.FindAll("[data-testid=import-problem]").Select(r => r.TextContent).ToList();
        Assert.Equal(2, problems.Count);
        Assert.Contains("2", problems[0]);
        Assert.Contains("can't be negative", problems[0]);
        Assert.Contains("No edition called \"Gold\"", problems[1]);
        Assert.Contains("Nothing was changed", panel.Find("[data-testid=import-problems]").TextContent);
        Assert.Empty(panel.FindAll("[data-testid=import-ready]"));
        Assert.Equal(pro250, await Pro250Async());
    }

    [Fact]
    public void A_good_import_is_offered_before_anything_is_saved()
    {
        var panel = Render(Roles.Admin);
        panel.WaitForElements("[data-testid=price-row]");

        panel
            .FindComponent<InputFile>()
            .UploadFiles(
                InputFileContent.CreateFromText(
                    "edition,level,license_price,failover_price,protection_price\nProfessional,250 mailboxes,510.00,255.00,127.50\n",
                    "prices.csv"
                )
            );

        panel.WaitForElement("[data-testid=import-ready]");
        Assert.Contains("1 prices read from the file, all valid", panel.Find("[data-testid=import-ready]").TextContent);
    }
}
