using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using LicensePortal.Data;
using LicensePortal.Features.SignIn;
using LicensePortal.Features.Users;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LicensePortal.Tests.Features.SignIn;

/// <summary>Two-factor sign-in as production runs it: required for managers and admins, optional for the others.</summary>
public partial class TwoFactorTests : IAsyncLifetime
{
    private readonly PortalFactory portal = new() { Settings = { ["SignIn:TwoFactorRequiredFor"] = "Manager,Admin" } };
    private static readonly string Manager = BrowserPortal.Email(Roles.Manager),
        Sales = BrowserPortal.Email(Roles.Sales);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => portal.DisposeAsync();

    private static async Task<string> TextAsync(Task<HttpResponseMessage> response) =>
        WebUtility.HtmlDecode(await (await response).Content.ReadAsStringAsync());

    /// <summary>The first sign-in of a manager: password, then the authenticator set up; returns the key and the recovery codes.</summary>
    private async Task<(string Key, string[] Codes, HttpClient Client)> SetUpAsync(string email)
    {
        var client = portal.Client();
        Assert.Equal("Account/SetUpAuthenticator", (await SignInForm.PostLoginAsync(client, email, PortalFactory.Password)).Target());
        var page = await client.GetStringAsync("/Account/SetUpAuthenticator");
        var key = KeyShown().Match(page).Groups[1].Value.Replace(" ", "");
        var done = await TextAsync(
            SignInForm.PostPageFormAsync(
                client,
                "/Account/SetUpAuthenticator",
                page,
                "set-up-authenticator",
                new() { ["Input.Code"] = CodeNow(key) }
            )
        );
        var codes = RecoveryCodeShown().Matches(done).Select(m => m.Groups[1].Value).ToArray();
        // The code that set it up is spent: the next one the app shows comes 30 seconds later.
        portal.Clock.Advance(TimeSpan.FromSeconds(30));
        return (key, codes, client);
    }

    /// <summary>The code the app shows now, on the portal's clock.</summary>
    private string CodeNow(string key) => Totp.Code(key, portal.Clock.GetUtcNow());

    private static string Wrong(string code) => ((int.Parse(code) + 1) % 1_000_000).ToString("D6");

    [Fact]
    public async Task A_manager_sets_up_an_authenticator_at_the_first_sign_in_and_gets_in_only_once_it_works()
    {
        var client = portal.Client();
        Assert.Equal("Account/SetUpAuthenticator", (await SignInForm.PostLoginAsync(client, Manager, PortalFactory.Password)).Target());
        // The password alone opens nothing.
        Assert.Contains("Account/Login", (await client.GetAsync("/transfers")).Target());
        var page = await client.GetStringAsync("/Account/SetUpAuthenticator");
        var key = KeyShown().Match(page).Groups[1].Value.Replace(" ", "");
        Assert.Contains("<svg", page);

        var wrong = await TextAsync(
            SignInForm.PostPageFormAsync(
                client,
                "/Account/SetUpAuthenticator",
                page,
                "set-up-authenticator",
                new() { ["Input.Code"] = Wrong(CodeNow(key)) }
            )
        );
        Assert.Contains(SignInFlow.WrongCode, wrong);
        Assert.Contains("Account/Login", (await client.GetAsync("/transfers")).Target());

        var done = await TextAsync(
            SignInForm.PostPageFormAsync(
                client,
                "/Account/SetUpAuthenticator",
                page,
                "set-up-authenticator",
                new() { ["Input.Code"] = CodeNow(key) }
            )
        );

        Assert.Equal(10, RecoveryCodeShown().Matches(done).Count);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/transfers")).StatusCode);
        await using var db = await portal.DbAsync();
        Assert.True((await db.Users.SingleAsync(u => u.Email == Manager)).TwoFactorEnabled);
        Assert.Contains(
            await db.AuditLog.Where(a => a.EntityId == Manager).Select(a => a.Action).ToListAsync(),
            a => a == "Two-factor sign-in turned on"
        );
    }

