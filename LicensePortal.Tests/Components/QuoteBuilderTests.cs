using Bunit;
using LicensePortal.Features.Catalog;
using LicensePortal.Features.Licenses;
using LicensePortal.Features.Quotes;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace LicensePortal.Tests.Components;

public class QuoteBuilderTests : BunitContext, IAsyncLifetime
{
    private readonly PortalFactory portal = new() { Licenses = 10 };
    private int customer;
    private License pro = null!, enterprise = null!;

    public async ValueTask InitializeAsync()
    {
        customer = (await portal.NewCustomerAsync()).Id;
        pro = await portal.NewLicenseAsync(customer);
        enterprise = await portal.NewLicenseAsync(customer, edition: "Enterprise", level: "Unlimited mailboxes", failover: true);
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton(portal.Service<QuoteService>());
        Services.AddSingleton(portal.Service<CatalogService>());
        var auth = AddAuthorization();
        auth.SetAuthorized("sales@example.com");
        auth.SetRoles(Roles.Sales);
        Render<MudBlazor.MudPopoverProvider>();
    }

    public new async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await portal.DisposeAsync();
    }

    [Fact]
    public async Task Opening_from_a_license_prices_one_step_up_straight_away()
    {
        var builder = Render<QuoteBuilder>(p => p.Add(x => x.CustomerId, customer).Add(x => x.LicenseId, pro.Id));
        var from = await portal.PriceAsync("SmarterMail", 12, "Professional", "250 mailboxes");
        var to = await portal.PriceAsync("SmarterMail", 12, "Enterprise", "250 mailboxes");

        builder.WaitForAssertion(() => Assert.Single(builder.FindAll("[data-testid=breakdown-line]")));
        Assert.Contains("Professional 250 mailboxes → Enterprise 250 mailboxes", builder.Find("[data-testid=breakdown-line]").TextContent);
        Assert.Equal((to.LicensePrice - from.LicensePrice).Usd(), builder.Find("[data-testid=breakdown-amount]").TextContent.Trim());
        Assert.Contains((to.LicensePrice - from.LicensePrice).Usd(), builder.Find("[data-testid=quote-total]").TextContent);
    }

    [Fact]
    public async Task Including_another_license_adds_its_group_and_the_total_follows()
    {
        var builder = Render<QuoteBuilder>(p => p.Add(x => x.CustomerId, customer).Add(x => x.LicenseId, pro.Id));
        builder.WaitForElement("[data-testid=breakdown-line]");
        var first = (await portal.PriceAsync("SmarterMail", 12, "Enterprise", "250 mailboxes")).LicensePrice - (await portal.PriceAsync("SmarterMail", 12, "Professional", "250 mailboxes")).LicensePrice;

        // The other license is already the top edition and level with failover: nothing can change, and the refusal shows.
        await builder.InvokeAsync(() => builder.Find($"[data-testid=candidate-{enterprise.Id}] input[type=checkbox]").Change(true));

        builder.WaitForAssertion(() => Assert.Equal(2, builder.FindAll("[data-testid=breakdown-item]").Count));
        var problem = builder.Find("[data-testid=breakdown-problem]").TextContent;
        Assert.Contains("Nothing changes: choose a higher edition or level, add failover, or renew upgrade protection.", problem);
        Assert.Contains(first.Usd(), builder.Find("[data-testid=quote-total]").TextContent);
        Assert.True(builder.FindAll("button").Single(b => b.TextContent.Contains("Save draft")).HasAttribute("disabled"));
    }

    [Fact]
    public void Unticking_the_last_license_empties_the_breakdown()
    {
        var builder = Render<QuoteBuilder>(p => p.Add(x => x.CustomerId, customer).Add(x => x.LicenseId, pro.Id));
        builder.WaitForElement("[data-testid=breakdown-line]");

        builder.InvokeAsync(() => builder.Find($"[data-testid=candidate-{pro.Id}] input[type=checkbox]").Change(false));

        builder.WaitForAssertion(() => Assert.Contains("Include a license above to price its upgrade.", builder.Markup));
        Assert.Contains("$0.00", builder.Find("[data-testid=quote-total]").TextContent);
    }
}
