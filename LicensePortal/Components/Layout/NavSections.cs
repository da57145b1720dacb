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
        new(
            "Sales",
            Policies.Sales,
            [
                new("Customers", "/customers", Icons.Material.Outlined.Business),
                new("Licenses", "/licenses", Icons.Material.Outlined.VpnKey),
                new("Quotes", "/quotes", Icons.Material.Outlined.RequestQuote),
                new("Protection ending", "/protection", Icons.Material.Outlined.EventRepeat),
                new("Transfers", "/transfers", Icons.Material.Outlined.SwapHoriz),
                new("Outbox", "/outbox", Icons.Material.Outlined.Outbox),
            ]
        ),
        new(
            "Fraud",
            Policies.Fraud,
            [
                new("Fraud cases", "/fraud/cases", Icons.Material.Outlined.ReportProblem),
                new("Installations", "/installations", Icons.Material.Outlined.Dns),
                new("Licenses", "/licenses", Icons.Material.Outlined.VpnKey),
                new("Transfers", "/transfers", Icons.Material.Outlined.SwapHoriz),
                new("Outbox", "/outbox", Icons.Material.Outlined.Outbox),
            ]
        ),
        new(
            "Management",
            Policies.Manager,
            [
                new("Dashboard", "/management", Icons.Material.Outlined.Insights),
                new("Approvals", "/transfers/approvals", Icons.Material.Outlined.FactCheck),
                new("Audit log", "/audit", Icons.Material.Outlined.History),
            ]
        ),
        new(
            "Admin",
            Policies.Admin,
            [
                new("Users", "/admin/users", Icons.Material.Outlined.ManageAccounts),
                new("Audit log", "/audit", Icons.Material.Outlined.History),
                new("Outbox", "/outbox", Icons.Material.Outlined.Outbox),
            ]
        ),
        new("Catalog", Policies.Staff, [new("Products & prices", "/catalog", Icons.Material.Outlined.Inventory2)]),
    ];

    /// <summary>The sections the user may see; a link already shown in an earlier section is not repeated.</summary>
    public static IEnumerable<NavSection> For(ClaimsPrincipal user)
    {
        var shown = new HashSet<string>();
        foreach (var section in All.Where(s => user.Allows(s.Policy)))
        {
            var links = section.Links.Where(l => shown.Add(l.Href)).ToList();
            if (links.Count > 0)
                yield return section with
                {
                    Links = links,
                };
        }
    }
}
