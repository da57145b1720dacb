using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LicensePortal.Infrastructure;

/// <summary>
/// <c>/health</c> runs every check; <c>/health/live</c> none (the process answers); <c>/health/ready</c>
/// the ones a load balancer should wait for: database, migrations and backup age.
/// </summary>
public static class HealthChecks
{
    public const string Ready = "ready";

    public static WebApplicationBuilder AddPortalHealthChecks(this WebApplicationBuilder builder)
    {
        builder
            .Services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [Ready])
            .AddCheck<MigrationsHealthCheck>("migrations", tags: [Ready])
            .AddCheck<BackupHealthCheck>("backup", tags: [Ready]);
        return builder;
    }

    public static IEndpointRouteBuilder MapPortalHealthChecks(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health", Options(_ => true)).AllowAnonymous();
        endpoints.MapHealthChecks("/health/live", Options(_ => false)).AllowAnonymous();
        endpoints.MapHealthChecks("/health/ready", Options(check => check.Tags.Contains(Ready))).AllowAnonymous();
        return endpoints;
    }

    private static HealthCheckOptions Options(Func<HealthCheckRegistration, bool> predicate) =>
        new()
        {
            Predicate = predicate,
            ResponseWriter = (context, report) =>
            {
                context.Response.ContentType = "application/json";
                // Anyone (a load balancer) learns each check's status; what lies behind it (counts, migration and backup
                // names, ages) only a signed-in admin does.
                var details = context.User.IsInRole(Roles.Admin);
                return context.Response.WriteAsync(
                    JsonSerializer.Serialize(
                        new
                        {
                            status = report.Status.ToString(),
                            checks = report.Entries.ToDictionary(
                                e => e.Key,
                                e =>
                                    details
                                        ? (object)
                                            new
                                            {
                                                status = e.Value.Status.ToString(),
                                                e.Value.Description,
                                                data = e.Value.Data,
                                            }
                                        : new { status = e.Value.Status.ToString() }
                            ),
                        }
                    )
                );
            },
        };
}
