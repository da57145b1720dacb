using System.Buffers.Binary;
using System.IO.Compression;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using PdfSharp.Pdf.IO;

namespace LicensePortal.Infrastructure.Pdf;

public enum Align
{
    Left,
    Right,
}

public sealed record PdfColumn(string Header, double Width, Align Align = Align.Left);

/// <summary>
/// The small layout layer every document is built from: PDFsharp draws, this lays out.
/// Letterhead on the first page and a running header on the others, wrapped paragraphs,
/// key–value blocks, tables whose rows grow with wrapped cells and repeat their header on a
/// new page, a signature block, and "Page X of N" added in a second pass. Every document it makes passes
/// `qpdf --check` without a warning (see CompleteFlateStreams).
/// </summary>
public sealed class PdfComposer
{
    private const double Margin = 50,
        HeaderHeight = 28,
        FooterHeight = 30,
        CellPadding = 4;
    private static readonly XColor Brand = XColor.FromArgb(0x1f, 0x5f, 0xa8);
    private static readonly XColor Rule = XColor.FromArgb(0xc8, 0xd0, 0xda);
    private static readonly XColor Muted = XColor.FromArgb(0x5b, 0x6b, 0x7f);

    private readonly PdfDocument document = new();
    private readonly VendorOptions vendor;
    private readonly string runningTitle;
    private readonly DateTime createdUtc;
    private XGraphics? gfx;
    private PdfPage? page;
    private double y;

    public PdfComposer(VendorOptions vendor, string title, string runningTitle, DateTime createdUtc)
    {
        PortalFontResolver.EnsureInstalled();
        this.vendor = vendor;
        this.runningTitle = runningTitle;
        this.createdUtc = DateTime.SpecifyKind(createdUtc, DateTimeKind.Utc);
        document.Info.Title = title;
        document.Info.Author = vendor.Name;
        document.Info.Creator = "LicensePortal";
        // The document's own date, not the time it happened to be drawn.
        document.Info.CreationDate = this.createdUtc;
        document.Info.ModificationDate = document.Info.CreationDate;
        NewPage(first: true);
    }

    private double Width => page!.Width.Point - 2 * Margin;
    private double Bottom => page!.Height.Point - Margin - FooterHeight;

    public static XFont Font(double size, bool bold = false) =>
        new(PortalFontResolver.Family, size, bold ? XFontStyleEx.Bold : XFontStyleEx.Regular);

    private void NewPage(bool first = false)
    {
        gfx?.Dispose();
        page = document.AddPage();
        page.Size = PdfSharp.PageSize.A4;
        gfx = XGraphics.FromPdfPage(page);
        y = Margin;
        if (first)
        {
            // Letterhead: the vendor's name and contact details.
            gfx.DrawString(
                vendor.Name,
                Font(18, bold: true),
                new XSolidBrush(Brand),
                new XRect(Margin, y, Width, 22),
                XStringFormats.TopLeft
            );
            var contact = string.Join(
                "  ·  ",
                new[] { vendor.Phone, vendor.Email, vendor.Website }.Where(s => !string.IsNullOrWhiteSpace(s))
            );
            gfx.DrawString(vendor.Address, Font(8.5), new XSolidBrush(Muted), new XRect(Margin, y + 24, Width, 12), XStringFormats.TopLeft);
            gfx.DrawString(contact, Font(8.5), new XSolidBrush(Muted), new XRect(Margin, y + 36, Width, 12), XStringFormats.TopLeft);
            y += 54;
        }
        else
        {
            gfx.DrawString(
                vendor.Name,
                Font(9, bold: true),
                new XSolidBrush(Brand),
                new XRect(Margin, y, Width, 12),
                XStringFormats.TopLeft
            );
            gfx.DrawString(runningTitle, Font(9), new XSolidBrush(Muted), new XRect(Margin, y, Width, 12), XStringFormats.TopRight);
            y += HeaderHeight - 12;
        }
        gfx.DrawLine(new XPen(Rule, 0.8), Margin, y, Margin + Width, y);
        y += 12;
    }

    private void EnsureSpace(double height)
    {
        if (y + height > Bottom)
            NewPage();
    }

    public PdfComposer Spacer(double height = 8)
    {
        y += height;
        return this;
    }

    public PdfComposer Heading(string text, double size = 15)
    {
        EnsureSpace(size + 8);
        gfx!.DrawString(text, Font(size, bold: true), XBrushes.Black, new XRect(Margin, y, Width, size + 4), XStringFormats.TopLeft);
        y += size + 8;
        return this;
    }

    /// <summary>Wrapped text; a long paragraph continues on the next page line by line.</summary>
    public PdfComposer Paragraph(string text, double size = 9.5, bool bold = false, bool muted = false)
    {
        var font = Font(size, bold);
        var lineHeight = size * 1.35;
        foreach (var line in Wrap(text, font, Width))
        {
            EnsureSpace(lineHeight);
            gfx!.DrawString(
                line,
                font,
                muted ? new XSolidBrush(Muted) : XBrushes.Black,
                new XRect(Margin, y, Width, lineHeight),
                XStringFormats.TopLeft
            );
            y += lineHeight;
        }
        y += 4;
        return this;
    }

