using MudBlazor;
using MudBlazor.Services;

namespace LicensePortal.Infrastructure;

public static class UiSetup
{
    public static WebApplicationBuilder AddPortalUi(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices(config =>
        {
            config.SnackbarConfiguration.PositionClass = Defaults.Classes.Position.BottomRight;
            config.SnackbarConfiguration.VisibleStateDuration = 6000;
        });
        builder.Services.Configure<VendorOptions>(builder.Configuration.GetSection(VendorOptions.Section));
        return builder;
    }
}

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
