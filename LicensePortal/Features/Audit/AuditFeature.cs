namespace LicensePortal.Features.Audit;

public static class AuditFeature
{
    public static WebApplicationBuilder AddAuditFeature(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<AuditLogService>();
        // Read through the database context (AuditChain), which finds it among the application's services.
        builder.Services.AddSingleton(sp => new AuditChainKey(
            LicensePortal.Infrastructure.KeyFolder.For(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<IHostEnvironment>())
        ));
        return builder;
    }
}
