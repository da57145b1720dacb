using AngleSharp.Dom;
using Bunit;
using LicensePortal.Features.Catalog;
using LicensePortal.Features.Customers;
using LicensePortal.Features.Transfers;
using LicensePortal.Features.Users;
using LicensePortal.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace LicensePortal.Tests.Components;

/// <summary>
/// Submitting a form shows every field's error at once, in the portal's words, keeps what was typed, and leaves the
/// browser's own validation out; numbers out of range are refused with the stated limit, never changed.
/// </summary>
public class FormValidationTests : BunitContext
{
    private readonly IRenderedComponent<MudDialogProvider> provider;

    public FormValidationTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        // Submits that fail validation never reach the services, so these are never called.
        Services.AddSingleton(new UserAdminService(null!, null!, null!, TimeProvider.System));
        Services.AddSingleton(new CustomerService(null!, null!, null!));
        Services.AddSingleton(new CatalogService(null!, null!));
        Services.AddSingleton(new TransferService(null!, null!, null!, null!, null!, null!));
        var auth = AddAuthorization();
        auth.SetAuthorized("admin@example.com");
        auth.SetRoles(Roles.Admin);
        Render<MudPopoverProvider>();
        provider = Render<MudDialogProvider>();
    }

    private async Task OpenAsync<TDialog>(DialogParameters<TDialog>? parameters = null)
        where TDialog : Microsoft.AspNetCore.Components.IComponent =>
        await provider.InvokeAsync(() => Services.GetRequiredService<IDialogService>().ShowAsync<TDialog>("Dialog", parameters ?? []));

    private IElement Input(string label) =>
        provider
            .FindAll(".mud-input-control")
            .Single(c => c.QuerySelector("label")?.TextContent.Trim() == label)
            .QuerySelector("input, textarea")!;

    /// <summary>Presses a dialog's submit button; it sits outside its form and names it with form="…", as in the browser.</summary>
    private void Click(string button)
    {
        var element = provider.FindAll("button").Single(b => b.TextContent.Trim() == button);
        Assert.Equal("submit", element.GetAttribute("type"));
        provider.Find($"form#{element.GetAttribute("form")}").Submit();
    }

    private IReadOnlyList<string> Errors() =>
        [
            .. provider
                .FindAll(".mud-input-helper-text.mud-input-error, [data-testid=roles-error]")
                // A field with a counter shows "0 / 50" after its message.
                .Select(e => System.Text.RegularExpressions.Regex.Replace(e.TextContent.Trim(), @"\d+ / \d+$", ""))
                .Where(t => t.Length > 0),
        ];

    private void AssertNoNativeValidation()
    {
        Assert.All(provider.FindAll("form"), f => Assert.True(f.HasAttribute("novalidate")));
        Assert.Empty(provider.FindAll("input[type=email], input[required], input[min], input[max], textarea[required]"));
    }

    [Fact]
    public async Task New_user_submitted_empty_shows_every_field_error_at_once()
    {
        await OpenAsync<NewUserDialog>();
        AssertNoNativeValidation();

        Click("Create user");

        provider.WaitForAssertion(() =>
            Assert.Equal(
                [
                    "Enter the user's email address.",
                    "Enter the user's full name.",
                    "Enter a first password for the user.",
                    "Choose at least one role.",
                ],
                Errors()
            )
        );
    }

    [Fact]
    public async Task New_user_with_a_bad_email_keeps_it_and_shows_it_beside_the_other_errors()
    {
        await OpenAsync<NewUserDialog>();
        Input("Email").Change("maria.example.com");

        Click("Create user");

        provider.WaitForAssertion(() =>
            Assert.Equal(
                [
                    "This is not a valid email address.",
                    "Enter the user's full name.",
                    "Enter a first password for the user.",
                    "Choose at least one role.",
                ],
                Errors()
            )
        );
        Assert.Equal("maria.example.com", Input("Email").GetAttribute("value"));
    }

    [Fact]
    public async Task A_field_is_checked_when_it_is_left()
    {
        await OpenAsync<NewUserDialog>();
        Input("Email").Change("not an email");
        Input("Email").Blur();

        provider.WaitForAssertion(() => Assert.Equal(["This is not a valid email address."], Errors()));
    }

    [Fact]
    public async Task An_empty_required_field_says_so_when_it_is_left_without_typing()
    {
        await OpenAsync<NewUserDialog>();
        Input("Full name").Blur();

        provider.WaitForAssertion(() => Assert.Equal(["Enter the user's full name."], Errors()));
    }

    [Fact]
    public async Task Customer_form_shows_every_missing_field_at_once_and_keeps_the_name()
    {
        await OpenAsync<CustomerDialog>();
        AssertNoNativeValidation();
        Input("Customer name").Change("Acme Mail GmbH");
        Input("Phone").Change("call me");

        Click("Save customer");

        provider.WaitForAssertion(() =>
            Assert.Equal(
                [
                    "Enter the licensing email address.",
                    "Use digits, spaces and + ( ) - . only, e.g. +1 503 555 0100 (6 to 40 characters).",
                    "Enter the street address.",
                    "Enter the city.",
                    "Enter the postal code.",
                    "Enter the country.",
                ],
                Errors()
            )
        );
        Assert.Equal("Acme Mail GmbH", Input("Customer name").GetAttribute("value"));
        Assert.Equal("call me", Input("Phone").GetAttribute("value"));
    }

    [Fact]
    public async Task Transfer_request_submitted_empty_shows_owner_and_reason_errors_together()
    {
        await OpenAsync(new DialogParameters<RequestTransferDialog> { { d => d.LicenseId, 1 } });
        AssertNoNativeValidation();

        Click("Request consent");

        provider.WaitForAssertion(() =>
            Assert.Equal(
                [
                    "Choose the new owner, or enter a new customer.",
                    "Give the reason for the transfer: it is printed on the consent letter.",
                ],
                Errors()
            )
        );
    }

    [Fact]
    public async Task A_lease_to_a_new_customer_shows_the_end_date_every_customer_field_and_the_reason_at_once()
    {
        await OpenAsync(new DialogParameters<RequestTransferDialog> { { d => d.LicenseId, 1 } });
        provider.FindAll("input[type=radio]")[1].Click();
        provider.Find("input[type=checkbox]").Change(true);
        Input("Customer name").Change("Lessee Hosting Ltd");
        Input("Reason (printed on the letter)").Change("Partner runs it for a year");

        Click("Request consent");

        provider.WaitForAssertion(() =>
            Assert.Equal(
                [
                    "Give the date the lease ends: the license returns to its owner then.",
                    "Enter the licensing email address.",
                    "Enter a phone number the fraud team can call.",
                    "Enter the street address.",
                    "Enter the city.",
                    "Enter the postal code.",
                    "Enter the country.",
                ],
                Errors()
            )
        );
        Assert.Equal("Lessee Hosting Ltd", Input("Customer name").GetAttribute("value"));
        Assert.Equal(
            "Partner runs it for a year",
            Input("Reason (printed on the letter)").GetAttribute("value") ?? Input("Reason (printed on the letter)").TextContent
        );
    }

    [Fact]
    public async Task A_release_major_of_0_is_refused_with_the_limit_and_not_changed_to_1()
    {
        await OpenAsync(
            new DialogParameters<ReleaseDialog>
            {
                { d => d.ProductId, 1 },
                { d => d.SuggestedMajor, 13 },
                { d => d.Today, new DateTime(2026, 11, 26) },
            }
        );
        Assert.Contains("1 or higher", provider.Markup);
        Input("Major").Change("0");
        Input("Minor").Change("-1");

        Click("Add release");

        provider.WaitForAssertion(() =>
            Assert.Equal(["The major version must be 1 or higher.", "The minor version can't be negative."], Errors())
        );
        Assert.Equal("0", Input("Major").GetAttribute("value"));
        Assert.Equal("-1", Input("Minor").GetAttribute("value"));
    }

    [Fact]
    public async Task Product_submitted_empty_shows_both_errors_at_once()
    {
        await OpenAsync<ProductDialog>();
        AssertNoNativeValidation();

        Click("Save");

        provider.WaitForAssertion(() =>
            Assert.Equal(["Enter a name for the product.", "Enter what a level counts, e.g. \"mailboxes\"."], Errors())
        );
    }
}
