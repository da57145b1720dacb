namespace LicensePortal.Features.SignIn;

public static class SignInFeature
{
    public static WebApplicationBuilder AddSignInFeature(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<SignInSettings>(builder.Configuration.GetSection(SignInSettings.Section));
        builder.Services.AddSingleton<SignInGuard>();
        builder.Services.AddScoped<SignInFlow>();
        builder.Services.AddScoped<AuthenticatorSetup>();
        // Between the password and a step the user still owes (a new password, an authenticator): good for nothing else.
        builder
            .Services.AddAuthentication()
            .AddCookie(
                SignInFlow.PendingScheme,
                options =>
                {
                    options.Cookie.Name = ".LicensePortal.PendingSignIn";
                    options.ExpireTimeSpan = TimeSpan.FromMinutes(10);
                    options.SlidingExpiration = false;
                    options.Cookie.HttpOnly = true;
                    options.Cookie.SameSite = SameSiteMode.Lax;
                    options.Cookie.SecurePolicy = builder.Environment.IsDevelopment()
                        ? CookieSecurePolicy.SameAsRequest
                        : CookieSecurePolicy.Always;
                }
            );
        return builder;
    }
}
