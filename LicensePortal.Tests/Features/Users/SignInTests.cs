using System.Net;
using LicensePortal.Components.Account.Pages;
using LicensePortal.Data.Demo;
using LicensePortal.Tests.Infrastructure;

namespace LicensePortal.Tests.Features.Users;

public class SignInTests : IAsyncLifetime
{
    private readonly PortalFactory portal = new();
    private static readonly string Sales = DemoSeeder.Users[0].Email;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;
    public ValueTask DisposeAsync() => portal.DisposeAsync();

    [Fact]
    public async Task A_wrong_password_says_so_without_telling_which_part_was_wrong()
    {
        var client = portal.Client();

        var wrongPassword = await (await SignIn.PostLoginAsync(client, Sales, "not-the-password")).Content.ReadAsStringAsync();
        var unknownEmail = await (await SignIn.PostLoginAsync(client, "nobody@example.com", "whatever-1A!")).Content.ReadAsStringAsync();

        Assert.Contains("The email or password is not correct.", wrongPassword);
        Assert.Contains("The email or password is not correct.", unknownEmail);
    }

    [Fact]
    public async Task Five_failed_sign_ins_lock_the_account_and_say_when_it_unlocks()
    {
        var client = portal.Client();
        for (var i = 0; i < 4; i++)
            Assert.Contains("not correct", await (await SignIn.PostLoginAsync(client, Sales, "wrong")).Content.ReadAsStringAsync());

        var fifth = await (await SignIn.PostLoginAsync(client, Sales, "wrong")).Content.ReadAsStringAsync();
        var rightPasswordNow = await SignIn.PostLoginAsync(client, Sales, PortalFactory.Password);

        Assert.Matches(@"This account is locked after too many failed sign-ins\. Try again at \d\d:\d\d UTC \(in 1[45] minutes\)", WebUtility.HtmlDecode(fifth));
        Assert.Equal(HttpStatusCode.OK, rightPasswordNow.StatusCode);
        Assert.Contains("This account is locked", await rightPasswordNow.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(14.5, "in 1 minute")]
    [InlineData(1, "in 14 minutes")]
    public void The_lockout_message_counts_the_minutes_left(double minutesPassed, string expected)
    {
        var end = PortalFactory.Now.AddMinutes(15);
        Assert.Contains(expected, Login.LockoutMessage(end, PortalFactory.Now.AddMinutes(minutesPassed)));
    }

    [Fact]
    public async Task A_user_changes_their_password_and_signs_in_with_the_new_one()
    {
        var client = await portal.SignedInAsync(Sales);
        var page = await client.GetStringAsync("/Account/Manage/ChangePassword");
        var fields = System.Text.RegularExpressions.Regex.Matches(page, """<input type="hidden" name="(?<n>[^"]+)" value="(?<v>[^"]*)" """)
            .ToDictionary(m => m.Groups["n"].Value, m => WebUtility.HtmlDecode(m.Groups["v"].Value));
        fields["Input.OldPassword"] = PortalFactory.Password;
        fields["Input.NewPassword"] = "Brand-New-Secret-42";
        fields["Input.ConfirmPassword"] = "Brand-New-Secret-42";

        var result = await (await client.PostAsync("/Account/Manage/ChangePassword", new FormUrlEncodedContent(fields))).Content.ReadAsStringAsync();

        Assert.Contains("Your password has been changed.", result);
        Assert.Equal(HttpStatusCode.Redirect, (await SignIn.PostLoginAsync(portal.Client(), Sales, "Brand-New-Secret-42")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SignIn.PostLoginAsync(portal.Client(), Sales, PortalFactory.Password)).StatusCode);
    }
}
