using System.Text.RegularExpressions;
using UglyToad.PdfPig;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;

namespace LicensePortal.Tests.Infrastructure;

/// <summary>Reads a PDF's text back, page by page, with whitespace collapsed so assertions can search it.</summary>
public static class PdfText
{
    public static IReadOnlyList<string> Pages(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return [.. document.GetPages().Select(p => Regex.Replace(ContentOrderTextExtractor.GetText(p), @"\s+", " ").Trim())];
    }

    public static string All(byte[] pdf) => string.Join(" ", Pages(pdf));

    /// <summary>Every line of text as the reader sees it, in order, for assertions about what starts a line.</summary>
    public static IReadOnlyList<string> Lines(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return
        [
            .. document
                .GetPages()
                .SelectMany(p => ContentOrderTextExtractor.GetText(p).Split('\n'))
                .Select(l => l.Trim())
                .Where(l => l.Length > 0),
        ];
    }
}
