using System.Net;
using LicensePortal.Data.Demo;
using LicensePortal.Features.SignIn;
using LicensePortal.Features.Users;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Tests.Features.SignIn;

public class SignInTests : IAsyncLifetime
{
    private const string Attacker = "203.0.113.7",
        Office = "198.51.100.20";
    private readonly PortalFactory portal = new();
    private static readonly string Sales = DemoSeeder.Users[0].Email;
    private static readonly string Admin = DemoSeeder.Users.Single(u => u.Role == Roles.Admin).Email;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => portal.DisposeAsync();

    private static async Task<string> TextAsync(Task<HttpResponseMessage> response) =>
        WebUtility.HtmlDecode(await (await response).Content.ReadAsStringAsync());

    [Fact]
    public async Task A_wrong_password_says_so_without_telling_which_part_was_wrong()
    {
        var client = portal.Client();

        var wrongPassword = await SignInForm.PostLoginAsync(client, Sales, "not-the-password");
        var unknownEmail = await SignInForm.PostLoginAsync(client, "nobody@example.com", "not-the-password");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (wrongPassword.StatusCode, unknownEmail.StatusCode));
        // The same page apart from the email typed back into the form and the per-request tokens.
        static string Comparable(string page, string email) =>
            System.Text.RegularExpressions.Regex.Replace(
                page.Replace(email, "EMAIL"),
                "(value|nonce|content)=\"[^\"]*\"|<!--Blazor-Server-Component-State:[^>]*-->|\"[A-Za-z0-9+/=_-]{40,}\"",
                ""
            );
        var (known, unknown) = (await TextAsync(Task.FromResult(wrongPassword)), await TextAsync(Task.FromResult(unknownEmail)));
        Assert.Contains(SignInFlow.Failure, known);
        Assert.Equal(Comparable(known, Sales), Comparable(unknown, "nobody@example.com"));
    }

    [Fact]
    public async Task Failed_sign_ins_bar_the_address_they_came_from_so_the_last_admin_still_gets_in_from_elsewhere()
    {
        var client = portal.Client();
        for (var i = 0; i < 5; i++)
            Assert.Contains(SignInFlow.Failure, await TextAsync(SignInForm.PostLoginAsync(client, Admin, "Wrong-Password-1", Attacker)));

        var rightPasswordFromAttacker = await SignInForm.PostLoginAsync(portal.Client(), Admin, PortalFactory.Password, Attacker);
        var rightPasswordFromOffice = await SignInForm.PostLoginAsync(portal.Client(), Admin, PortalFactory.Password, Office);

        Assert.Equal(HttpStatusCode.OK, rightPasswordFromAttacker.StatusCode);
        Assert.Contains(
            "Too many failed sign-ins for this account from your network. Try again in 15 minutes",
            await TextAsync(Task.FromResult(rightPasswordFromAttacker))
        );
        Assert.Equal(HttpStatusCode.Redirect, rightPasswordFromOffice.StatusCode);
        // Identity's own lockout is not used: the account itself was never locked.
        await using var db = await portal.DbAsync();
        Assert.Null((await db.Users.SingleAsync(u => u.Email == Admin)).LockoutEnd);

        portal.Clock.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(
            HttpStatusCode.Redirect,
            (await SignInForm.PostLoginAsync(portal.Client(), Admin, PortalFactory.Password, Attacker)).StatusCode
        );
    }

    [Fact]
    public async Task An_admin_sees_a_barred_account_among_the_locked_ones_and_unlocking_lets_the_user_in_again()
    {
        for (var i = 0; i < 5; i++)
            await SignInForm.PostLoginAsync(portal.Client(), Sales, "Wrong-Password-1", Office);
        var users = portal.Service<UserAdminService>();

        var (rows, total) = await users.ListAsync(
            TestData.As(Roles.Admin),
            new UserQuery(null, null, "Name", false, 0, 25, LockedOnly: true)
        );
        Assert.Equal(1, total);
        Assert.True(rows.Single().Barred);
        Assert.Equal(Sales, rows.Single().Email);

        await users.UnlockAsync(TestData.As(Roles.Admin), rows.Single().Id);

        Assert.Equal(
            HttpStatusCode.Redirect,
            (await SignInForm.PostLoginAsync(portal.Client(), Sales, PortalFactory.Password, Office)).StatusCode
        );
        Assert.Equal(
            0,
            (await users.ListAsync(TestData.As(Roles.Admin), new UserQuery(null, null, "Name", false, 0, 25, LockedOnly: true))).Total
        );
    }

    [Fact]
    public async Task An_account_that_does_not_exist_is_barred_the_same_way_so_the_answers_never_tell()
    {
        var client = portal.Client();
        var answers = new List<string>();
        foreach (var email in new[] { Sales, "nobody@example.com" })
        {
            for (var i = 0; i < 5; i++)
                await SignInForm.PostLoginAsync(client, email, "Wrong-Password-1", Attacker);
            answers.Add(await TextAsync(SignInForm.PostLoginAsync(client, email, "Wrong-Password-1", Attacker)));
        }

        Assert.All(answers, a => Assert.Contains("Too many failed sign-ins for this account from your network.", a));
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_the_client_address_comes_from_X_Forwarded_For_and_from_nobody_else()
    {
        const string proxy = "10.0.0.5";
        await using var proxied = new PortalFactory { Settings = { ["Security:TrustedProxies:0"] = proxy } };
        async Task<HttpResponseMessage> ThroughAsync(string peer, string forwardedFor, string password)
        {
            var client = proxied.Client();
            client.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
            return await SignInForm.PostLoginAsync(client, Admin, password, peer);
        }

        for (var i = 0; i < 5; i++)
            await ThroughAsync(proxy, Attacker, "Wrong-Password-1");

        Assert.Contains("Too many failed sign-ins", await TextAsync(ThroughAsync(proxy, Attacker, PortalFactory.Password)));
        Assert.Equal(HttpStatusCode.Redirect, (await ThroughAsync(proxy, Office, PortalFactory.Password)).StatusCode);
        // A peer that is not the proxy cannot claim another address: it is counted as itself.
        for (var i = 0; i < 5; i++)
            await ThroughAsync("198.51.100.99", Office, "Wrong-Password-1");
        Assert.Equal(HttpStatusCode.Redirect, (await ThroughAsync(proxy, Office, PortalFactory.Password)).StatusCode);
        Assert.Contains("Too many failed sign-ins", await TextAsync(ThroughAsync("198.51.100.99", Attacker, PortalFactory.Password)));
    }

    [Theory]
    [InlineData("//evil.example/steal")]
    [InlineData("/\\evil.example")]
    [InlineData("https://evil.example/")]
    public async Task A_return_address_outside_the_portal_is_never_followed(string returnUrl)
    {
        var client = portal.Client();
        var page = await client.GetStringAsync("/Account/Login");
        var response = await SignInForm.PostFormAsync(
            client,
            $"/Account/Login?ReturnUrl={Uri.EscapeDataString(returnUrl)}",
            "login",
            new() { ["Input.Email"] = Sales, ["Input.Password"] = PortalFactory.Password }
        );

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.DoesNotContain("evil", response.Headers.Location!.ToString());
    }

    [Fact]
    public async Task One_address_gets_a_limited_number_of_attempts_a_minute()
    {
        await using var limited = new PortalFactory { Settings = { ["SignIn:AttemptsPerAddressPerMinute"] = "3" } };
        var client = limited.Client();
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await SignInForm.PostLoginAsync(client, Sales, "Wrong-Password-1", Attacker)).StatusCode);

        var fourth = await SignInForm.PostLoginAsync(client, Sales, PortalFactory.Password, Attacker);

        Assert.Equal(HttpStatusCode.TooManyRequests, fourth.StatusCode);
        Assert.Contains(SignInFlow.TooMany, await TextAsync(Task.FromResult(fourth)));
        Assert.Equal(
            HttpStatusCode.Redirect,
            (await SignInForm.PostLoginAsync(limited.Client(), Sales, PortalFactory.Password, Office)).StatusCode
        );
        limited.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(
            HttpStatusCode.Redirect,
            (await SignInForm.PostLoginAsync(limited.Client(), Sales, PortalFactory.Password, Attacker)).StatusCode
        );
    }

    [Fact]
    public async Task After_an_admin_resets_a_password_the_user_chooses_their_own_before_getting_in()
    {
        await using (var db = await portal.DbAsync())
        {
            var id = (await db.Users.SingleAsync(u => u.Email == Sales)).Id;
            await portal.Service<UserAdminService>().ResetPasswordAsync(TestData.As(Roles.Admin), id, "Temporary-Pass-1");
        }
        var client = portal.Client();

        var signIn = await SignInForm.PostLoginAsync(client, Sales, "Temporary-Pass-1");
        Assert.Equal("Account/NewPassword", signIn.Target());
        // The pending sign-in opens nothing but the step it owes.
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/licenses")).StatusCode);
        Assert.Contains("Account/Login", (await client.GetAsync("/licenses")).Target());

        var same = await TextAsync(
            SignInForm.PostFormAsync(
                client,
                "/Account/NewPassword",
                "new-password",
                new() { ["Input.NewPassword"] = "Temporary-Pass-1", ["Input.ConfirmPassword"] = "Temporary-Pass-1" }
            )
        );
        Assert.Contains("Choose a password different from the one the administrator gave you.", same);
        var chosen = await SignInForm.PostFormAsync(
            client,
            "/Account/NewPassword",
            "new-password",
            new() { ["Input.NewPassword"] = "My-Own-Secret-77", ["Input.ConfirmPassword"] = "My-Own-Secret-77" }
        );

        Assert.Equal(HttpStatusCode.Redirect, chosen.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/licenses")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SignInForm.PostLoginAsync(portal.Client(), Sales, "Temporary-Pass-1")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await SignInForm.PostLoginAsync(portal.Client(), Sales, "My-Own-Secret-77")).StatusCode);
        Assert.NotEqual("Account/NewPassword", (await SignInForm.PostLoginAsync(portal.Client(), Sales, "My-Own-Secret-77")).Target());
        await using var after = await portal.DbAsync();
        Assert.False((await after.Users.SingleAsync(u => u.Email == Sales)).MustChangePassword);
    }

    [Fact]
    public async Task A_user_changes_their_password_and_signs_in_with_the_new_one()
    {
        var client = await portal.SignedInAsync(Sales);

        var result = await TextAsync(
            SignInForm.PostFormAsync(
                client,
                "/Account/Manage/ChangePassword",
                "change-password",
                new()
                {
                    ["Input.OldPassword"] = PortalFactory.Password,
                    ["Input.NewPassword"] = "Brand-New-Secret-42",
                    ["Input.ConfirmPassword"] = "Brand-New-Secret-42",
                }
            )
        );

        Assert.Contains("Your password has been changed.", result);
        Assert.Equal(HttpStatusCode.Redirect, (await SignInForm.PostLoginAsync(portal.Client(), Sales, "Brand-New-Secret-42")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SignInForm.PostLoginAsync(portal.Client(), Sales, PortalFactory.Password)).StatusCode);
    }

    [Fact]
    public async Task Signing_out_needs_the_antiforgery_token_so_another_site_cannot_sign_a_user_out()
    {
        var client = await portal.SignedInAsync(Sales);

        var crossSite = await client.PostAsync("/Account/Logout", new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, crossSite.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/licenses")).StatusCode);
        // A static page of the portal carries the signed-in user's token, as the layout's sign-out form does once live.
        var page = await client.GetStringAsync("/Account/Manage/ChangePassword");
        var token = System.Text.RegularExpressions.Regex
            .Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")
            .Groups[1]
            .Value;
        var signOut = await client.PostAsync(
            "/Account/Logout",
            new FormUrlEncodedContent([new("__RequestVerificationToken", WebUtility.HtmlDecode(token))])
        );
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Contains("Account/Login", (await client.GetAsync("/licenses")).Target());
    }
}
