using System.Net;
using LicensePortal.Data;
using LicensePortal.Features.SignIn;
using LicensePortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LicensePortal.Tests.Features.SignIn;

/// <summary>The two-factor secrets at rest: what someone reading the database or a backup finds.</summary>
public partial class TwoFactorTests
{
    private async Task<(string? Key, string? Codes)> StoredSecretsAsync(string email)
    {
        await using var db = await portal.DbAsync();
        var id = (await db.Users.SingleAsync(u => u.Email == email)).Id;
        var tokens = await db.UserTokens.Where(t => t.UserId == id && t.LoginProvider == TwoFactorSecrets.StoreProvider).ToListAsync();
        return (
            tokens.SingleOrDefault(t => t.Name == TwoFactorSecrets.KeyName)?.Value,
            tokens.SingleOrDefault(t => t.Name == TwoFactorSecrets.CodesName)?.Value
        );
    }

    [Fact]
    public async Task The_database_holds_neither_the_authenticator_key_nor_a_recovery_code_in_plain()
    {
        var (key, codes, _) = await SetUpAsync(Manager);

        var (storedKey, storedCodes) = await StoredSecretsAsync(Manager);

        Assert.NotNull(storedKey);
        Assert.DoesNotContain(key, storedKey, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(10, storedCodes!.Split(';').Length);
        Assert.All(codes, code => Assert.DoesNotContain(code, storedCodes));
        Assert.All(codes, code => Assert.DoesNotContain(code.Replace("-", ""), storedCodes));
    }

    [Fact]
    public async Task Secrets_stored_in_plain_by_an_earlier_version_keep_working_and_are_protected_at_the_next_start()
    {
        const string plainKey = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
        await using (var db = await portal.DbAsync())
        {
            var id = (await db.Users.SingleAsync(u => u.Email == Sales)).Id;
            db.UserTokens.AddRange(
                new IdentityUserToken<string>
                {
                    UserId = id,
                    LoginProvider = TwoFactorSecrets.StoreProvider,
                    Name = TwoFactorSecrets.KeyName,
                    Value = plainKey,
                },
                new IdentityUserToken<string>
                {
                    UserId = id,
                    LoginProvider = TwoFactorSecrets.StoreProvider,
                    Name = TwoFactorSecrets.CodesName,
                    Value = "AAAAA-BBBBB;CCCCC-DDDDD;EEEEE-FFFFF",
                }
            );
            await db.SaveChangesAsync();
            await db.Users.Where(u => u.Id == id).ExecuteUpdateAsync(u => u.SetProperty(x => x.TwoFactorEnabled, true));
        }
        // Before the next start: read as they are (first use).
        Assert.Equal(HttpStatusCode.Redirect, (await WithRecoveryCodeAsync(Sales, "aaaaa bbbbb")).StatusCode);

        await portal.Services.MigrateDatabaseAsync();

        var (storedKey, storedCodes) = await StoredSecretsAsync(Sales);
        Assert.True(TwoFactorSecrets.IsProtectedKey(storedKey));
        Assert.DoesNotContain("CCCCC", storedCodes);
        Assert.Equal(2, storedCodes!.Split(';').Length);
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        Assert.Equal(plainKey, await users.GetAuthenticatorKeyAsync((await users.FindByEmailAsync(Sales))!));
        Assert.Equal(HttpStatusCode.Redirect, (await WithRecoveryCodeAsync(Sales, "CCCCC-DDDDD")).StatusCode);
        Assert.Contains(SignInFlow.WrongRecoveryCode, await TextAsync(WithRecoveryCodeAsync(Sales, "CCCCC-DDDDD")));
        var client = portal.Client();
        var codePage = "/" + (await SignInForm.PostLoginAsync(client, Sales, PortalFactory.Password)).Target();
        var signedIn = await SignInForm.PostFormAsync(client, codePage, "login-with-2fa", new() { ["Input.Code"] = CodeNow(plainKey) });
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
    }

    private async Task<HttpResponseMessage> WithRecoveryCodeAsync(string email, string code)
    {
        var client = portal.Client();
        await SignInForm.PostLoginAsync(client, email, PortalFactory.Password);
        return await SignInForm.PostFormAsync(
            client,
            "/Account/LoginWithRecoveryCode",
            "login-with-recovery-code",
            new() { ["Input.Code"] = code }
        );
    }
}
