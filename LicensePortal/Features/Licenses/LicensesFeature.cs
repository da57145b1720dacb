using System.Security.Claims;
using System.Linq.Expressions;
using LicensePortal.Data;
using LicensePortal.Features.Installations;
using LicensePortal.Features.Licensing;
using LicensePortal.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LicensePortal.Features.Licenses;

public static class LicensesFeature
{
    public static WebApplicationBuilder AddLicensesFeature(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<LicenseService>().AddScoped<LicenseDetailService>();
        return builder;
    }

    public static IEndpointConventionBuilder MapLicenseEndpoints(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/licenses/export.csv", async (HttpContext http, LicenseDetailService details,
            string? q, int? product, string? status, string? protection, bool? overAllowance, int? customer, bool? legacy, int? major, bool? failover,
            string? edition, int? level, DateOnly? disabledSince) =>
        {
            var filter = new LicenseFilter(q, product, Enum.TryParse<LicenseStatus>(status, true, out var s) ? s : null,
                Enum.TryParse<ProtectionFilter>(protection, true, out var p) ? p : null, overAllowance ?? false, customer, legacy, major, failover, edition, level, DisabledSince: disabledSince);
            http.Response.ContentType = "text/csv; charset=utf-8";
            http.Response.Headers.ContentDisposition = "attachment; filename=licenses.csv";
            await details.ExportCsvAsync(http.User, filter, http.Response.Body, http.RequestAborted);
        })
        .RequireAuthorization(Policies.Licenses);
}
