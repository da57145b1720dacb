using System.Security.Claims;
using LicensePortal.Data;
using LicensePortal.Features.SignIn;
using LicensePortal.Features.Users;
using LicensePortal.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LicensePortal.Components.Account;

public static class IdentitySetup
{
    public static WebApplicationBuilder AddPortalIdentity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddCascadingAuthenticationState();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();

        services
            .AddAuthentication(options =>
            {
                options.DefaultScheme = IdentityConstants.ApplicationScheme;
                options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();
        services.AddScoped(sp => (PortalSignInManager)sp.GetRequiredService<SignInManager<ApplicationUser>>());
        services.ConfigureApplicationCookie(options =>
        {
            options.LoginPath = "/Account/Login";
            options.AccessDeniedPath = "/Account/AccessDenied";
            // After Identity's security-stamp check: a sign-in made without two-factor, by a user whose roles now
            // require it (a sign-in from before the requirement, or before a promotion), ends at its next request, and
            // the next sign-in sets it up. Read from the cookie's claims, so no request pays a query for it.
            var checkStamp = options.Events.OnValidatePrincipal;
            options.Events.OnValidatePrincipal = async context =>
            {
                await checkStamp(context);
                if (context.Principal is not { } principal || principal.HasClaim(UserClaims.TwoFactor, "on"))
                    return;
                var settings = context.HttpContext.RequestServices.GetRequiredService<IOptions<SignInSettings>>().Value;
                if (!settings.RequiresTwoFactor(principal.FindAll(ClaimTypes.Role).Select(c => c.Value)))
                    return;
                context.RejectPrincipal();
                await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
            };
        });
        // Requests outside a circuit (document downloads, exports) re-read the stamp every minute too.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));

        services
            .AddIdentityCore<ApplicationUser>(options =>
            {
                // Staff accounts are created by an admin; there is no self-registration to confirm.
                options.SignIn.RequireConfirmedAccount = false;
                options.Stores.SchemaVersion = IdentitySchemaVersions.Version3;
                options.User.RequireUniqueEmail = true;
                // Wrong passwords never lock an account: they bar an address from an account (SignInGuard), so nobody
                // can lock someone else out. Identity counts only wrong authenticator and recovery codes, which only
                // someone with the password can type: ten pause the account for 15 minutes.
                options.Lockout.MaxFailedAccessAttempts = 10;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                options.Lockout.AllowedForNewUsers = true;
                options.Password.RequiredLength = 10;
            })
            .AddRoles<IdentityRole>()
            .AddClaimsPrincipalFactory<PortalClaimsFactory>()
            .AddEntityFrameworkStores<AppDbContext>()
            .AddSignInManager<PortalSignInManager>()
            .AddDefaultTokenProviders()
            // Authenticator codes on the portal's clock, each accepted once (replaces Identity's own provider of that name).
            .AddTokenProvider<PortalAuthenticatorTokenProvider>(TokenOptions.DefaultAuthenticatorProvider);
        // The authenticator key encrypted and the recovery codes hashed in the database (replaces the EF store).
        services.AddSingleton<TwoFactorSecrets>();
        services.Replace(ServiceDescriptor.Scoped<IUserStore<ApplicationUser>, ProtectedUserStore>());

        services.AddAuthorizationBuilder().AddPortalPolicies();
        return builder;
    }
}
