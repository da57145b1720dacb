using System.Security.Claims;
using LicensePortal.Infrastructure;
using MudBlazor;

namespace LicensePortal.Components.Layout;

public sealed record NavLinkItem(string Title, string Href, string Icon);

public sealed record NavSection(string Title, string Policy, IReadOnlyList<NavLinkItem> Links);

/// <summary>The work areas of the drawer; each is shown only to the roles its policy admits.</summary>
public static class NavSections
{
    public static readonly IReadOnlyList<NavSection> All =
    [
        new("Sales", Policies.Sales,
        [
            new("Customers", "/customers", Icons.Material.Outlined.Business),
            new("Licenses", "/licenses", Icons.Material.Outlined.VpnKey),
        ]),
        new("Fraud", Policies.Fraud,
        [
            new("Installations", "/installations", Icons.Material.Outlined.Dns),
        ]),
        new("Management", Policies.Manager,
        [
            new("Business overview", "/management", Icons.Material.Outlined.Insights),
        ]),
        new("Admin", Policies.Admin,
        [
            new("Users", "/admin/users", Icons.Material.Outlined.ManageAccounts),
        ]),
    ];

    public static IEnumerable<NavSection> For(ClaimsPrincipal user) =>
        All.Where(section => Policies.RolesFor[section.Policy].Any(user.IsInRole));
}
