using System.Linq.Expressions;
using System.Security.Claims;
using LicensePortal.Data;
using LicensePortal.Features.Fraud;
using LicensePortal.Features.Licenses;
using LicensePortal.Features.Licensing;
using LicensePortal.Features.Quotes;
using LicensePortal.Features.Transfers;
using LicensePortal.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Features.Management;

public static class ManagementFeature
{
    public static WebApplicationBuilder AddManagementFeature(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<DashboardService>().AddScoped<DashboardTrends>();
        return builder;
    }
}
