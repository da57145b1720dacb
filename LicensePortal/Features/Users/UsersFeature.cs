using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using LicensePortal.Data;
using LicensePortal.Features.Audit;
using LicensePortal.Features.SignIn;
using LicensePortal.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Features.Users;

public static class UsersFeature
{
    public static WebApplicationBuilder AddUsersFeature(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<UserAdminService>().AddScoped<UserPreferences>();
        return builder;
    }
}
