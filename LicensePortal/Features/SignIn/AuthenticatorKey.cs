using QRCoder;

namespace LicensePortal.Features.SignIn;

/// <summary>How an authenticator key is shown to its user: in groups of four to type, and as a QR code to scan.</summary>
public static class AuthenticatorKey
{
    /// <summary>"abcd efgh ijkl …": spaces and case do not matter to authenticator apps.</summary>
    public static string Readable(string key) => string.Join(' ', key.ToLowerInvariant().Chunk(4).Select(group => new string(group)));

    /// <summary>The otpauth:// address authenticator apps read from the QR code.</summary>
    public static string Uri(string issuer, string account, string key) =>
        $"otpauth://totp/{System.Uri.EscapeDataString(issuer)}:{System.Uri.EscapeDataString(account)}"
        + $"?secret={key}&issuer={System.Uri.EscapeDataString(issuer)}&digits=6";

    /// <summary>The address as an SVG QR code, drawn on the server (no script, nothing leaves the portal).</summary>
    public static string QrSvg(string uri)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.M);
        return new SvgQRCode(data).GetGraphic(4);
    }
}
