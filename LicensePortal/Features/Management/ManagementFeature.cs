namespace LicensePortal.Features.Management;

public static class ManagementFeature
{
    public static WebApplicationBuilder AddManagementFeature(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<DashboardService>().AddScoped<DashboardTrends>();
        return builder;
    }
}
