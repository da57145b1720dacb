namespace LicensePortal.Features.Licensing;

public static class LicensingFeature
{
    public static WebApplicationBuilder AddLicensingFeature(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<VendorCalendar>().AddScoped<EntitlementService>();
        return builder;
    }
}
