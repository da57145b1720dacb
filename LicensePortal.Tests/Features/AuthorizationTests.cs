using System.Net;
using LicensePortal.Data.Demo;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;

namespace LicensePortal.Tests.Features;

[Collection(SharedPortal.Name)]
public class AuthorizationTests(PortalFactory portal)
{
    /// <summary>Every page of the portal and the roles allowed on it.</summary>
    public static readonly (string Path, string[] Allowed)[] Pages =
    [
        ("/", [.. Roles.All]),
        ("/customers", [Roles.Sales, Roles.Manager]),
        ("/licenses", [Roles.Sales, Roles.Fraud, Roles.Manager]),
        ("/installations", [Roles.Fraud, Roles.Manager]),
        ("/management", [Roles.Manager]),
        ("/admin/users", [Roles.Admin]),
        ("/Account/Manage/ChangePassword", [.. Roles.All]),
        ("/catalog", [.. Roles.All]),
        ("/catalog/1", [.. Roles.All]),
        ("/catalog/1/price-lists/12.csv", [.. Roles.All]),
        ("/customers/1", [Roles.Sales, Roles.Manager]),
        ("/licenses/1", [Roles.Sales, Roles.Fraud, Roles.Manager]),
        ("/licenses/export.csv", [Roles.Sales, Roles.Fraud, Roles.Manager]),
        ("/quotes", [Roles.Sales, Roles.Manager]),
        ("/quotes/new?customer=1", [Roles.Sales, Roles.Manager]),
        ("/quotes/1", [Roles.Sales, Roles.Manager]),
        ("/protection", [Roles.Sales, Roles.Manager]),
        ("/protection?view=licenses&days=30", [Roles.Sales, Roles.Manager]),
        ("/outbox", [.. Roles.All]),
        ("/fraud/cases", [Roles.Fraud, Roles.Manager]),
        ("/transfers", [Roles.Sales, Roles.Fraud, Roles.Manager]),
        ("/transfers/approvals", [Roles.Manager]),
        ("/audit", [Roles.Manager, Roles.Admin]),
        ("/fraud/cases/1", [Roles.Fraud, Roles.Manager]),
    ];

    public static TheoryData<string, string, bool> Matrix()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (var user in DemoSeeder.Users)
            foreach (var (path, allowed) in Pages)
                data.Add(user.Role, path, allowed.Contains(user.Role));
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Each_role_opens_its_pages_and_is_refused_the_others(string role, string path, bool allowed)
    {
        var client = await portal.SignedInAsync(DemoSeeder.Users.Single(u => u.Role == role).Email);

        var response = await client.GetAsync(path);

        if (allowed)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        else
        {
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/Account/AccessDenied", response.Headers.Location!.PathAndQuery, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/licenses")]
    [InlineData("/admin/users")]
    [InlineData("/Account/Manage/ChangePassword")]
    [InlineData("/catalog")]
    [InlineData("/catalog/1/price-lists/12.csv")]
    public async Task Anonymous_users_are_sent_to_sign_in(string path)
    {
        var response = await portal.Client().GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/Login", response.Headers.Location!.PathAndQuery, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Sign_in_page_and_health_are_open_to_everyone()
    {
        var client = portal.Client();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Account/Login")).StatusCode);
        var health = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Contains("\"status\":\"Healthy\"", await health.Content.ReadAsStringAsync());
    }
}
