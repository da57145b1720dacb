using Bunit;
using LicensePortal.Features.Fraud;
using LicensePortal.Features.Licenses;
using LicensePortal.Features.Transfers;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor.Services;

namespace LicensePortal.Tests.Components;

/// <summary>A pending transfer shows on its license and is not offered again; its requester sees why they cannot decide it.</summary>
public class PendingTransferTests : BunitContext, IAsyncLifetime
{
    private readonly PortalFactory portal = new() { Licenses = 10 };
    private License license = null!;
    private int buyer;
    private Bunit.TestDoubles.BunitAuthorizationContext auth = null!;

    public async ValueTask InitializeAsync()
    {
        var seller = await portal.NewCustomerAsync("Pending Seller Ltd");
        buyer = (await portal.NewCustomerAsync("Pending Buyer GmbH")).Id;
        license = await portal.NewLicenseAsync(seller.Id);
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton(portal.Service<LicenseDetailService>());
        Services.AddSingleton(portal.Service<FraudCaseService>());
        Services.AddSingleton(portal.Service<TransferService>());
        Services.AddSingleton(portal.Service<IOptions<LicensePortal.Features.Installations.InstallationOptions>>());
        auth = AddAuthorization();
        Render<MudBlazor.MudPopoverProvider>();
    }

    public new async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await portal.DisposeAsync();
    }

    private void SignIn(string role, string email)
    {
        auth.SetAuthorized(email);
        auth.SetRoles(role);
        auth.SetPolicies(Policies.Licenses, Policies.Sales);
        if (role == Roles.Manager)
            auth.SetPolicies(Policies.Licenses, Policies.Sales, Policies.Manager, Policies.Fraud);
    }

    [Fact]
    public async Task A_license_with_a_pending_transfer_says_so_and_offers_no_second_request()
    {
        await portal
            .Service<TransferService>()
            .RequestAsync(TestData.As(Roles.Sales), license.Id, buyer, null, TransferKind.Transfer, "Sold the business");
        SignIn(Roles.Sales, "sales@example.com");

        var page = Render<LicenseDetailPage>(p => p.Add(x => x.Id, license.Id));

        page.WaitForAssertion(() =>
            Assert.Equal(
                "Transfer to Pending Buyer GmbH requested on 26 Nov 2026 by Test Sales, awaiting a manager. See transfer requests",
                System.Text.RegularExpressions.Regex.Replace(page.Find("[data-testid=pending-transfer]").TextContent, @"\s+", " ").Trim()
            )
        );
        Assert.DoesNotContain(page.FindAll("button"), b => b.TextContent.Contains("Request transfer"));
        Assert.Equal("/transfers", page.Find("[data-testid=pending-transfer] a[href='/transfers']").GetAttribute("href"));
    }

    [Fact]
    public void A_license_without_a_pending_transfer_offers_the_request()
    {
        SignIn(Roles.Sales, "sales@example.com");

        var page = Render<LicenseDetailPage>(p => p.Add(x => x.Id, license.Id));

        page.WaitForAssertion(() => Assert.Contains(page.FindAll("button"), b => b.TextContent.Contains("Request transfer…")));
        Assert.Empty(page.FindAll("[data-testid=pending-transfer]"));
    }

    [Fact]
    public async Task A_managers_own_request_has_approve_and_reject_disabled_with_the_reason_and_another_managers_does_not()
    {
        var transfers = portal.Service<TransferService>();
        var other = await portal.NewLicenseAsync((await portal.NewCustomerAsync("Other Seller Ltd")).Id);
        await transfers.RequestAsync(
            TestData.As(Roles.Manager, "maria@example.com"),
            license.Id,
            buyer,
            null,
            TransferKind.Transfer,
            "Mine"
        );
        await transfers.RequestAsync(TestData.As(Roles.Sales), other.Id, buyer, null, TransferKind.Transfer, "Someone else's");
        SignIn(Roles.Manager, "maria@example.com");

        var table = Render<TransferTable>(p =>
            p.Add(x => x.Status, TransferStatus.Pending)
                .Add(x => x.OnApprove, (TransferRow _) => { })
                .Add(x => x.OnReject, (TransferRow _) => { })
        );

        table.WaitForAssertion(() => Assert.Equal(2, table.FindAll("tbody tr").Count(r => r.TextContent.Contains("Pending Buyer GmbH"))));
        var own = table.FindAll("tbody tr").Single(r => r.TextContent.Contains(license.Key));
        var theirs = table.FindAll("tbody tr").Single(r => r.TextContent.Contains(other.Key));
        Assert.True(own.QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Approve…").HasAttribute("disabled"));
        Assert.True(own.QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Reject…").HasAttribute("disabled"));
        Assert.Equal("Your own request: another manager must approve.", own.QuerySelector("[data-testid=own-request]")!.TextContent.Trim());
        Assert.False(theirs.QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Approve…").HasAttribute("disabled"));
        Assert.Null(theirs.QuerySelector("[data-testid=own-request]"));
    }
}