    [Fact]
    public async Task Once_set_up_sign_in_asks_for_the_code_and_wrong_codes_count_as_failures()
    {
        var (key, _, _) = await SetUpAsync(Manager);
        var client = portal.Client();

        var password = await SignInForm.PostLoginAsync(client, Manager, PortalFactory.Password);
        Assert.StartsWith("Account/LoginWith2fa", password.Target());
        Assert.Contains("Account/Login", (await client.GetAsync("/transfers")).Target());
        var codePage = "/" + password.Target();
        Assert.Contains(
            SignInFlow.WrongCode,
            await TextAsync(SignInForm.PostFormAsync(client, codePage, "login-with-2fa", new() { ["Input.Code"] = Wrong(CodeNow(key)) }))
        );
        var right = await SignInForm.PostFormAsync(client, codePage, "login-with-2fa", new() { ["Input.Code"] = CodeNow(key) });

        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/transfers")).StatusCode);

        // Guessing codes is barred like guessing passwords.
        var guesser = portal.Client();
        await SignInForm.PostLoginAsync(guesser, Manager, PortalFactory.Password);
        for (var i = 0; i < 5; i++)
            await SignInForm.PostFormAsync(guesser, codePage, "login-with-2fa", new() { ["Input.Code"] = Wrong(CodeNow(key)) });
        Assert.Contains(
            "Too many failed sign-ins",
            await TextAsync(SignInForm.PostFormAsync(guesser, codePage, "login-with-2fa", new() { ["Input.Code"] = CodeNow(key) }))
        );
    }

    [Fact]
    public async Task A_recovery_code_signs_in_once()
    {
        var (_, codes, _) = await SetUpAsync(Manager);

        async Task<HttpResponseMessage> WithRecoveryCodeAsync(string code)
        {
            var client = portal.Client();
            await SignInForm.PostLoginAsync(client, Manager, PortalFactory.Password);
            return await SignInForm.PostFormAsync(
                client,
                "/Account/LoginWithRecoveryCode",
                "login-with-recovery-code",
                new() { ["Input.Code"] = code }
            );
        }

        Assert.Equal(HttpStatusCode.Redirect, (await WithRecoveryCodeAsync(codes[0])).StatusCode);
        Assert.Contains(SignInFlow.WrongRecoveryCode, await TextAsync(WithRecoveryCodeAsync(codes[0])));
        Assert.Equal(HttpStatusCode.Redirect, (await WithRecoveryCodeAsync(codes[1])).StatusCode);
    }

    [Fact]
    public async Task Roles_that_do_not_require_it_sign_in_with_the_password_and_may_turn_it_on_and_off()
    {
        var client = portal.Client();
        var signIn = await SignInForm.PostLoginAsync(client, Sales, PortalFactory.Password);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.DoesNotContain("Account/", signIn.Target());

        var page = await client.GetStringAsync("/Account/Manage/TwoFactor");
        var key = KeyShown().Match(page).Groups[1].Value.Replace(" ", "");
        var on = await TextAsync(
            SignInForm.PostPageFormAsync(
                client,
                "/Account/Manage/TwoFactor",
                page,
                "enable-authenticator",
                new() { ["Input.Code"] = CodeNow(key) }
            )
        );
        Assert.Equal(10, RecoveryCodeShown().Matches(on).Count);
        portal.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.StartsWith(
            "Account/LoginWith2fa",
            (await SignInForm.PostLoginAsync(portal.Client(), Sales, PortalFactory.Password)).Target()
        );

        // The page still works for the session that turned it on (its cookie was renewed with the new stamp).
        var withoutCode = await TextAsync(
            SignInForm.PostFormAsync(
                client,
                "/Account/Manage/TwoFactor?Confirm=off",
                "turn-off",
                new() { ["TurnOff.Code"] = Wrong(CodeNow(key)) }
            )
        );
        Assert.Contains(SignInFlow.WrongCode, withoutCode);
        var off = await TextAsync(
            SignInForm.PostFormAsync(
                client,
                "/Account/Manage/TwoFactor?Confirm=off",
                "turn-off",
                new() { ["TurnOff.Code"] = CodeNow(key) }
            )
        );
        Assert.Contains("Two-factor sign-in is off.", off);
        Assert.DoesNotContain("Account/", (await SignInForm.PostLoginAsync(portal.Client(), Sales, PortalFactory.Password)).Target());
    }

