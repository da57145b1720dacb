namespace LicensePortal.Features.Renewals;

public static class RenewalsFeature
{
    public static WebApplicationBuilder AddRenewalsFeature(this WebApplicationBuilder builder)
    {
        // A reminder list that is not days stops the portal at start-up with a message saying what is wrong.
        builder
            .Services.AddOptions<RenewalOptions>()
            .Bind(builder.Configuration.GetSection(RenewalOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddScoped<ProtectionService>();
        builder.Services.AddScoped<ProtectionReminderSender>();
        builder.Services.AddHostedService<ProtectionReminderService>();
        return builder;
    }
}
