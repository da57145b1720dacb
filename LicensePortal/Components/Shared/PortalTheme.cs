using MudBlazor;

namespace LicensePortal.Components.Shared;

/// <summary>The one theme of the portal and its account pages (app.css repeats the brand colours for the static pages).</summary>
public static class PortalTheme
{
    public static readonly string[] FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"];

    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1f5fa8",
            Secondary = "#5b6b7f",
            AppbarBackground = "#173f6e",
            Background = "#f5f7fa",
            DrawerBackground = "#ffffff",
            Success = "#2e7d32",
            Warning = "#b26a00",
            Error = "#c62828",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#7fb0ea",
            Secondary = "#9fb0c4",
            AppbarBackground = "#10233b",
            Success = "#66bb6a",
            Warning = "#ffb74d",
            Error = "#ef9a9a",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = FontFamily, FontSize = ".875rem" },
        },
        LayoutProperties = new LayoutProperties { DefaultBorderRadius = "6px" },
    };
}
