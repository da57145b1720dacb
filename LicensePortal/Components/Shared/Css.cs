namespace LicensePortal.Components.Shared;

/// <summary>MudBlazor's classes for markup drawn without its components (lists draw many rows; each component instance costs memory per
/// open page).</summary>
public static class Css
{
    /// <summary>A link that looks like a MudLink.</summary>
    public const string Link = "mud-typography mud-link mud-primary-text mud-link-underline-hover";

    /// <summary>A link inside running text, always underlined so it is told from the words around it (axe link-in-text-block).</summary>
    public const string TextLink = "mud-typography mud-link mud-primary-text mud-link-underline-always";

    /// <summary>A small outlined primary MudButton, for an anchor in a row (its text goes in a span of class mud-button-label).</summary>
    public const string SmallOutlinedButton =
        "mud-button-root mud-button mud-button-outlined mud-button-outlined-primary mud-button-outlined-size-small nowrap";

    /// <summary>A small text primary MudButton, for an anchor in a row.</summary>
    public const string SmallTextButton = "mud-button-root mud-button mud-button-text mud-button-text-primary mud-button-text-size-small";
}
