using Microsoft.Extensions.Options;

namespace LicensePortal.Tests.Infrastructure;

public class StartupTests
{
    private sealed class MisconfiguredPortal(string key, string value) : PortalFactory
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting(key, value);
        }
    }

    [Fact]
    public async Task A_migration_window_above_the_FAQs_30_days_stops_the_portal_with_a_clear_message()
    {
        await using var portal = new MisconfiguredPortal("Installations:MigrationWindowDays", "31");

        var error = Assert.Throws<OptionsValidationException>(() => portal.Server);

        Assert.Contains("the licensing FAQ allows a migration for at most 30 days", error.Message);
    }

    [Fact]
    public async Task A_window_of_30_days_or_less_starts()
    {
        await using var portal = new MisconfiguredPortal("Installations:MigrationWindowDays", "21");
        Assert.NotNull(portal.Server);
    }
}
