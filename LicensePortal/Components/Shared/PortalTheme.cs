using MudBlazor;

namespace LicensePortal.Components.Shared;

/// <summary>The one theme of the portal and its account pages (app.css repeats the brand colours for the static pages).</summary>
public static class PortalTheme
{
    public static readonly string[] FontFamily =
    [
        "system-ui",
        "-apple-system",
        "Segoe UI",
        "Roboto",
        "Helvetica Neue",
        "Arial",
        "sans-serif",
    ];

    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1f5fa8",
            Secondary = "#5b6b7f",
            AppbarBackground = "#173f6e",
            Background = "#f5f7fa",
            DrawerBackground = "#ffffff",
            // Every colour below reads at 4.5:1 or better as text on the page, on its own light tint (StateChip) and
            // under white text (filled buttons and chips): axe's color-contrast (AccessibilityTests).
            TextSecondary = "#4f5d6e",
            Tertiary = "#00695c",
            Info = "#0d5aa7",
            Success = "#1b5e20",
            Warning = "#8a5300",
            Error = "#c62828",
        },
        PaletteDark = new PaletteDark
        {
            // Light colours on the dark surface, so text on them (filled buttons and chips) is dark: 4.5:1 or better
            // both ways, also on a chip's tint (AccessibilityTests).
            Primary = "#8ab8ee",
            PrimaryContrastText = "#0b1d33",
            Secondary = "#9fb0c4",
            SecondaryContrastText = "#0b1d33",
            Tertiary = "#4dd0b5",
            TertiaryContrastText = "#0b1d33",
            Info = "#90caf9",
            InfoContrastText = "#0b1d33",
            AppbarBackground = "#10233b",
            TextSecondary = "#c3c3c6",
            Success = "#81c784",
            SuccessContrastText = "#0b1d33",
            Warning = "#ffb74d",
            WarningContrastText = "#0b1d33",
            Error = "#ef9a9a",
            ErrorContrastText = "#0b1d33",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = FontFamily, FontSize = ".875rem" },
        },
        LayoutProperties = new LayoutProperties { DefaultBorderRadius = "6px" },
    };
}
