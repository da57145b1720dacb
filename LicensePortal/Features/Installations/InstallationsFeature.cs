namespace LicensePortal.Features.Installations;

public static class InstallationsFeature
{
    public static WebApplicationBuilder AddInstallationsFeature(this WebApplicationBuilder builder)
    {
        // A migration window above the FAQ's 30 days stops the portal at start-up with the option's message.
        builder
            .Services.AddOptions<InstallationOptions>()
            .Bind(builder.Configuration.GetSection(InstallationOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddScoped<InstallationService>();
        builder.Services.AddScoped<ReleaseService>();
        return builder;
    }
}
