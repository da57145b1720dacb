namespace LicensePortal.Infrastructure;

/// <summary>The vendor's details printed on quotes and letters.</summary>
public sealed class VendorOptions
{
    public const string Section = "Vendor";
    public string Name { get; set; } = "";
    public string Address { get; set; } = "";
    public string Phone { get; set; } = "";
    public string Email { get; set; } = "";
    public string Website { get; set; } = "";
    public string TimeZone { get; set; } = "UTC";
}
