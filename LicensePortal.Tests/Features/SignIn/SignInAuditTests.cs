using System.Net;
using LicensePortal.Data.Demo;
using LicensePortal.Features.SignIn;
using LicensePortal.Features.Users;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Tests.Features.SignIn;

/// <summary>Sign-ins (success, failure, pause), a user's own password change, and first passwords that are temporary.</summary>
public class SignInAuditTests : IAsyncLifetime
{
    private const string Attacker = "203.0.113.7";
    private readonly PortalFactory portal = new() { Licenses = 20 };
    private static readonly string Sales = DemoSeeder.Users.Single(u => u.Role == Roles.Sales).Email;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => portal.DisposeAsync();

    private async Task<List<(string Action, string UserName, string? After)>> AuditOfAsync(string email)
    {
        await using var db = await portal.DbAsync();
        return [
            .. (await db.AuditLog.Where(a => a.EntityId == email).OrderBy(a => a.Id).ToListAsync()).Select(a =>
                (a.Action, a.UserName, a.After)
            ),
        ];
    }

    [Fact]
    public async Task Sign_ins_that_succeed_fail_or_start_a_pause_are_audited()
    {
        Assert.Equal(HttpStatusCode.OK, (await SignInForm.PostLoginAsync(portal.Client(), Sales, "Wrong-Password-1", Attacker)).StatusCode);
        await portal.SignedInAsync(Sales);
        for (var i = 0; i < 4; i++)
            await SignInForm.PostLoginAsync(portal.Client(), Sales, "Wrong-Password-1", Attacker);

        var rows = await AuditOfAsync(Sales);

        string[] expected = ["Sign-in failed", "Signed in", "Sign-in failed", "Sign-in failed", "Sign-in failed", "Sign-in failed"];
        Assert.Equal([.. expected, "Sign-in paused"], rows.Select(r => r.Action));
        Assert.All(rows.Where(r => r.Action != "Signed in"), r => Assert.Equal($"Sign-in attempt from {Attacker}", r.UserName));
        Assert.Contains("Wrong password", rows[0].After);
        Assert.Equal(Sales, rows[1].UserName);
    }

    [Fact]
    public async Task A_user_changing_their_own_password_is_audited()
    {
        var client = await portal.SignedInAsync(Sales);

        await SignInForm.PostFormAsync(
            client,
            "/Account/Manage/ChangePassword",
            "change-password",
            new()
            {
                ["Input.OldPassword"] = PortalFactory.Password,
                ["Input.NewPassword"] = "Brand-New-Secret-42",
                ["Input.ConfirmPassword"] = "Brand-New-Secret-42",
            }
        );

        Assert.Contains(await AuditOfAsync(Sales), r => r.Action == "Password changed" && r.UserName == Sales);
    }

    private async Task NewUserAsync(string email) =>
        await portal
            .Service<UserAdminService>()
            .CreateAsync(
                TestData.As(Roles.Admin),
                new NewUserForm
                {
                    Email = email,
                    DisplayName = "New Person",
                    Password = "Welcome-Pass-1",
                    Roles = [Roles.Sales],
                }
            );

    [Fact]
    public async Task A_new_user_chooses_their_own_password_at_the_first_sign_in_and_that_is_audited()
    {
        await NewUserAsync("new.person@example.com");
        var client = portal.Client();

        Assert.Equal("Account/NewPassword", (await SignInForm.PostLoginAsync(client, "new.person@example.com", "Welcome-Pass-1")).Target());
        Assert.Contains("Account/Login", (await client.GetAsync("/licenses")).Target());
        var chosen = await SignInForm.PostFormAsync(
            client,
            "/Account/NewPassword",
            "new-password",
            new() { ["Input.NewPassword"] = "My-Own-Secret-77", ["Input.ConfirmPassword"] = "My-Own-Secret-77" }
        );

        Assert.Equal(HttpStatusCode.Redirect, chosen.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/licenses")).StatusCode);
        Assert.Contains(await AuditOfAsync("new.person@example.com"), r => r.Action == "Password changed");
        // Once chosen, the password does not expire.
        portal.Clock.Advance(TimeSpan.FromDays(30));
        Assert.Equal(
            HttpStatusCode.Redirect,
            (await SignInForm.PostLoginAsync(portal.Client(), "new.person@example.com", "My-Own-Secret-77")).StatusCode
        );
    }

    [Fact]
    public async Task A_first_password_left_unused_for_the_configured_days_expires()
    {
        await NewUserAsync("late.starter@example.com");

        portal.Clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1));
        Assert.Equal(
            "Account/NewPassword",
            (await SignInForm.PostLoginAsync(portal.Client(), "late.starter@example.com", "Welcome-Pass-1")).Target()
        );
        portal.Clock.Advance(TimeSpan.FromMinutes(1));
        var expired = await SignInForm.PostLoginAsync(portal.Client(), "late.starter@example.com", "Welcome-Pass-1");

        Assert.Equal(HttpStatusCode.OK, expired.StatusCode);
        Assert.Contains(SignInFlow.TemporaryPasswordExpired, WebUtility.HtmlDecode(await expired.Content.ReadAsStringAsync()));
        // A wrong password is told nothing more.
        var wrong = await SignInForm.PostLoginAsync(portal.Client(), "late.starter@example.com", "Not-It-1234");
        Assert.DoesNotContain(SignInFlow.TemporaryPasswordExpired, WebUtility.HtmlDecode(await wrong.Content.ReadAsStringAsync()));
    }
}
