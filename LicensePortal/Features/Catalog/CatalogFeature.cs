using LicensePortal.Infrastructure;

namespace LicensePortal.Features.Catalog;

public static class CatalogFeature
{
    public static WebApplicationBuilder AddCatalogFeature(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<CatalogService>();
        return builder;
    }

    public static IEndpointConventionBuilder MapCatalogEndpoints(this IEndpointRouteBuilder endpoints) =>
        endpoints
            .MapGet(
                "/catalog/{productId:int}/price-lists/{major:int}.csv",
                async (int productId, int major, CatalogService catalog, CancellationToken ct) =>
                    Results.File(
                        System.Text.Encoding.UTF8.GetBytes(await catalog.ExportCsvAsync(productId, major, ct)),
                        "text/csv",
                        $"price-list-{productId}-{major}.csv"
                    )
            )
            .RequireAuthorization(Policies.Staff);
}
