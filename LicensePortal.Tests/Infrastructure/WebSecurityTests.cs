using System.Net;
using System.Text.RegularExpressions;
using LicensePortal.Infrastructure;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LicensePortal.Tests.Infrastructure;

[Collection(SharedPortal.Name)]
public partial class WebSecurityTests(PortalFactory shared)
{
    [Theory]
    [InlineData("GET", "/Account/Login")]
    [InlineData("GET", "/health")]
    [InlineData("GET", "/no-such-page")]
    [InlineData("GET", "/licenses")]
    [InlineData("POST", "/api/v1/installations/check-in")]
    public async Task Every_response_carries_the_security_headers(string method, string path)
    {
        var client = shared.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await client.SendAsync(
            new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "POST" ? new StringContent("{}") : null }
        );

        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Matches("script-src 'self' 'nonce-[0-9A-F]{32}';", csp);
        Assert.Contains("object-src 'none'", csp);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("strict-origin-when-cross-origin", response.Headers.GetValues("Referrer-Policy").Single());
    }

    [Fact]
    public async Task The_import_map_is_the_only_inline_script_and_carries_the_nonce_of_its_own_response()
    {
        var client = shared.CreateClient();

        var first = await client.GetAsync("/Account/Login");
        var second = await client.GetAsync("/Account/Login");

        var html = await first.Content.ReadAsStringAsync();
        var nonce = Nonce().Match(first.Headers.GetValues("Content-Security-Policy").Single()).Groups[1].Value;
        Assert.Contains($"<script type=\"importmap\" nonce=\"{nonce}\">", html);
        Assert.Single(Regex.Matches(html, "<script(?![^>]*\\ssrc=)"));
        Assert.NotEqual(nonce, Nonce().Match(second.Headers.GetValues("Content-Security-Policy").Single()).Groups[1].Value);
    }

    // Staging: outside Development, so no demo users: the test makes its own, with two-factor sign-in not required.
    [Fact]
    public async Task Outside_development_the_sign_in_cookie_is_secure_http_only_and_lasts_the_configured_hours()
    {
        await using var portal = new PortalFactory
        {
            Environment = "Staging",
            Settings = { ["Security:SignInHours"] = "6", ["SignIn:TwoFactorRequiredFor"] = "" },
        };
        await portal.NewStaffAsync("staging-sales@example.com", Roles.Sales);
        var client = portal.CreateClient(
            new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://portal.example.com") }
        );

        var response = await SignInForm.PostLoginAsync(client, "staging-sales@example.com", "Good-Password-1");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var cookie = response
            .Headers.GetValues("Set-Cookie")
            .Single(c => c.StartsWith(".AspNetCore.Identity.Application=", StringComparison.Ordinal));
        Assert.Contains("; secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        var options = portal
            .Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>()
            .Get(IdentityConstants.ApplicationScheme);
        Assert.Equal(TimeSpan.FromHours(6), options.ExpireTimeSpan);
        Assert.Contains("max-age=31536000", response.Headers.GetValues("Strict-Transport-Security").Single());
    }

    [Fact]
    public async Task An_error_page_outside_development_carries_the_security_headers_too()
    {
        await using var portal = new FailingPortal { Environment = "Staging" };
        var client = portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await client.GetAsync("/boom");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    /// <summary>The portal with one more address, behind all of its own, that fails: the error page's way out.</summary>
    private sealed class FailingPortal : PortalFactory
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(services => services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter, Boom>());
        }

        private sealed class Boom : Microsoft.AspNetCore.Hosting.IStartupFilter
        {
            public Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> Configure(
                Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> next
            ) =>
                app =>
                {
                    next(app);
                    app.Run(context => context.Request.Path == "/boom" ? throw new InvalidOperationException("boom") : Task.CompletedTask);
                };
        }
    }

    [Fact]
    public void The_sign_in_lasts_eight_hours_by_default()
    {
        var options = shared
            .Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>()
            .Get(IdentityConstants.ApplicationScheme);

        Assert.Equal(TimeSpan.FromHours(8), options.ExpireTimeSpan);
    }

    [Fact]
    public async Task Forwarded_headers_are_believed_only_from_a_configured_proxy()
    {
        await using var portal = new PortalFactory
        {
            Environment = "Production",
            Settings = { ["Security:TrustedProxies:0"] = "10.0.0.5" },
        };
        _ = portal.Server;

        var fromProxy = await HealthThroughAsync(portal, "10.0.0.5");
        var fromElsewhere = await HealthThroughAsync(portal, "10.0.0.6");
        var fromLoopback = await HealthThroughAsync(portal, "127.0.0.1");

        // Believed: the request is HTTPS as the proxy says, so HSTS is sent; not believed: plain HTTP, no HSTS.
        Assert.True(fromProxy.Response.Headers.ContainsKey("Strict-Transport-Security"));
        Assert.Equal(("https", "203.0.113.9"), (fromProxy.Request.Scheme, fromProxy.Connection.RemoteIpAddress?.ToString()));
        Assert.False(fromElsewhere.Response.Headers.ContainsKey("Strict-Transport-Security"));
        Assert.Equal(("http", "10.0.0.6"), (fromElsewhere.Request.Scheme, fromElsewhere.Connection.RemoteIpAddress?.ToString()));
        Assert.Equal("http", fromLoopback.Request.Scheme);
    }

    private static Task<HttpContext> HealthThroughAsync(PortalFactory portal, string remote) =>
        portal.Server.SendAsync(context =>
        {
            context.Request.Method = "GET";
            context.Request.Path = "/health";
            // HSTS is never sent to localhost; a deployed portal has a name.
            context.Request.Host = new HostString("portal.example.com");
            context.Connection.RemoteIpAddress = IPAddress.Parse(remote);
            context.Request.Headers["X-Forwarded-For"] = "203.0.113.9";
            context.Request.Headers["X-Forwarded-Proto"] = "https";
        });

    [GeneratedRegex("'nonce-([^']+)'")]
    private static partial Regex Nonce();
}
