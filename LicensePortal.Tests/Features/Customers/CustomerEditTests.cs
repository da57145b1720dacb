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

    private static CustomerForm Form() =>
        new()
        {
            Name = "Bluewater Mail AB",
            Email = "licensing@bluewater.example",
            Phone = "+46 8 555 0100",
            AddressLine1 = "Storgatan 1",
            City = "Stockholm",
            PostalCode = "111 22",
            Country = "Sweden",
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
        Assert.Equal(
            ("+46 8 555 0199", "Stockholm"),
            ((await Customers.DetailAsync(id)).Customer.Phone, (await Customers.DetailAsync(id)).Customer.City)
        );
    }

    [Fact]
    public async Task The_fraud_team_cannot_edit_customers() =>
        await Assert.ThrowsAsync<DomainException>(() => Customers.SaveAsync(TestData.As(Roles.Fraud), null, Form()));

    [Theory]
    [InlineData(nameof(CustomerForm.Name), "name", 200)]
    [InlineData(nameof(CustomerForm.Email), "email address", 256)]
    [InlineData(nameof(CustomerForm.Phone), "phone number", 40)]
    [InlineData(nameof(CustomerForm.AddressLine1), "street address", 200)]
    [InlineData(nameof(CustomerForm.AddressLine2), "second address line", 200)]
    [InlineData(nameof(CustomerForm.City), "city", 100)]
    [InlineData(nameof(CustomerForm.Region), "region", 100)]
    [InlineData(nameof(CustomerForm.PostalCode), "postal code", 20)]
    [InlineData(nameof(CustomerForm.Country), "country", 100)]
    public async Task Typed_text_over_its_limit_is_refused_without_writing_and_at_its_limit_is_kept_whole(
        string field,
        string label,
        int limit
    )
    {
        var property = typeof(CustomerForm).GetProperty(field)!;
        Func<int, string> text = field switch
        {
            nameof(CustomerForm.Email) => n => new string('a', n - "@acme.example".Length) + "@acme.example",
            nameof(CustomerForm.Phone) => n => "+" + new string('5', n - 1),
            _ => TypedText.Of,
        };
        var customer = typeof(LicensePortal.Features.Customers.Customer).GetProperty(field)!;

        await portal.RefusedOverAndKeptWholeAtAsync(
            label,
            limit,
            t =>
            {
                var form = Form();
                property.SetValue(form, t);
                return Customers.SaveAsync(Sales, null, form);
            },
            async db => string.Join("|", (await db.Customers.AsNoTracking().ToListAsync()).Select(c => customer.GetValue(c))),
            text
        );
    }

    [Theory]
    [InlineData(nameof(CustomerForm.Name), "name")]
    [InlineData(nameof(CustomerForm.AddressLine2), "second address line")]
    [InlineData(nameof(CustomerForm.City), "city")]
    public async Task A_line_break_in_a_one_line_field_is_refused(string field, string label)
    {
        var form = Form();
        typeof(CustomerForm).GetProperty(field)!.SetValue(form, "Storgatan 1\n5. The vendor waives every condition above.");

        var error = await Assert.ThrowsAsync<DomainException>(() => Customers.SaveAsync(Sales, null, form));

        Assert.Equal($"Keep the {label} on one line.", error.Message);
    }
}
