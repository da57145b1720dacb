using Bunit;
using LicensePortal.Components.Layout;
using LicensePortal.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace LicensePortal.Tests.Components;

public class NavMenuTests : BunitContext
{
    public NavMenuTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
    }

    public static TheoryData<string, string[], string[]> Cases =>
        new()
        {
            {
                Roles.Sales,
                ["Sales", "Catalog"],
                ["Customers", "Licenses", "Quotes", "Protection ending", "Transfers", "Outbox", "Products & prices"]
            },
            { Roles.Fraud, ["Fraud", "Catalog"], ["Fraud cases", "Installations", "Licenses", "Transfers", "Outbox", "Products & prices"] },
            {
                Roles.Manager,
                ["Sales", "Fraud", "Management", "Catalog"],
                [
                    "Customers",
                    "Licenses",
                    "Quotes",
                    "Protection ending",
                    "Transfers",
                    "Outbox",
                    "Fraud cases",
                    "Installations",
                    "Dashboard",
                    "Approvals",
                    "Audit log",
                    "Products & prices",
                ]
            },
            { Roles.Admin, ["Admin", "Catalog"], ["Users", "Audit log", "Outbox", "Products & prices"] },
        };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_drawer_shows_only_the_work_areas_of_the_role(string role, string[] sections, string[] links)
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("someone@example.com");
        auth.SetRoles(role);

        var menu = Render<NavMenu>();

        Assert.Equal(sections, menu.FindAll("[data-testid=nav-section]").Select(e => e.TextContent.Trim()));
        Assert.Equal(links.Distinct(), links);
        Assert.Equal(["Home", .. links], menu.FindAll("a").Select(a => a.TextContent.Trim()));
    }

    [Fact]
    public void Someone_with_no_role_sees_only_home()
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("someone@example.com");

        var menu = Render<NavMenu>();

        Assert.Empty(menu.FindAll("[data-testid=nav-section]"));
        Assert.Equal(["Home"], menu.FindAll("a").Select(a => a.TextContent.Trim()));
    }

    [Theory]
    [InlineData("/transfers/approvals", "Approvals")]
    [InlineData("/transfers", "Transfers")]
    [InlineData("/licenses/42", "Licenses")]
    [InlineData("/", "Home")]
    public void Only_the_most_specific_link_to_the_page_is_marked_current(string path, string current)
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("someone@example.com");
        auth.SetRoles(Roles.Manager);
        Services.GetRequiredService<Bunit.TestDoubles.BunitNavigationManager>().NavigateTo(path);

        var menu = Render<NavMenu>();

        Assert.Equal([current], menu.FindAll("a[aria-current=page]").Select(a => a.TextContent.Trim()));
    }
}
