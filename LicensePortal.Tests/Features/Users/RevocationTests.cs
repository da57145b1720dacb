using System.Security.Claims;
using LicensePortal.Data;
using LicensePortal.Data.Demo;
using LicensePortal.Features.Audit;
using LicensePortal.Features.Transfers;
using LicensePortal.Features.Users;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LicensePortal.Tests.Features.Users;

/// <summary>Revoked rights end at once in the services, whatever the open circuit's claims say; user changes are audited with the
/// change.</summary>
public class RevocationTests : IAsyncLifetime
{
    private readonly PortalFactory portal = new() { Licenses = 10 };
    private static readonly ClaimsPrincipal Admin = TestData.As(Roles.Admin);
    private static readonly ClaimsPrincipal Manager = TestData.As(Roles.Manager);
    private int transferId;

    public async ValueTask InitializeAsync()
    {
        var seller = await portal.NewCustomerAsync("Seller Hosting Ltd");
        var buyer = await portal.NewCustomerAsync("Buyer Networks GmbH");
        var license = await portal.NewLicenseAsync(seller.Id);
        transferId = await portal
            .Service<TransferService>()
            .RequestAsync(TestData.As(Roles.Sales), license.Id, buyer.Id, null, TransferKind.Transfer, "Sale");
    }

    public ValueTask DisposeAsync() => portal.DisposeAsync();

    private async Task<string> IdOfAsync(string email)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(email))!.Id;
    }

    private async Task<List<AuditEntry>> AuditAsync()
    {
        await using var db = await portal.DbAsync();
        return await db.AuditLog.Where(a => a.EntityType == "User").OrderBy(a => a.Id).ToListAsync();
    }

    [Fact]
    public async Task A_demoted_manager_holding_the_old_principal_can_no_longer_approve()
    {
        var users = portal.Service<UserAdminService>();
        await users.SetRolesAsync(Admin, await IdOfAsync(DemoSeeder.Users[2].Email), [Roles.Sales]);

        var error = await Assert.ThrowsAsync<DomainException>(() =>
            portal.Service<TransferService>().ApproveAsync(Manager, transferId, null)
        );

        Assert.Equal(CurrentRoles.ChangedMessage, error.Message);
    }

    [Fact]
    public async Task A_locked_manager_holding_the_old_principal_can_no_longer_approve()
    {
        var users = portal.Service<UserAdminService>();
        await users.LockAsync(Admin, await IdOfAsync(DemoSeeder.Users[2].Email));

        var error = await Assert.ThrowsAsync<DomainException>(() =>
            portal.Service<TransferService>().ApproveAsync(Manager, transferId, null)
        );

        Assert.Equal(CurrentRoles.ChangedMessage, error.Message);
    }

    [Fact]
    public async Task A_manager_still_in_role_approves()
    {
        await portal.Service<TransferService>().ApproveAsync(Manager, transferId, null);
    }

    [Fact]
    public async Task Each_user_change_writes_one_audit_row_with_actor_and_before_after()
    {
        var users = portal.Service<UserAdminService>();
        var fraud = await IdOfAsync(DemoSeeder.Users[1].Email);
        await users.CreateAsync(
            Admin,
            new NewUserForm
            {
                Email = "new.agent@example.com",
                DisplayName = "New Agent",
                Password = "Good-Password-1",
                Roles = [Roles.Fraud],
            }
        );
        await users.SetRolesAsync(Admin, fraud, [Roles.Fraud, Roles.Sales]);
        await users.LockAsync(Admin, fraud);
        await users.UnlockAsync(Admin, fraud);
        await users.ResetPasswordAsync(Admin, fraud, "Another-Good-1");

        var rows = await AuditAsync();

        Assert.Equal(
            [
                (
                    "User created",
                    "new.agent@example.com",
                    (string?)null,
                    "{\"Email\":\"new.agent@example.com\",\"DisplayName\":\"New Agent\",\"Roles\":\"Fraud\",\"MustChangePassword\":true}"
                ),
                ("Roles changed", DemoSeeder.Users[1].Email, "{\"Roles\":\"Fraud\"}", "{\"Roles\":\"Fraud, Sales\"}"),
                ("User locked", DemoSeeder.Users[1].Email, "{\"Locked\":false}", "{\"Locked\":true}"),
                ("User unlocked", DemoSeeder.Users[1].Email, "{\"Locked\":true}", "{\"Locked\":false}"),
                ("Password reset", DemoSeeder.Users[1].Email, null, "{\"PasswordReset\":true,\"MustChangePassword\":true}"),
            ],
            rows.Select(r => (r.Action, r.EntityId, r.Before, r.After))
        );
        Assert.All(rows, r => Assert.Equal(DemoSeeder.Users[3].Email, r.UserName));
    }

    [Fact]
    public async Task A_failing_user_change_writes_no_audit_row()
    {
        var users = portal.Service<UserAdminService>();
        var fraud = await IdOfAsync(DemoSeeder.Users[1].Email);

        await Assert.ThrowsAsync<DomainException>(() =>
            users.CreateAsync(
                Admin,
                new NewUserForm
                {
                    Email = DemoSeeder.Users[0].Email,
                    DisplayName = "Dup",
                    Password = "Good-Password-1",
                    Roles = [Roles.Fraud],
                }
            )
        );
        await Assert.ThrowsAsync<DomainException>(() => users.ResetPasswordAsync(Admin, fraud, "short"));
        await Assert.ThrowsAsync<DomainException>(async () =>
            await users.SetRolesAsync(Admin, await IdOfAsync(DemoSeeder.Users[3].Email), [Roles.Sales])
        );

        Assert.Empty(await AuditAsync());
    }
}
