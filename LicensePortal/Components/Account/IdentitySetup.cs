using LicensePortal.Data;
using LicensePortal.Features.SignIn;
using LicensePortal.Infrastructure;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;

namespace LicensePortal.Components.Account;

public static class IdentitySetup
{
    public static WebApplicationBuilder AddPortalIdentity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddCascadingAuthenticationState();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();

        services.AddAuthentication(options =>
            {
                options.DefaultScheme = IdentityConstants.ApplicationScheme;
                options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();
        // Between the password and a step the user still owes (a new password, an authenticator): good for nothing else.
        services.AddAuthentication().AddCookie(SignInFlow.PendingScheme, options =>
        {
            options.Cookie.Name = ".LicensePortal.PendingSignIn";
            options.ExpireTimeSpan = TimeSpan.FromMinutes(10);
            options.SlidingExpiration = false;
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = builder.Environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        });
        services.Configure<SignInSettings>(builder.Configuration.GetSection(SignInSettings.Section));
        services.AddSingleton<SignInGuard>();
        services.AddScoped<SignInFlow>();
        services.AddScoped(sp => (PortalSignInManager)sp.GetRequiredService<SignInManager<ApplicationUser>>());
        services.ConfigureApplicationCookie(options =>
        {
            options.LoginPath = "/Account/Login";
            options.AccessDeniedPath = "/Account/AccessDenied";
        });
        // Requests outside a circuit (document downloads, exports) re-read the stamp every minute too.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));

        services.AddIdentityCore<ApplicationUser>(options =>
            {
                // Staff accounts are created by an admin; there is no self-registration to confirm.
                options.SignIn.RequireConfirmedAccount = false;
                options.Stores.SchemaVersion = IdentitySchemaVersions.Version3;
                options.User.RequireUniqueEmail = true;
                // Only administrators lock accounts. Failed sign-ins bar an address from an account (SignInGuard), so
                // nobody can lock someone else out by typing wrong passwords or codes for them.
                options.Lockout.MaxFailedAccessAttempts = int.MaxValue;
                options.Lockout.AllowedForNewUsers = true;
                options.Password.RequiredLength = 10;
            })
            .AddRoles<IdentityRole>()
            .AddClaimsPrincipalFactory<PortalClaimsFactory>()
            .AddEntityFrameworkStores<AppDbContext>()
            .AddSignInManager<PortalSignInManager>()
            .AddDefaultTokenProviders();

        services.AddAuthorizationBuilder().AddPortalPolicies();
        return builder;
    }
}
