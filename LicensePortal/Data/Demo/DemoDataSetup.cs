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
        if (app.Environment.IsProduction())
        {
            // Demo logins with a published password must never reach a live portal.
            app.Logger.LogError("Demo data is never created in Production; ignoring Demo:Seed / --seed-demo.");
            return;
        }
        await app.Services.GetRequiredService<DemoSeeder>().SeedIfEmptyAsync();
    }
}
