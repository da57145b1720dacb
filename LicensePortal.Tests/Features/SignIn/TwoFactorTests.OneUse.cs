using System.Net;
using LicensePortal.Data;
using LicensePortal.Features.SignIn;
using LicensePortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LicensePortal.Tests.Features.SignIn;

/// <summary>Codes that work once, recovery codes that count, and set-up keys that nobody sees before the user.</summary>
public partial class TwoFactorTests
{
    private async Task<HttpResponseMessage> CodeAsync(string code, string? address = null)
    {
        var client = portal.Client();
        var password = await SignInForm.PostLoginAsync(client, Manager, PortalFactory.Password, address);
        Assert.StartsWith("Account/LoginWith2fa", password.Target());
        return await SignInForm.PostFormAsync(client, "/" + password.Target(), "login-with-2fa", new() { ["Input.Code"] = code }, address);
    }

    [Fact]
    public async Task An_authenticator_code_signs_in_once_and_a_replay_within_its_window_is_refused()
    {
        var (key, _, _) = await SetUpAsync(Manager);
        var code = CodeNow(key);

        Assert.Equal(HttpStatusCode.Redirect, (await CodeAsync(code)).StatusCode);
        var replay = await CodeAsync(code);

        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Contains(SignInFlow.WrongCode, WebUtility.HtmlDecode(await replay.Content.ReadAsStringAsync()));
        portal.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.Redirect, (await CodeAsync(CodeNow(key))).StatusCode);
    }

    [Fact]
    public async Task Wrong_recovery_codes_count_toward_the_pause_like_wrong_authenticator_codes()
    {
        var (_, codes, _) = await SetUpAsync(Manager);

        // From ten addresses, so no address is barred first: only the account's count of wrong codes can stop them.
        for (var i = 0; i < 10; i++)
        {
            var address = $"198.51.100.{i + 1}";
            var client = portal.Client();
            await SignInForm.PostLoginAsync(client, Manager, PortalFactory.Password, address);
            await SignInForm.PostFormAsync(
                client,
                "/Account/LoginWithRecoveryCode",
                "login-with-recovery-code",
                new() { ["Input.Code"] = "WRONG-CODE1" },
                address
            );
        }

        // Even with the password and a good recovery code, the account is paused now.
        var answer = await SignInForm.PostLoginAsync(portal.Client(), Manager, PortalFactory.Password, "192.0.2.44");
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Contains("sign-in to this account is paused", WebUtility.HtmlDecode(await answer.Content.ReadAsStringAsync()));
        Assert.NotEmpty(codes);
        await using var db = await portal.DbAsync();
        var manager = await db.Users.SingleAsync(u => u.Email == Manager);
        Assert.NotNull(manager.LockoutEnd);
        Assert.Contains(
            await db.AuditLog.Where(a => a.EntityId == Manager).Select(a => a.Action).ToListAsync(),
            a => a == "Sign-in paused"
        );
    }

    [Fact]
    public async Task Each_set_up_page_offers_a_fresh_key_and_none_is_stored_until_a_code_from_it_works()
    {
        var client = portal.Client();
        Assert.Equal("Account/SetUpAuthenticator", (await SignInForm.PostLoginAsync(client, Manager, PortalFactory.Password)).Target());
        // Whoever opened the page first (a welcome password, a shoulder) saw a key of that visit only.
        var seenFirst = await client.GetStringAsync("/Account/SetUpAuthenticator");
        var page = await client.GetStringAsync("/Account/SetUpAuthenticator");
        var (firstKey, key) = (KeyOf(seenFirst), KeyOf(page));
        Assert.NotEqual(firstKey, key);
        await using (var db = await portal.DbAsync())
        {
            var id = (await db.Users.SingleAsync(u => u.Email == Manager)).Id;
            Assert.False(await db.UserTokens.AnyAsync(t => t.UserId == id && t.Name == "AuthenticatorKey"));
        }

        // The first page's code does not fit the page shown now.
        var crossed = await SignInForm.PostPageFormAsync(
            client,
            "/Account/SetUpAuthenticator",
            page,
            "set-up-authenticator",
            new() { ["Input.Code"] = CodeNow(firstKey) }
        );
        Assert.Contains(SignInFlow.WrongCode, WebUtility.HtmlDecode(await crossed.Content.ReadAsStringAsync()));
        await SignInForm.PostPageFormAsync(
            client,
            "/Account/SetUpAuthenticator",
            page,
            "set-up-authenticator",
            new() { ["Input.Code"] = CodeNow(key) }
        );

        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var stored = await users.GetAuthenticatorKeyAsync((await users.FindByEmailAsync(Manager))!);
        Assert.Equal(key, stored);
    }

    private static string KeyOf(string page) => KeyShown().Match(page).Groups[1].Value.Replace(" ", "").ToUpperInvariant();
}
