using System.Security.Claims;
using LicensePortal.Data;
using LicensePortal.Data.Demo;
using LicensePortal.Features.Users;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LicensePortal.Tests.Features.Users;

public class UserAdminServiceTests : IAsyncLifetime
{
    private readonly PortalFactory portal = new() { Licenses = 10 };
    private UserAdminService Service => portal.Service<UserAdminService>();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => portal.DisposeAsync();

    private static ClaimsPrincipal Actor(string role) =>
        new(
            new ClaimsIdentity(
                [new Claim(ClaimTypes.Name, DemoSeeder.Users.First(u => u.Role == role).Email), new Claim(ClaimTypes.Role, role)],
                "test"
            )
        );

    private static readonly ClaimsPrincipal Admin = Actor(Roles.Admin);

    private async Task<string> IdOfAsync(string email)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(email))!.Id;
    }

    private static NewUserForm Form(string email = "new.agent@example.com", string password = "Good-Password-1") =>
        new()
        {
            Email = email,
            DisplayName = "New Agent",
            Password = password,
            Roles = [Roles.Fraud],
        };

    [Theory]
    [InlineData(Roles.Sales)]
    [InlineData(Roles.Fraud)]
    [InlineData(Roles.Manager)]
    public async Task Only_admins_may_manage_users(string role)
    {
        var actor = Actor(role);
        var admin = await IdOfAsync(DemoSeeder.Users[3].Email);

        await Assert.ThrowsAsync<DomainException>(() => Service.ListAsync(actor, new UserQuery(null, null, "Name", false, 0, 10)));
        await Assert.ThrowsAsync<DomainException>(() => Service.CreateAsync(actor, Form()));
        await Assert.ThrowsAsync<DomainException>(() => Service.SetRolesAsync(actor, admin, [Roles.Sales]));
        await Assert.ThrowsAsync<DomainException>(() => Service.LockAsync(actor, admin));
        await Assert.ThrowsAsync<DomainException>(() => Service.ResetPasswordAsync(actor, admin, "Another-Password-2"));
    }

    [Fact]
    public async Task An_admin_creates_a_user_who_then_appears_with_their_roles()
    {
        await Service.CreateAsync(Admin, Form());

        var (rows, total) = await Service.ListAsync(Admin, new UserQuery("new.agent", null, "Name", false, 0, 10));
        Assert.Equal(1, total);
        Assert.Equal([Roles.Fraud], rows[0].Roles);
    }

    [Theory]
    [InlineData("sales@demo.licenseportal.test", "Good-Password-1", nameof(NewUserForm.Email), "is already taken")]
    [InlineData("weak@example.com", "short", nameof(NewUserForm.Password), "at least 10 characters")]
    [InlineData("weak@example.com", "alllowercaseletters", nameof(NewUserForm.Password), "uppercase")]
    public async Task Bad_user_details_are_reported_on_their_field_and_save_nothing(
        string email,
        string password,
        string field,
        string message
    )
    {
        var before = (await Service.ListAsync(Admin, new UserQuery(null, null, "Name", false, 0, 50))).Total;

        var refused = await Assert.ThrowsAsync<DomainException>(() => Service.CreateAsync(Admin, Form(email, password)));

        Assert.Contains(message, refused.Fields[field]);
        Assert.Equal(before, (await Service.ListAsync(Admin, new UserQuery(null, null, "Name", false, 0, 50))).Total);
    }

    [Fact]
    public async Task A_taken_email_a_weak_password_and_no_role_are_all_reported_in_one_answer()
    {
        var refused = await Assert.ThrowsAsync<DomainException>(() =>
            Service.CreateAsync(
                Admin,
                new NewUserForm
                {
                    Email = "sales@demo.licenseportal.test",
                    DisplayName = "Twice",
                    Password = "short",
                    Roles = [],
                }
            )
        );

        Assert.Equal([nameof(NewUserForm.Email), nameof(NewUserForm.Password), nameof(NewUserForm.Roles)], refused.Fields.Keys.Order());
        Assert.Contains("is already taken", refused.Fields[nameof(NewUserForm.Email)]);
        Assert.Contains("at least 10 characters", refused.Fields[nameof(NewUserForm.Password)]);
        Assert.Equal("Choose at least one role.", refused.Fields[nameof(NewUserForm.Roles)]);
    }

    [Fact]
    public async Task The_last_admin_cannot_lose_the_admin_role_or_be_locked()
    {
        var admin = await IdOfAsync(DemoSeeder.Users[3].Email);

        var demote = await Assert.ThrowsAsync<DomainException>(() => Service.SetRolesAsync(Admin, admin, [Roles.Sales]));
        var locked = await Assert.ThrowsAsync<DomainException>(() => Service.LockAsync(Admin, admin));

        Assert.Contains("last admin", demote.Message);
        Assert.Contains("last admin", locked.Message);
        var (rows, _) = await Service.ListAsync(Admin, new UserQuery(DemoSeeder.Users[3].Email, null, "Name", false, 0, 10));
        Assert.Equal([Roles.Admin], rows[0].Roles);
        Assert.Null(rows[0].LockedUntilUtc);
    }

    [Fact]
    public async Task With_a_second_admin_the_first_may_step_down()
    {
        await Service.CreateAsync(
            Admin,
            new NewUserForm
            {
                Email = "second.admin@example.com",
                DisplayName = "Second",
                Password = "Good-Password-1",
                Roles = [Roles.Admin],
            }
        );
        var first = await IdOfAsync(DemoSeeder.Users[3].Email);

        await Service.SetRolesAsync(Admin, first, [Roles.Manager]);
        // The first admin's old principal no longer counts (CurrentRoles): the second admin is the one left.
        var second = TestData.As(Roles.Admin, "second.admin@example.com");
        var secondId = await IdOfAsync("second.admin@example.com");
        Assert.Contains("last admin", (await Assert.ThrowsAsync<DomainException>(() => Service.LockAsync(second, secondId))).Message);
    }

    [Fact]
    public async Task Locking_stops_sign_in_and_unlocking_restores_it()
    {
        var sales = DemoSeeder.Users[0].Email;
        var id = await IdOfAsync(sales);

        await Service.LockAsync(Admin, id);
        Assert.Contains(
            "This account is locked. Ask an administrator to unlock it.",
            await (await SignInForm.PostLoginAsync(portal.Client(), sales, PortalFactory.Password)).Content.ReadAsStringAsync()
        );
        // Only someone with the password learns that the account is locked (and so that it exists).
        Assert.Contains(
            "The email or password is not correct.",
            await (await SignInForm.PostLoginAsync(portal.Client(), sales, "Not-The-Password-1")).Content.ReadAsStringAsync()
        );

        await Service.UnlockAsync(Admin, id);
        Assert.Equal(
            System.Net.HttpStatusCode.Redirect,
            (await SignInForm.PostLoginAsync(portal.Client(), sales, PortalFactory.Password)).StatusCode
        );
    }

    [Fact]
    public async Task A_reset_password_replaces_the_old_one_and_a_weak_one_is_refused()
    {
        var sales = DemoSeeder.Users[0].Email;
        var id = await IdOfAsync(sales);

        Assert.Contains(
            "at least 10",
            (await Assert.ThrowsAsync<DomainException>(() => Service.ResetPasswordAsync(Admin, id, "weak"))).Fields["Password"]
        );
        await Service.ResetPasswordAsync(Admin, id, "Reset-Password-9");

        // The reset password opens only the page where the user chooses their own (SignInTests).
        Assert.Equal("Account/NewPassword", (await SignInForm.PostLoginAsync(portal.Client(), sales, "Reset-Password-9")).Target());
    }

    [Theory]
    [InlineData(nameof(NewUserForm.Email), "email address", NewUserForm.MaxEmailLength)]
    [InlineData(nameof(NewUserForm.DisplayName), "name", NewUserForm.MaxNameLength)]
    [InlineData(nameof(NewUserForm.Title), "title", NewUserForm.MaxNameLength)]
    public async Task Typed_text_over_its_limit_is_refused_without_writing_and_at_its_limit_is_kept_whole(
        string field,
        string label,
        int limit
    )
    {
        string Text(int n) =>
            field == nameof(NewUserForm.Email) ? new string('a', n - "@example.com".Length) + "@example.com" : TypedText.Of(n);
        NewUserForm With(int n)
        {
            var form = Form();
            typeof(NewUserForm).GetProperty(field)!.SetValue(form, Text(n));
            return form;
        }
        await using var db = await portal.DbAsync();
        var (users, audit) = (db.Users.Count(), db.AuditLog.Count());

        var refused = await Assert.ThrowsAsync<DomainException>(() => Service.CreateAsync(Admin, With(limit + 1)));

        Assert.Equal(TextLimit.Message(label, limit), refused.Fields[field]);
        Assert.Equal((users, audit), (db.Users.Count(), db.AuditLog.Count()));

        await Service.CreateAsync(Admin, With(limit));
        var email = With(limit).Email;
        var created = db.Users.AsNoTracking().Single(u => u.Email == email);
        Assert.Equal(
            Text(limit),
            field switch
            {
                nameof(NewUserForm.Email) => created.Email,
                nameof(NewUserForm.DisplayName) => created.DisplayName,
                _ => created.Title,
            }
        );
    }
}
