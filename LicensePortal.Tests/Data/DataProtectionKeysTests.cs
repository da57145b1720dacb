using System.Net;
using LicensePortal.Data.Demo;
using LicensePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Tests.Data;

public class DataProtectionKeysTests
{
    [Fact]
    public async Task A_sign_in_cookie_issued_before_a_restart_still_works_after_it()
    {
        var path = Path.Combine(Path.GetTempPath(), "licenseportal-tests", $"keys-{Guid.NewGuid():N}.db");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string cookie;
        await using (var before = new PortalFactory { Licenses = 10, DatabasePath = path })
        {
            var login = await SignInForm.PostLoginAsync(before.Client(), DemoSeeder.Users[0].Email, PortalFactory.Password);
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
            cookie = login.SignInCookie();
        }

        await using var after = new PortalFactory { DatabasePath = path, Settings = { ["Demo:Seed"] = "false" } };
        var response = await after.GetWithCookieAsync("/", cookie);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var db = await after.DbAsync();
        Assert.Equal(1, await db.DataProtectionKeys.CountAsync());
    }
}
