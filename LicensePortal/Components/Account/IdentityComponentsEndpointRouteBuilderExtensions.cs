using LicensePortal.Data;
using LicensePortal.Features.SignIn;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace LicensePortal.Components.Account;

internal static class IdentityComponentsEndpointRouteBuilderExtensions
{
    public static IEndpointConventionBuilder MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var accountGroup = endpoints.MapGroup("/Account");
        accountGroup.MapPost(
            "/Logout",
            async ([FromServices] SignInManager<ApplicationUser> signInManager, [FromServices] SignInFlow flow) =>
            {
                await signInManager.SignOutAsync();
                await flow.ForgetHalfFinishedAsync();
                return TypedResults.LocalRedirect("~/Account/Login");
            }
        );
        return accountGroup;
    }
}