    [Fact]
    public async Task A_manager_cannot_turn_it_off_but_an_admin_can_reset_it_for_a_lost_phone()
    {
        var (_, _, client) = await SetUpAsync(Manager);
        var page = await client.GetStringAsync("/Account/Manage/TwoFactor?Confirm=off");
        Assert.DoesNotContain("Yes, turn it off", page);
        Assert.Contains("Your role requires two-factor sign-in", page);

        await using var db = await portal.DbAsync();
        var id = (await db.Users.SingleAsync(u => u.Email == Manager)).Id;
        await Assert.ThrowsAsync<DomainException>(() =>
            portal.Service<UserAdminService>().ResetTwoFactorAsync(TestData.As(Roles.Manager), id)
        );
        await portal.Service<UserAdminService>().ResetTwoFactorAsync(TestData.As(Roles.Admin), id);

        // The manager's session ends at its next check (every minute); the next sign-in sets up a new authenticator.
        portal.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Contains("Account/Login", (await client.GetAsync("/transfers")).Target());
        Assert.Equal(
            "Account/SetUpAuthenticator",
            (await SignInForm.PostLoginAsync(portal.Client(), Manager, PortalFactory.Password)).Target()
        );
        await using var after = await portal.DbAsync();
        Assert.Contains(
            await after.AuditLog.Where(a => a.EntityId == Manager).Select(a => a.Action).ToListAsync(),
            a => a == "Two-factor sign-in reset"
        );
    }

    [Fact]
    public async Task An_open_circuit_of_a_manager_without_two_factor_ends_at_the_next_revalidation()
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var factory = scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<ApplicationUser>>();
        var provider = scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>();
        var validate = provider.GetType().GetMethod("ValidateAuthenticationStateAsync", BindingFlags.Instance | BindingFlags.NonPublic)!;

        async Task<bool> StillValidAsync(string email)
        {
            var principal = await factory.CreateAsync((await users.FindByEmailAsync(email))!);
            return await (Task<bool>)validate.Invoke(provider, [new AuthenticationState(principal), CancellationToken.None])!;
        }

