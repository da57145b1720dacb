using LicensePortal.Features.Audit;
using LicensePortal.Features.Customers;
using LicensePortal.Features.Management;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;

namespace LicensePortal.Tests.Features.Audit;

public class AuditLogServiceTests : IAsyncLifetime
{
    private readonly PortalFactory portal = new() { Licenses = 50 };
    private AuditLogService Audit => portal.Service<AuditLogService>();

    public async ValueTask InitializeAsync()
    {
        var customers = portal.Service<CustomerService>();
        var form = new CustomerForm
        {
            Name = "Audited Ltd",
            Email = "a@audited.example",
            Phone = "+1 503 555 0100",
            AddressLine1 = "1 Main",
            City = "Portland",
            PostalCode = "97201",
            Country = "United States",
        };
        var id = await customers.SaveAsync(TestData.As(Roles.Sales, "sara@example.com"), null, form);
        portal.Clock.Advance(TimeSpan.FromDays(2));
        form.Phone = "+1 503 555 0199";
        form.Version = (await customers.DetailAsync(id)).Customer.Version;
        await customers.SaveAsync(TestData.As(Roles.Manager, "maria@example.com"), id, form);
    }

    public ValueTask DisposeAsync() => portal.DisposeAsync();

    [Fact]
    public async Task Filters_by_user_entity_action_and_date_and_shows_before_and_after()
    {
        var admin = TestData.As(Roles.Admin);

        var byUser = await Audit.ListAsync(admin, new AuditFilter(User: "maria"), new PageRequest(0, 10, null, false));
        var byAction = await Audit.ListAsync(
            admin,
            new AuditFilter(EntityType: "Customer", Action: "Customer created"),
            new PageRequest(0, 10, null, false)
        );
        var byDate = await Audit.ListAsync(
            admin,
            new AuditFilter(From: new DateOnly(2026, 11, 28), To: new DateOnly(2026, 11, 28)),
            new PageRequest(0, 10, null, false)
        );

        var change = Assert.Single(byUser.Rows);
        Assert.Equal("Customer changed", change.Action);
        Assert.Equal(["Phone: +1 503 555 0100 → +1 503 555 0199"], change.Changes.Select(c => c.ToString()));
        Assert.Equal("sara@example.com", Assert.Single(byAction.Rows).UserName);
        Assert.Equal(change.Id, Assert.Single(byDate.Rows).Id);
    }

    [Theory]
    [InlineData(Roles.Sales)]
    [InlineData(Roles.Fraud)]
    public async Task Sales_and_fraud_cannot_read_the_audit_log(string role) =>
        await Assert.ThrowsAsync<DomainException>(() =>
            Audit.ListAsync(TestData.As(role), new AuditFilter(), new PageRequest(0, 10, null, false))
        );

    [Theory]
    [InlineData(Roles.Sales)]
    [InlineData(Roles.Fraud)]
    public async Task Sales_and_fraud_cannot_check_the_audit_chain(string role) =>
        await Assert.ThrowsAsync<DomainException>(() => Audit.VerifyAsync(TestData.As(role)));

    [Fact]
    public async Task The_dashboard_counts_match_the_lists_behind_them()
    {
        var dashboard = await portal.Service<DashboardService>().BuildAsync(TestData.As(Roles.Manager));
        var licenses = portal.Service<LicensePortal.Features.Licenses.LicenseService>();

        Assert.Equal(50, dashboard.ByProduct.Sum(f => f.Value));
        Assert.Equal(50, dashboard.ByEdition.Sum(f => f.Value));
        Assert.Equal(50, dashboard.Legacy.Value + dashboard.Supported.Value);
        Assert.Equal((await licenses.ListAsync(new() { Legacy = true }, new PageRequest(0, 1, null, false))).Total, dashboard.Legacy.Value);
        var first = dashboard.ByProduct[0];
        var productId = int.Parse(first.Href.Split('=')[1]);
        Assert.Equal((await licenses.ListAsync(new() { ProductId = productId }, new PageRequest(0, 1, null, false))).Total, first.Value);
        await Assert.ThrowsAsync<DomainException>(() => portal.Service<DashboardService>().BuildAsync(TestData.As(Roles.Sales)));
    }
}
