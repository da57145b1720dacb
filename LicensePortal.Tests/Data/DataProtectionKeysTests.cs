using System.Net;
using LicensePortal.Data;
using LicensePortal.Data.Demo;
using LicensePortal.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LicensePortal.Tests.Data;

public class DataProtectionKeysTests
{
    [Fact]
    public async Task A_sign_in_cookie_issued_before_a_restart_still_works_after_it()
    {
        var path = Path.Combine(Path.GetTempPath(), "licenseportal-tests", $"keys-{Guid.NewGuid():N}.db");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var keyFolder = path + ".keys"; // the key folder (the certificate) goes with the database, as operators keep it
        string cookie;
        await using (var before = new PortalFactory { Licenses = 10, DatabasePath = path, SigningKeyFolder = keyFolder })
        {
            var login = await SignInForm.PostLoginAsync(before.Client(), DemoSeeder.Users[0].Email, PortalFactory.Password);
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
            cookie = login.SignInCookie();
        }

        await using var after = new PortalFactory
        {
            DatabasePath = path,
            SigningKeyFolder = keyFolder,
            Settings = { ["Demo:Seed"] = "false" },
        };
        var response = await after.GetWithCookieAsync("/", cookie);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var db = await after.DbAsync();
        Assert.Equal(1, await db.DataProtectionKeys.CountAsync());
    }

    [Fact]
    public async Task The_key_ring_in_the_database_is_encrypted_with_a_certificate_kept_in_the_key_folder()
    {
        await using var portal = new PortalFactory { Licenses = 10 };
        await SignInForm.PostLoginAsync(portal.Client(), DemoSeeder.Users[0].Email, PortalFactory.Password);

        await using var db = await portal.DbAsync();
        var xml = Assert.Single(await db.DataProtectionKeys.Select(k => k.Xml).ToListAsync());
        Assert.Contains("<encryptedSecret", xml);
        Assert.DoesNotContain("<masterKey", xml);
        var certificate = Path.Combine(portal.SigningKeyFolder, DataProtectionSetup.CertificateFile);
        Assert.True(File.Exists(certificate));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(certificate));
    }

    /// <summary>A portal of the version before: the key ring is stored as the framework writes it without an encryptor.</summary>
    private sealed class UnencryptedPortal : PortalFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(s => s.PostConfigure<KeyManagementOptions>(o => o.XmlEncryptor = null));
        }
    }

    [Fact]
    public async Task An_unencrypted_key_of_the_version_before_still_reads_its_cookies_and_an_encrypted_key_signs_from_then_on()
    {
        var path = Path.Combine(Path.GetTempPath(), "licenseportal-tests", $"keys-{Guid.NewGuid():N}.db");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var keyFolder = path + ".keys";
        string cookie;
        int keysBefore;
        await using (var before = new UnencryptedPortal { Licenses = 10, DatabasePath = path, SigningKeyFolder = keyFolder })
        {
            cookie = (await SignInForm.PostLoginAsync(before.Client(), DemoSeeder.Users[0].Email, PortalFactory.Password)).SignInCookie();
            await using var db = await before.DbAsync();
            var old = await db.DataProtectionKeys.Select(k => k.Xml).ToListAsync();
            Assert.All(old, xml => Assert.Contains("<masterKey", xml));
            keysBefore = old.Count;
        }

        await using var after = new PortalFactory
        {
            DatabasePath = path,
            SigningKeyFolder = keyFolder,
            Settings = { ["Demo:Seed"] = "false" },
        };
        var response = await after.GetWithCookieAsync("/", cookie);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var keys = await after.DbAsync();
        var ring = await keys.DataProtectionKeys.OrderBy(k => k.Id).Select(k => k.Xml).ToListAsync();
        Assert.Equal(keysBefore + 1, ring.Count);
        Assert.Contains("<encryptedSecret", ring[^1]);
    }
}
