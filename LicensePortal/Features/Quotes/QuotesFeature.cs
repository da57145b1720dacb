using System.Security.Claims;
using LicensePortal.Infrastructure;

namespace LicensePortal.Features.Quotes;

public static class QuotesFeature
{
    public static WebApplicationBuilder AddQuotesFeature(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<QuoteOptions>(builder.Configuration.GetSection(QuoteOptions.Section));
        builder.Services.AddScoped<QuoteService>();
        return builder;
    }

    public static IEndpointConventionBuilder MapQuotesEndpoints(this IEndpointRouteBuilder endpoints) =>
        endpoints
            .MapGet(
                "/quotes/{id:int}.pdf",
                async (int id, ClaimsPrincipal user, QuoteService quotes, CancellationToken ct) =>
                    await quotes.PdfAsync(user, id, ct) is { } pdf
                        ? Results.File(pdf.Bytes, "application/pdf", $"{pdf.Number}.pdf")
                        : Results.NotFound()
            )
            .RequireAuthorization(Policies.Sales);
}
