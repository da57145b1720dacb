using LicensePortal.Features.SignIn;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LicensePortal.Tests.Features.SignIn;

public class TwoFactorDefaultsTests
{
    [Fact]
    public void Every_role_must_sign_in_with_two_factor_unless_configured_otherwise() =>
        Assert.All(Roles.All, role => Assert.True(new SignInSettings().RequiresTwoFactor([role]), role));

    [Fact]
    public async Task Outside_development_the_portal_requires_two_factor_of_sales_and_fraud_too()
    {
        await using var portal = new PortalFactory { Environment = "Production", Licenses = 10 };

        var settings = portal.Services.GetRequiredService<IOptions<SignInSettings>>().Value;

        Assert.All(Roles.All, role => Assert.True(settings.RequiresTwoFactor([role]), role));
    }

    [Fact]
    public async Task In_development_the_demo_logins_sign_in_with_the_password_alone()
    {
        await using var portal = new PortalFactory { Licenses = 10 };

        foreach (var role in Roles.All)
            await portal.SignedInAsync(BrowserPortal.Email(role));
    }
}
