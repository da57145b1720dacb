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
    private License pro = null!,
        enterprise = null!,
        older = null!,
        ending = null!;

    public async ValueTask InitializeAsync()
    {
        customer = (await portal.NewCustomerAsync()).Id;
        pro = await portal.NewLicenseAsync(customer);
        enterprise = await portal.NewLicenseAsync(customer, edition: "Enterprise", level: "Unlimited mailboxes", failover: true);
        older = await portal.NewLicenseAsync(customer, major: 11, protection: new DateOnly(2026, 12, 20));
        ending = await portal.NewLicenseAsync(customer, level: "500 mailboxes", protection: new DateOnly(2027, 1, 10));
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
        var first =
            (await portal.PriceAsync("SmarterMail", 12, "Enterprise", "250 mailboxes")).LicensePrice
            - (await portal.PriceAsync("SmarterMail", 12, "Professional", "250 mailboxes")).LicensePrice;

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

        builder.WaitForAssertion(() => Assert.Contains("Include a license above to price its upgrade or renewal.", builder.Markup));
        Assert.Contains("$0.00", builder.Find("[data-testid=quote-total]").TextContent);
    }

    [Fact]
    public async Task Opened_from_the_protection_list_it_prices_a_renewal_of_every_license_ending_in_the_window()
    {
        var builder = Render<QuoteBuilder>(p => p.Add(x => x.CustomerId, customer).Add(x => x.RenewWithinDays, 30));
        var olderPrice = (await portal.PriceAsync("SmarterMail", 12, "Professional", "250 mailboxes")).ProtectionPrice;

        // 20 December is within 30 days of 26 November; 10 January is not.
        builder.WaitForAssertion(() => Assert.Single(builder.FindAll("[data-testid=breakdown-item]")));
        Assert.Contains(older.Key, builder.Find("[data-testid=breakdown-item]").TextContent);
        Assert.Contains("Upgrade protection renewal, 12 months", builder.Find("[data-testid=breakdown-line]").TextContent);
        Assert.Equal(olderPrice.Usd(), builder.Find("[data-testid=breakdown-amount]").TextContent.Trim());
        Assert.Contains(olderPrice.Usd(), builder.Find("[data-testid=quote-total]").TextContent);
        Assert.Contains("Protection until 20 Dec 2026", builder.Find($"[data-testid=candidate-{older.Id}]").TextContent);
        Assert.False(builder.FindAll("button").Single(b => b.TextContent.Contains("Save draft")).HasAttribute("disabled"));
    }

    [Fact]
    public void Named_licenses_start_with_a_renewal_and_no_other_change()
    {
        var builder = Render<QuoteBuilder>(p => p.Add(x => x.CustomerId, customer).Add(x => x.RenewLicenseIds, [ending.Id, older.Id]));

        builder.WaitForAssertion(() => Assert.Equal(2, builder.FindAll("[data-testid=breakdown-line]").Count));
        Assert.All(builder.FindAll("[data-testid=breakdown-line]"), l => Assert.Contains("Upgrade protection renewal", l.TextContent));
    }

    [Fact]
    public async Task Ticking_the_major_step_on_an_older_license_adds_the_free_step_alone()
    {
        var builder = Render<QuoteBuilder>(p => p.Add(x => x.CustomerId, customer).Add(x => x.RenewLicenseIds, [older.Id]));
        builder.WaitForElement("[data-testid=breakdown-line]");

        await builder.InvokeAsync(() =>
            builder.Find($"[data-testid=candidate-{older.Id}] input[aria-label='Renew upgrade protection of {older.Key}']").Change(false)
        );
        builder.WaitForAssertion(() => Assert.Contains("Nothing changes", builder.Find("[data-testid=breakdown-problem]").TextContent));
        await builder.InvokeAsync(() =>
            builder.Find($"[data-testid=candidate-{older.Id}] input[aria-label='Move {older.Key} to 12.x']").Change(true)
        );

        builder.WaitForAssertion(() =>
            Assert.Contains("Major upgrade 11.x → 12.x", builder.Find("[data-testid=breakdown-line]").TextContent)
        );
        Assert.Contains(
            "Covered by upgrade protection, current until 2026-12-20",
            builder.Find("[data-testid=breakdown-line]").TextContent
        );
        Assert.Contains("$0.00", builder.Find("[data-testid=quote-total]").TextContent);
    }

    [Fact]
    public async Task Valid_for_999_days_is_refused_with_the_stated_limit_and_not_changed_to_365()
    {
        var builder = Render<QuoteBuilder>(p => p.Add(x => x.CustomerId, customer).Add(x => x.LicenseId, pro.Id));
        builder.WaitForElement("[data-testid=breakdown-line]");
        var days = builder.FindAll(".mud-input-control").Single(c => c.QuerySelector("label")?.TextContent.Trim() == "Valid for (days)");
        Assert.Contains("1–365 days", days.TextContent);
        Assert.Null(days.QuerySelector("input")!.GetAttribute("max"));
        var before = await portal
            .Service<QuoteService>()
            .ListAsync(new QuoteFilter(CustomerId: customer), new PageRequest(0, 10, null, false));

        await builder.InvokeAsync(() => days.QuerySelector("input")!.Change("999"));
        await builder.InvokeAsync(() => builder.Find("[data-testid=quote-terms]").Submit());

        builder.WaitForAssertion(() =>
            Assert.Equal("A quote is valid for 1 to 365 days.", builder.Find(".mud-input-helper-text.mud-input-error").TextContent.Trim())
        );
        Assert.Equal(
            "999",
            builder
                .FindAll(".mud-input-control")
                .Single(c => c.QuerySelector("label")?.TextContent.Trim() == "Valid for (days)")
                .QuerySelector("input")!
                .GetAttribute("value")
        );
        var after = await portal
            .Service<QuoteService>()
            .ListAsync(new QuoteFilter(CustomerId: customer), new PageRequest(0, 10, null, false));
        Assert.Equal(before.Total, after.Total);
    }
}
