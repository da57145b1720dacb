namespace LicensePortal.Features.Users;

public static class UsersFeature
{
    public static WebApplicationBuilder AddUsersFeature(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<UserAdminService>().AddScoped<UserPreferences>();
        return builder;
    }
}
