using System.Security.Claims;
using LicensePortal.Infrastructure;

namespace LicensePortal.Features.Outbox;

public static class OutboxFeature
{
    public static WebApplicationBuilder AddOutboxFeature(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<EmailOptions>(builder.Configuration.GetSection(EmailOptions.Section));
        builder.Services.AddSingleton<IEmailDelivery, SmtpEmailDelivery>();
        builder.Services.AddScoped<OutboxService>();
        builder.Services.AddSingleton<OutboxWakeup>();
        builder.Services.AddHostedService<OutboxDispatcher>();
        return builder;
    }

    public static IEndpointConventionBuilder MapOutboxEndpoints(this IEndpointRouteBuilder endpoints) =>
        endpoints
            .MapGet(
                "/outbox/{id:long}/attachment",
                async (long id, ClaimsPrincipal user, OutboxService outbox, CancellationToken ct) =>
                    await outbox.AttachmentAsync(user, id, ct) switch
                    {
                        ({ Attachment: { } bytes } m, true) => Results.File(
                            bytes,
                            m.AttachmentContentType ?? "application/octet-stream",
                            m.AttachmentName
                        ),
                        (null, _) => Results.NotFound(),
                        _ => Results.Forbid(),
                    }
            )
            .RequireAuthorization(Policies.Staff);
}