    /// <summary>Labels and values in two columns, each value wrapped beside its label.</summary>
    public PdfComposer KeyValues(IEnumerable<(string Key, string Value)> pairs, double keyWidth = 120, double size = 9.5)
    {
        var key = Font(size, bold: true);
        var value = Font(size);
        var lineHeight = size * 1.35;
        foreach (var (k, v) in pairs)
        {
            var lines = Wrap(v, value, Width - keyWidth);
            EnsureSpace(lineHeight * lines.Count);
            gfx!.DrawString(k, key, new XSolidBrush(Muted), new XRect(Margin, y, keyWidth, lineHeight), XStringFormats.TopLeft);
            foreach (var line in lines)
            {
                gfx.DrawString(
                    line,
                    value,
                    XBrushes.Black,
                    new XRect(Margin + keyWidth, y, Width - keyWidth, lineHeight),
                    XStringFormats.TopLeft
                );
                y += lineHeight;
            }
        }
        y += 6;
        return this;
    }

    /// <summary>
    /// A table; each row is as tall as its most wrapped cell, rows never split across pages,
    /// and the header repeats at the top of every page the table reaches.
    /// Column widths are fractions of the page width.
    /// </summary>
    public PdfComposer Table(
        IReadOnlyList<PdfColumn> columns,
        IEnumerable<IReadOnlyList<string>> rows,
        double size = 9,
        bool lastRowBold = false
    )
    {
        var regular = Font(size);
        var bold = Font(size, bold: true);
        var lineHeight = size * 1.3;
        var widths = columns.Select(c => c.Width * Width).ToArray();
        var list = rows.ToList();

        void Header()
        {
            var cells = columns.Select((c, i) => Wrap(c.Header, bold, widths[i] - 2 * CellPadding)).ToList();
            var height = cells.Max(c => c.Count) * lineHeight + 2 * CellPadding;
            EnsureSpace(height + lineHeight + 2 * CellPadding);
            gfx!.DrawRectangle(new XSolidBrush(XColor.FromArgb(0xee, 0xf2, 0xf7)), Margin, y, Width, height);
            DrawCells(cells, columns, widths, bold, lineHeight);
            y += height;
        }

        Header();
        for (var r = 0; r < list.Count; r++)
        {
            var font = lastRowBold && r == list.Count - 1 ? bold : regular;
            var cells = list[r].Select((text, i) => Wrap(text, font, widths[i] - 2 * CellPadding)).ToList();
            var height = cells.Max(c => c.Count) * lineHeight + 2 * CellPadding;
            if (y + height > Bottom)
            {
                NewPage();
                Header();
            }
            DrawCells(cells, columns, widths, font, lineHeight);
            y += height;
            gfx!.DrawLine(new XPen(Rule, 0.5), Margin, y, Margin + Width, y);
        }
        y += 10;
        return this;
    }

    private void DrawCells(List<List<string>> cells, IReadOnlyList<PdfColumn> columns, double[] widths, XFont font, double lineHeight)
    {
        var x = Margin;
        for (var i = 0; i < cells.Count; i++)
        {
            var lineY = y + CellPadding;
            foreach (var line in cells[i])
            {
                var rect = new XRect(x + CellPadding, lineY, widths[i] - 2 * CellPadding, lineHeight);
                gfx!.DrawString(
                    line,
                    font,
                    XBrushes.Black,
                    rect,
                    columns[i].Align == Align.Right ? XStringFormats.TopRight : XStringFormats.TopLeft
                );
                lineY += lineHeight;
            }
            x += widths[i];
        }
    }

    public PdfComposer SignatureBlock(string name, string? title, string date)
    {
        EnsureSpace(80);
        y += 30;
        gfx!.DrawLine(new XPen(XColors.Black, 0.6), Margin, y, Margin + 220, y);
        y += 4;
        KeyValues([("Name", name), ("Title", title ?? ""), ("Date", date)], keyWidth: 50);
        return this;
    }

    /// <summary>Numbers the pages in a second pass and returns the document's bytes.</summary>
    public byte[] Finish()
    {
        gfx?.Dispose();
        gfx = null;
        var count = document.PageCount;
        for (var i = 0; i < count; i++)
        {
            var p = document.Pages[i];
            using var g = XGraphics.FromPdfPage(p, XGraphicsPdfPageOptions.Append);
            g.DrawString(
                $"Page {i + 1} of {count}",
                Font(8.5),
                new XSolidBrush(Muted),
                new XRect(Margin, p.Height.Point - Margin - 12, p.Width.Point - 2 * Margin, 12),
                XStringFormats.TopRight
            );
        }
        using var saved = new MemoryStream();
        document.Save(saved, closeStream: false);
        return CompleteFlateStreams(saved, createdUtc);
    }

