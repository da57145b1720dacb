using LicensePortal.Infrastructure;

namespace LicensePortal.Features.Licenses;

public static class LicensesFeature
{
    public static WebApplicationBuilder AddLicensesFeature(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<LicenseService>().AddScoped<LicenseDetailService>();
        return builder;
    }

    public static IEndpointConventionBuilder MapLicensesEndpoints(this IEndpointRouteBuilder endpoints) =>
        endpoints
            .MapGet(
                "/licenses/export.csv",
                async (HttpContext http, LicenseDetailService details, [AsParameters] LicenseListQuery query) =>
                {
                    http.Response.ContentType = "text/csv; charset=utf-8";
                    http.Response.Headers.ContentDisposition = "attachment; filename=licenses.csv";
                    await details.ExportCsvAsync(http.User, query.ToFilter(), http.Response.Body, http.RequestAborted);
                }
            )
            .RequireAuthorization(Policies.Licenses);
}