        Assert.False(await StillValidAsync(Manager));
        Assert.True(await StillValidAsync(Sales));
    }

    [Fact]
    public async Task A_reset_password_cannot_be_skipped_by_going_straight_to_the_authenticator_set_up()
    {
        await using (var db = await portal.DbAsync())
        {
            var id = (await db.Users.SingleAsync(u => u.Email == Manager)).Id;
            await portal.Service<UserAdminService>().ResetPasswordAsync(TestData.As(Roles.Admin), id, "Temporary-Pass-1");
        }
        var client = portal.Client();
        Assert.Equal("Account/NewPassword", (await SignInForm.PostLoginAsync(client, Manager, "Temporary-Pass-1")).Target());

        var skipped = await TextAsync(client.GetAsync("/Account/SetUpAuthenticator"));
        Assert.Contains(SignInFlow.Expired, skipped);
        Assert.DoesNotContain("authenticator-key", skipped);
        Assert.Contains("Account/Login", (await client.GetAsync("/transfers")).Target());

        // In order, both steps work: a new password, then the authenticator.
        var chosen = await SignInForm.PostFormAsync(
            client,
            "/Account/NewPassword",
            "new-password",
            new() { ["Input.NewPassword"] = "My-Own-Secret-77", ["Input.ConfirmPassword"] = "My-Own-Secret-77" }
        );
        Assert.Equal("Account/SetUpAuthenticator", chosen.Target());
        var setUp = await client.GetStringAsync("/Account/SetUpAuthenticator");
        var key = KeyShown().Match(setUp).Groups[1].Value.Replace(" ", "");
        await SignInForm.PostPageFormAsync(
            client,
            "/Account/SetUpAuthenticator",
            setUp,
            "set-up-authenticator",
            new() { ["Input.Code"] = CodeNow(key) }
        );
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/transfers")).StatusCode);
    }

    [Fact]
    public async Task Typing_the_password_again_does_not_reset_the_count_of_wrong_codes()
    {
        var (key, _, _) = await SetUpAsync(Manager);
        var guesser = portal.Client();
        var codePage = "/" + (await SignInForm.PostLoginAsync(guesser, Manager, PortalFactory.Password)).Target();
        for (var i = 0; i < 4; i++)
            Assert.Contains(
                SignInFlow.WrongCode,
                await TextAsync(
                    SignInForm.PostFormAsync(guesser, codePage, "login-with-2fa", new() { ["Input.Code"] = Wrong(CodeNow(key)) })
                )
            );

        var again = await TextAsync(SignInForm.PostLoginAsync(guesser, Manager, PortalFactory.Password));

        Assert.Contains("Too many failed sign-ins for this account from your network.", again);
    }

    [Fact]
    public async Task A_leftover_half_finished_sign_in_is_forgotten_when_the_sign_in_page_opens_again()
    {
        var client = portal.Client();
        Assert.Equal("Account/SetUpAuthenticator", (await SignInForm.PostLoginAsync(client, Manager, PortalFactory.Password)).Target());

        await client.GetAsync("/Account/Login");

        Assert.Contains(SignInFlow.Expired, await TextAsync(client.GetAsync("/Account/SetUpAuthenticator")));
    }

    [Theory]
    [InlineData("ab12c-de34f", "AB12C-DE34F")]
    [InlineData("AB12CDE34F", "AB12C-DE34F")]
    [InlineData(" ab12c de34f ", "AB12C-DE34F")]
    public void A_recovery_code_is_read_whatever_its_case_spaces_or_dash(string typed, string code) =>
        Assert.Equal(code, SignInFlow.RecoveryCode(typed));

    [Fact]
    public async Task The_two_factor_page_is_only_for_someone_signed_in()
    {
        var anonymous = await portal.Client().GetAsync("/Account/Manage/TwoFactor");

        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Contains("Account/Login", anonymous.Target());
    }

    [Fact]
    public async Task A_session_from_before_two_factor_was_required_ends_at_its_next_request()
    {
        var path = Path.Combine(Path.GetTempPath(), "licenseportal-tests", $"two-factor-{Guid.NewGuid():N}.db");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string cookie;
        await using (var before = new PortalFactory { Licenses = 10, DatabasePath = path, SigningKeyFolder = path + ".keys" })
        {
            var login = await SignInForm.PostLoginAsync(before.Client(), Manager, PortalFactory.Password);
            cookie = login.SignInCookie();
        }
        await using var after = new PortalFactory
        {
            DatabasePath = path,
            SigningKeyFolder = path + ".keys",
            Settings = { ["Demo:Seed"] = "false", ["SignIn:TwoFactorRequiredFor"] = "Manager,Admin" },
        };

        // A download outside any live page: the cookie no longer opens it.
        var response = await after.GetWithCookieAsync("/licenses/export.csv", cookie);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("Account/Login", response.Target());
    }

    [GeneratedRegex("""data-testid="authenticator-key">([^<]+)<""")]
    private static partial Regex KeyShown();

    [GeneratedRegex("""<li><code>([^<]+)</code></li>""")]
    private static partial Regex RecoveryCodeShown();
}
