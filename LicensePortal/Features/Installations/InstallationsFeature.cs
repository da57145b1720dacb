namespace LicensePortal.Features.Installations;

public static class InstallationsFeature
{
    public static WebApplicationBuilder AddInstallationsFeature(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<InstallationOptions>(builder.Configuration.GetSection(InstallationOptions.Section));
        builder.Services.AddScoped<InstallationService>();
        return builder;
    }
}
