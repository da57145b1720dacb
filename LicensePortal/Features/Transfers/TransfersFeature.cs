using System.Security.Claims;

namespace LicensePortal.Features.Transfers;

public static class TransfersFeature
{
    public static WebApplicationBuilder AddTransfersFeature(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<TransferService>().AddHostedService<LeaseReturnService>();
        return builder;
    }

    public static IEndpointConventionBuilder MapTransfersEndpoints(this IEndpointRouteBuilder endpoints) =>
        endpoints
            .MapGet(
                "/transfers/{id:int}/letter.pdf",
                async (int id, ClaimsPrincipal user, TransferService transfers, CancellationToken ct) =>
                    await transfers.LetterAsync(user, id, ct) is { } letter
                        ? Results.File(letter.Pdf, "application/pdf", $"{letter.Reference}.pdf")
                        : Results.NotFound()
            )
            .RequireAuthorization(TransferService.RequestPolicy);
}
