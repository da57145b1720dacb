namespace LicensePortal.Features.Home;

public static class HomeFeature
{
    public static WebApplicationBuilder AddHomeFeature(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<HomeService>();
        return builder;
    }
}
