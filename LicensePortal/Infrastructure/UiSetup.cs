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
