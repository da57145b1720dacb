using PdfSharp.Fonts;

namespace LicensePortal.Infrastructure.Pdf;

/// <summary>
/// PDFsharp finds no system fonts on Linux, so documents use Liberation Sans shipped inside the
/// app: the same look on every machine, no font package needed.
/// </summary>
internal sealed class PortalFontResolver : IFontResolver
{
    public const string Family = "Liberation Sans";
    private const string Regular = "LiberationSans-Regular";
    private const string Bold = "LiberationSans-Bold";

    private static readonly object Gate = new();
    private static bool installed;

    public static void EnsureInstalled()
    {
        lock (Gate)
        {
            if (installed)
                return;
            GlobalFontSettings.FontResolver ??= new PortalFontResolver();
            installed = true;
        }
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) =>
        // Every family maps to Liberation Sans; italic is simulated.
        new(bold ? Bold : Regular, false, italic);

    public byte[]? GetFont(string faceName)
    {
        using var stream =
            typeof(PortalFontResolver).Assembly.GetManifestResourceStream($"LicensePortal.Fonts.{faceName}.ttf")
            ?? throw new InvalidOperationException($"The font {faceName} is not embedded in the app.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
