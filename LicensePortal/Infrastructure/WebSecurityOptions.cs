namespace LicensePortal.Infrastructure;

/// <summary>Settings for running behind a TLS-terminating proxy (section "Security"; see docs/OPERATIONS.md).</summary>
public sealed class WebSecurityOptions
{
    public const string Section = "Security";

    /// <summary>Addresses of the reverse proxies whose X-Forwarded-For/-Proto headers are believed. None: no forwarded header is
    /// believed.</summary>
    public string[] TrustedProxies { get; set; } = [];

    /// <summary>Networks (CIDR, e.g. 10.0.0.0/8) of trusted proxies, for proxies without a fixed address.</summary>
    public string[] TrustedNetworks { get; set; } = [];

    /// <summary>How long a sign-in lasts without being renewed by use.</summary>
    public int SignInHours { get; set; } = 8;
}
