namespace LicensePortal.Features.Licensing;

public static class LicensingFeature
{
    public static IServiceCollection AddLicensingFeature(this IServiceCollection services) =>
        services.AddSingleton<VendorCalendar>().AddScoped<EntitlementService>();
}
