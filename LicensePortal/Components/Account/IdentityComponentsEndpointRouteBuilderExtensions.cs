using LicensePortal.Data;
using LicensePortal.Features.SignIn;
using Microsoft.AspNetCore.Antiforgery;
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
            async (
                HttpContext http,
                [FromServices] IAntiforgery antiforgery,
                [FromServices] SignInManager<ApplicationUser> signInManager,
                [FromServices] SignInFlow flow
            ) =>
            {
                // No form field is bound, so nothing checks the token unless this does: another site could sign users out.
                if (!await antiforgery.IsRequestValidAsync(http))
                    return Results.BadRequest();
                await signInManager.SignOutAsync();
                await flow.ForgetHalfFinishedAsync();
                return Results.LocalRedirect("~/Account/Login");
            }
        );
        return accountGroup;
    }
}