    /// <summary>
    /// PDFsharp 6.2.4 writes each compressed stream as a zlib header and the deflate data but leaves off the Adler-32
    /// checksum that ends a zlib stream (RFC 1950), so a reader that checks, qpdf among them, warns about every one
    /// ("input stream is complete but output may still be valid"). The document is read back, each such stream gets
    /// the checksum of its data, and it is saved again; the data itself is not compressed a second time.
    /// </summary>
    private static byte[] CompleteFlateStreams(MemoryStream saved, DateTime modified)
    {
        saved.Position = 0;
        using var document = PdfReader.Open(saved, PdfDocumentOpenMode.Modify);
        // Opening to modify stamps the time now: the document keeps its own date.
        document.Info.ModificationDate = modified;
        // Saving writes fresh XMP metadata from the information above; the first save's would stay behind unused.
        document.Internals.Catalog.Elements.Remove("/Metadata");
        // Nothing new goes through PDFsharp's encoder: the new metadata is written as it is.
        document.Options.NoCompression = true;
        document.Options.CompressContentStreams = false;
        foreach (var item in document.Internals.GetAllObjects())
        {
            if (item is not PdfDictionary { Stream: { } stream } dictionary || dictionary.Elements.GetName("/Filter") != "/FlateDecode")
                continue;
            var zlib = stream.Value;
            using var data = new MemoryStream();
            // The deflate data starts after the two bytes of the zlib header.
            using (var deflate = new DeflateStream(new MemoryStream(zlib, 2, zlib.Length - 2), CompressionMode.Decompress))
                deflate.CopyTo(data);
            var checksum = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(checksum, Adler32(data.GetBuffer().AsSpan(0, (int)data.Length)));
            // A PDFsharp that writes the checksum itself is left as it is.
            if (zlib.AsSpan()[^4..].SequenceEqual(checksum))
                continue;
            stream.Value = [.. zlib, .. checksum];
            dictionary.Elements.SetInteger("/Length", stream.Value.Length);
        }
        using var output = new MemoryStream();
        document.Save(output, closeStream: false);
        return output.ToArray();
    }

    /// <summary>The Adler-32 checksum of RFC 1950, section 8.2, which .NET does not offer on its own.</summary>
    internal static uint Adler32(ReadOnlySpan<byte> data)
    {
        const uint Modulus = 65521;
        // 5552 bytes is the most that can be added up before the sums could overflow 32 bits.
        uint a = 1,
            b = 0;
        while (data.Length > 0)
        {
            var chunk = data[..Math.Min(5552, data.Length)];
            foreach (var x in chunk)
            {
                a += x;
                b += a;
            }
            a %= Modulus;
            b %= Modulus;
            data = data[chunk.Length..];
        }
        return b << 16 | a;
    }

    /// <summary>
    /// Breaks text into lines that fit the width, at spaces where it can and inside a word where it must. Each character's
    /// width is measured once and lines are added up as they grow, so the work is linear in the text: a 30,000-character
    /// word is cut in one pass, never re-measured prefix by prefix.
    /// </summary>
    internal List<string> Wrap(string text, XFont font, double width)
    {
        var advance = new Dictionary<char, double>();
        double Of(char c) => advance.TryGetValue(c, out var w) ? w : advance[c] = gfx!.MeasureString(c.ToString(), font).Width;
        double Measure(string word)
        {
            var total = 0.0;
            foreach (var c in word)
                total += Of(c);
            return total;
        }
        var space = Of(' ');
        var lines = new List<string>();
        foreach (var paragraph in (text ?? "").Replace("\r", "").Split('\n'))
        {
            var line = new System.Text.StringBuilder();
            var lineWidth = 0.0;
            foreach (var word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var wordWidth = Measure(word);
                if (line.Length > 0 && lineWidth + space + wordWidth <= width)
                {
                    line.Append(' ').Append(word);
                    lineWidth += space + wordWidth;
                    continue;
                }
                if (line.Length > 0)
                    lines.Add(line.ToString());
                line.Clear();
                lineWidth = 0;
                foreach (var c in word)
                {
                    // Only a word wider than the whole line gets here with a full line: it is cut where it must be.
                    if (line.Length > 0 && lineWidth + Of(c) > width)
                    {
                        lines.Add(line.ToString());
                        line.Clear();
                        lineWidth = 0;
                    }
                    line.Append(c);
                    lineWidth += Of(c);
                }
            }
            lines.Add(line.ToString());
        }
        return lines;
    }

    /// <summary>The width of a line as drawn, for tests of the wrapping.</summary>
    internal double WidthOf(string text, XFont font) => gfx!.MeasureString(text, font).Width;

    /// <summary>The width text is wrapped to in a paragraph.</summary>
    internal double LineWidth => Width;
}
