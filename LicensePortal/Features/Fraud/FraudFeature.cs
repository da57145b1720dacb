namespace LicensePortal.Features.Fraud;

public static class FraudFeature
{
    public static WebApplicationBuilder AddFraudFeature(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<FraudOptions>(builder.Configuration.GetSection(FraudOptions.Section));
        builder.Services.AddSingleton<FraudNotices>();
        builder.Services.AddSingleton<FraudMonitor>();
        builder.Services.AddSingleton<FraudMonitorRunner>();
        builder.Services.AddScoped<FraudCaseService>();
        builder.Services.AddHostedService<FraudMonitorService>();
        return builder;
    }
}
