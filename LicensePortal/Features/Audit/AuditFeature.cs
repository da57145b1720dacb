namespace LicensePortal.Features.Audit;

public static class AuditFeature
{
    public static WebApplicationBuilder AddAuditFeature(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<AuditLogService>();
        return builder;
    }
}
