using LicensePortal.Data;
using LicensePortal.Data.Demo;
using LicensePortal.Features.Users;
using LicensePortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace LicensePortal.Tests.Features.Users;

public class UserPreferencesTests : IAsyncLifetime
{
    private readonly PortalFactory portal = new() { Licenses = 10 };

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => portal.DisposeAsync();

    [Fact]
    public async Task The_dark_theme_is_remembered_per_user()
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var sales = (await users.FindByEmailAsync(DemoSeeder.Users[0].Email))!.Id;
        var fraud = (await users.FindByEmailAsync(DemoSeeder.Users[1].Email))!.Id;
        var preferences = portal.Service<UserPreferences>();

        await preferences.SetDarkModeAsync(sales, true);

        Assert.True(await portal.Service<UserPreferences>().GetDarkModeAsync(sales));
        Assert.False(await portal.Service<UserPreferences>().GetDarkModeAsync(fraud));
        await preferences.SetDarkModeAsync(sales, false);
        Assert.False(await portal.Service<UserPreferences>().GetDarkModeAsync(sales));
    }
}
