using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.HttpOverrides;

namespace LicensePortal.Infrastructure;

/// <summary>
/// Transport and browser hardening: forwarded headers from trusted proxies only, HTTPS and HSTS outside Development,
/// a Secure, 8-hour sign-in cookie, and security headers on every response, with a Content-Security-Policy that
/// Blazor and MudBlazor work under (scripts only from the portal plus the import map, which carries a per-request nonce).
/// </summary>
public static class WebSecurity
{
    private const string NonceKey = "csp-nonce";

    public static WebApplicationBuilder AddWebSecurity(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(WebSecurityOptions.Section);
        builder.Services.Configure<WebSecurityOptions>(section);
        var settings = section.Get<WebSecurityOptions>() ?? new();
        var development = builder.Environment.IsDevelopment();

        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Only the proxies named in configuration: the loopback default would let anything on the host claim any address.
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var proxy in settings.TrustedProxies)
                options.KnownProxies.Add(IPAddress.Parse(proxy));
            foreach (var network in settings.TrustedNetworks)
                options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        });
        builder.Services.AddHsts(options =>
        {
            options.MaxAge = TimeSpan.FromDays(365);
            options.IncludeSubDomains = true;
        });
        builder.Services.PostConfigure<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions>(
            Microsoft.AspNetCore.Identity.IdentityConstants.ApplicationScheme,
            options =>
            {
                options.ExpireTimeSpan = TimeSpan.FromHours(settings.SignInHours);
                options.SlidingExpiration = true;
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.Cookie.SecurePolicy = development ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
            }
        );
        builder.Services.Configure<Microsoft.AspNetCore.Antiforgery.AntiforgeryOptions>(options =>
        {
            options.Cookie.SecurePolicy = development ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
            // The headers below forbid framing outright (DENY, frame-ancestors 'none'); antiforgery's SAMEORIGIN would contradict them.
            options.SuppressXFrameOptionsHeader = true;
        });
        return builder;
    }

    /// <summary>
    /// First in the pipeline, before authentication and authorization (called explicitly after it), so every response
    /// carries the headers: pages, files, the API, sign-in redirects and error pages.
    /// </summary>
    public static WebApplication UseWebSecurity(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.Use(
            (context, next) =>
            {
                // A re-executed request (the not-found page) keeps the nonce its response's header already names.
                if (context.CspNonce() is null)
                {
                    // Hex: no character an HTML attribute would encode, so the page carries exactly what the header names.
                    var nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
                    context.Items[NonceKey] = nonce;
                    // Set as the response starts: the exception handler clears headers before it renders the error page.
                    context.Response.OnStarting(() =>
                    {
                        var headers = context.Response.Headers;
                        headers.ContentSecurityPolicy = ContentSecurityPolicy(nonce);
                        headers.XContentTypeOptions = "nosniff";
                        headers.XFrameOptions = "DENY";
                        headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
                        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
                        headers["Cross-Origin-Opener-Policy"] = "same-origin";
                        return Task.CompletedTask;
                    });
                }
                return next(context);
            }
        );
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
            app.UseHttpsRedirection();
        }
        return app;
    }

    /// <summary>The nonce this response's Content-Security-Policy allows inline scripts with (the import map).</summary>
    public static string? CspNonce(this HttpContext context) => context.Items[NonceKey] as string;

    /// <summary>
    /// Scripts from the portal only (Blazor, MudBlazor) and the nonce'd import map; styles from the portal plus inline
    /// (MudBlazor writes its theme and component styles inline); the circuit's WebSocket to the portal; no framing, no plugins.
    /// </summary>
    public static string ContentSecurityPolicy(string nonce) =>
        $"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src "
        + $"'self' data:; "
        + "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
}
