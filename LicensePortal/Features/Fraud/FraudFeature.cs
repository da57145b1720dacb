using System.Security.Claims;
using LicensePortal.Data;
using LicensePortal.Features.Audit;
using LicensePortal.Features.Installations;
using LicensePortal.Features.Licenses;
using LicensePortal.Features.Licensing;
using LicensePortal.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

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
