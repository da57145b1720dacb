using LicensePortal.Features.Customers;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Tests.Features.Customers;

public class CustomerEditTests : IAsyncLifetime
{
    private readonly PortalFactory portal = new() { Licenses = 10 };
    private CustomerService Customers => portal.Service<CustomerService>();
    private static readonly System.Security.Claims.ClaimsPrincipal Sales = TestData.As(Roles.Sales);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;
    public ValueTask DisposeAsync() => portal.DisposeAsync();

    private static CustomerForm Form() => new()
    {
        Name = "Bluewater Mail AB", Email = "licensing@bluewater.example", Phone = "+46 8 555 0100", AddressLine1 = "Storgatan 1",
        City = "Stockholm", PostalCode = "111 22", Country = "Sweden",
    };

    [Fact]
    public async Task A_new_customer_is_saved_and_audited()
    {
        var id = await Customers.SaveAsync(Sales, null, Form());

        var detail = await Customers.DetailAsync(id);
        Assert.Equal(("Bluewater Mail AB", "Stockholm"), (detail.Customer.Name, detail.Customer.City));
        await using var db = await portal.DbAsync();
        Assert.True(await db.AuditLog.AnyAsync(a => a.Action == "Customer created" && a.EntityId == id.ToString()));
    }

    [Theory]
    [InlineData("Email", "not-an-email", "This is not a valid email address.")]
    [InlineData("Name", "", "Enter the customer's name.")]
    [InlineData("Phone", "call me", "Use digits, spaces and + ( ) - . only")]
    public async Task Bad_details_are_refused_with_the_reason_and_save_nothing(string field, string value, string message)
    {
        var form = Form();
        typeof(CustomerForm).GetProperty(field)!.SetValue(form, value);
        await using var db = await portal.DbAsync();
        var before = await db.Customers.CountAsync();

        var error = await Assert.ThrowsAsync<DomainException>(() => Customers.SaveAsync(Sales, null, form));

        Assert.Contains(message, error.Message);
        Assert.Equal(before, await db.Customers.CountAsync());
    }

    [Fact]
    public async Task Saving_over_someone_elses_change_is_refused()
    {
        var id = await Customers.SaveAsync(Sales, null, Form());
        var mine = CustomerForm.From((await Customers.DetailAsync(id)).Customer);
        var theirs = CustomerForm.From((await Customers.DetailAsync(id)).Customer);
        theirs.Phone = "+46 8 555 0199";
        await Customers.SaveAsync(Sales, id, theirs);

        mine.City = "Uppsala";
        var error = await Assert.ThrowsAsync<DomainException>(() => Customers.SaveAsync(Sales, id, mine));

        Assert.Contains("Someone else changed this customer", error.Message);
        Assert.Equal(("+46 8 555 0199", "Stockholm"), ((await Customers.DetailAsync(id)).Customer.Phone, (await Customers.DetailAsync(id)).Customer.City));
    }

    [Fact]
    public async Task The_fraud_team_cannot_edit_customers() =>
        await Assert.ThrowsAsync<DomainException>(() => Customers.SaveAsync(TestData.As(Roles.Fraud), null, Form()));
}
