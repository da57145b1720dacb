using System.Text.Json;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace LicensePortal.Features.Activation;

/// <summary>The API deployed products call: JSON over HTTP, errors as RFC 7807 problem details.</summary>
public static class ActivationFeature
{
    private const string ClientPolicy = "activation-client";
    private const string Prefix = "/api/v1/installations";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static WebApplicationBuilder AddActivationFeature(this WebApplicationBuilder builder)
    {
        builder
            .Services.AddOptions<ActivationOptions>()
            .Bind(builder.Configuration.GetSection(ActivationOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<KeyRateLimiter>();
        builder.Services.AddSingleton<KnownKeys>();
        builder.Services.AddScoped<CheckInService>();
        builder.Services.AddScoped<OfflineActivationService>();
        builder.Services.AddSingleton<CheckInCommands>();
        builder.Services.AddSingleton<SigningKeys>();
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(
                ClientPolicy,
                http =>
                    RateLimitPartition.GetFixedWindowLimiter(
                        ClientPartition.Of(http.Connection.RemoteIpAddress),
                        _ => new FixedWindowRateLimiterOptions
                        {
                            PermitLimit = http.RequestServices.GetRequiredService<IOptions<ActivationOptions>>().Value.PerClientPerMinute,
                            Window = TimeSpan.FromMinutes(1),
                            QueueLimit = 0,
                        }
                    )
            );
            limiter.OnRejected = async (context, ct) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "60";
                await TooManyRequests("Too many requests from this address: try again in a minute.").ExecuteAsync(context.HttpContext);
            };
        });
        return builder;
    }

    public static WebApplication MapActivationEndpoints(this WebApplication app)
    {
        // Signing wraps the rate limiter, so its refusals are signed too.
        app.UseWhen(http => http.Request.Path.StartsWithSegments(Prefix), signed => signed.UseMiddleware<AnswerSigning>());
        app.UseRateLimiter();
        // The public keys products verify answers with: the current one and those before it.
        app.MapGet("/.well-known/licenseportal-keys.json", (SigningKeys keys) => TypedResults.Ok(new { keys = keys.Published }))
            .AllowAnonymous()
            .WithTags("Activation")
            .WithName("SigningKeys");
        app.MapOpenApi().AllowAnonymous();
        var api = app.MapGroup(Prefix).AllowAnonymous().RequireRateLimiting(ClientPolicy).WithTags("Activation").DisableAntiforgery();

        api.MapPost("/check-in", CheckInAsync)
            .WithName("CheckIn")
            .WithSummary("Records that a product runs on a machine and answers where the license stands.")
            .WithDescription(
                "Idempotent per (licenseKey, machineId). status is active, grace (with graceEndsAt), flagged (with disableAt) or "
                    + "disabled. Dates are ISO 8601 UTC."
            )
            .Accepts<CheckInRequest>("application/json")
            .Produces<CheckInResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapPost("/release", ReleaseAsync)
            .WithName("Release")
            .WithSummary("Tells the portal the product was uninstalled or moved away from the machine.")
            .Accepts<ReleaseRequest>("application/json")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async Task<IResult> CheckInAsync(HttpContext http, CheckInService service, KeyRateLimiter keys, CancellationToken ct)
    {
        using var place = keys.TryEnter();
        if (place is null)
            return Busy(http, new PortalBusyException());
        var (request, problem) = await ReadAsync<CheckInRequest>(http, ct);
        if (problem is not null)
            return problem;
        Sign(http, request!.LicenseKey, request.MachineId);
        var errors = ActivationValidation.Check(request!);
        if (errors.Count > 0)
            return Invalid(errors);
        // Valid, so the key normalizes; the limiter and the service both take the normalized key.
        var key = Licenses.LicenseKey.Normalize(request!.LicenseKey)!;
        if (!keys.TryAcquire(key))
            return Limited(http);
        try
        {
            var answer = await service.CheckInAsync(key, request, ct);
            return answer is null ? UnknownKey() : TypedResults.Ok(answer);
        }
        catch (PortalBusyException ex)
        {
            return Busy(http, ex);
        }
    }

    private static async Task<IResult> ReleaseAsync(HttpContext http, CheckInService service, KeyRateLimiter keys, CancellationToken ct)
    {
        using var place = keys.TryEnter();
        if (place is null)
            return Busy(http, new PortalBusyException());
        var (request, problem) = await ReadAsync<ReleaseRequest>(http, ct);
        if (problem is not null)
            return problem;
        Sign(http, request!.LicenseKey, request.MachineId);
        var errors = ActivationValidation.CheckKeyAndMachine(request!.LicenseKey, request.MachineId);
        if (errors.Count > 0)
            return Invalid(errors);
        var key = Licenses.LicenseKey.Normalize(request.LicenseKey)!;
        if (!keys.TryAcquire(key))
            return Limited(http);
        try
        {
            return await service.ReleaseAsync(key, request.MachineId!, ct) switch
            {
                ReleaseOutcome.Released => TypedResults.NoContent(),
                ReleaseOutcome.ActivatedOffline => Problem(
                    409,
                    "Activated offline",
                    "This server was activated offline and its license file is still valid: it is released with the release code the "
                        + "product printed when it was uninstalled, entered by the vendor's staff."
                ),
                _ => UnknownKey(),
            };
        }
        catch (PortalBusyException ex)
        {
            return Busy(http, ex);
        }
    }

    /// <summary>The key and machine id the product sent, exactly, go into the answer's signature (AnswerSigning).</summary>
    private static void Sign(HttpContext http, string? licenseKey, string? machineId)
    {
        http.Items[AnswerSigning.KeyItem] = licenseKey ?? "";
        http.Items[AnswerSigning.MachineItem] = machineId ?? "";
    }

    /// <summary>Reads the JSON body by hand, so a body that is not JSON gets a problem that says so, never a 500.</summary>
    /// <remarks>
    /// At most 16 KB is read, whatever the headers say: a chunked body has no length up front, so the limit is counted
    /// while reading, and the rest of a longer body is never buffered.
    /// </remarks>
    private static async Task<(T? Request, IResult? Problem)> ReadAsync<T>(HttpContext http, CancellationToken ct)
        where T : class
    {
        var tooLarge = Problem(400, "Request too large", "The body must be at most 16 KB of JSON.");
        if (http.Request.ContentLength is > ActivationOptions.MaxBodyBytes)
            return (null, tooLarge);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(ActivationOptions.MaxBodyBytes + 1);
        try
        {
            var length = 0;
            int read;
            while (
                length <= ActivationOptions.MaxBodyBytes
                && (read = await http.Request.Body.ReadAsync(buffer.AsMemory(length, ActivationOptions.MaxBodyBytes + 1 - length), ct)) > 0
            )
                length += read;
            if (length > ActivationOptions.MaxBodyBytes)
                return (null, tooLarge);
            var request = JsonSerializer.Deserialize<T>(buffer.AsSpan(0, length), Json);
            return request is null ? (null, Problem(400, "Missing body", "Send a JSON object in the request body.")) : (request, null);
        }
        catch (JsonException ex)
        {
            return (null, Problem(400, "Body is not valid JSON", $"The request body must be a JSON object: {ex.Message}"));
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static IResult Busy(HttpContext http, PortalBusyException ex)
    {
        http.Response.Headers.RetryAfter = "5";
        return Problem(503, "Busy", ex.Message);
    }

    private static IResult Invalid(Dictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, detail: "Some fields are missing or malformed.", title: "Invalid request");

    private static IResult UnknownKey() => Problem(404, "Unknown license key", "No license has this key. Check it for typos.");

    private static IResult Limited(HttpContext http)
    {
        http.Response.Headers.RetryAfter = "60";
        return TooManyRequests("Too many requests for this license key: try again in a minute.");
    }

    private static ProblemHttpResult TooManyRequests(string detail) =>
        TypedResults.Problem(detail, statusCode: 429, title: "Too many requests");

    private static IResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: title);
}
