using Microsoft.Extensions.Options;

namespace LicensePortal.Data.Demo;

public static class DemoDataSetup
{
    public static WebApplicationBuilder AddDemoData(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<DemoOptions>(builder.Configuration.GetSection(DemoOptions.Section));
        builder.Services.AddSingleton<DemoSeeder>();
        return builder;
    }

    public static async Task SeedDemoDataIfEnabledAsync(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<DemoOptions>>().Value.Seed)
            return;
        if (!app.Environment.IsDevelopment())
        {
            // Demo logins with a published password must never reach a portal people can reach: not a live one, and not a
            // staging or test portal whose environment someone forgot to name (anything but Development).
            app.Logger.LogError(
                "Demo data is created only in Development (this is {Environment}); ignoring Demo:Seed / --seed-demo.",
                app.Environment.EnvironmentName
            );
            return;
        }
        await app.Services.GetRequiredService<DemoSeeder>().SeedIfEmptyAsync();
    }
}
