using LicensePortal.Features.SignIn;

namespace LicensePortal.Tests.Features.SignIn;

public class AuthenticatorKeyTests
{
    [Fact]
    public void The_key_reads_in_groups_of_four_and_the_address_names_the_portal_and_the_account()
    {
        Assert.Equal("abcd efgh ijkl mnop qr", AuthenticatorKey.Readable("ABCDEFGHIJKLMNOPQR"));
        Assert.Equal(
            "otpauth://totp/LicensePortal%20Staging:sara%40example.com?secret=ABCD&issuer=LicensePortal%20Staging&digits=6",
            AuthenticatorKey.Uri("LicensePortal Staging", "sara@example.com", "ABCD")
        );
    }

    [Fact]
    public void The_QR_code_is_an_SVG_drawn_on_the_server()
    {
        var svg = AuthenticatorKey.QrSvg("otpauth://totp/LicensePortal:sara%40example.com?secret=ABCD&issuer=LicensePortal&digits=6");

        Assert.Contains("<svg", svg);
        Assert.Contains("</svg>", svg);
        Assert.DoesNotContain("<script", svg);
    }
}
