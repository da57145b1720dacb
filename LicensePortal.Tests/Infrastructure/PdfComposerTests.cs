using System.Buffers.Binary;
using System.IO.Compression;
using LicensePortal.Infrastructure;
using LicensePortal.Infrastructure.Pdf;

namespace LicensePortal.Tests.Infrastructure;

public class PdfComposerTests
{
    private static PdfComposer Composer() =>
        new(new VendorOptions { Name = "SmarterTools Inc." }, "Test", "Test", new DateTime(2026, 11, 26, 0, 0, 0, DateTimeKind.Utc));

    [Fact]
    public void A_30000_character_word_is_cut_into_lines_that_fit_and_lose_nothing()
    {
        var composer = Composer();
        var font = PdfComposer.Font(10);
        var word = string.Concat(Enumerable.Repeat("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123", 1000));

        var lines = composer.Wrap(word, font, composer.LineWidth);

        Assert.Equal(word, string.Concat(lines));
        Assert.All(lines, l => Assert.True(composer.WidthOf(l, font) <= composer.LineWidth, $"{l.Length} characters overflow"));
        Assert.All(
            lines.Zip(lines.Skip(1)),
            pair =>
                Assert.True(composer.WidthOf(pair.First + pair.Second[0], font) > composer.LineWidth, "a line was cut before it was full")
        );
    }

    [Fact]
    public void Words_wrap_at_spaces_and_each_line_is_as_full_as_it_can_be()
    {
        var composer = Composer();
        var font = PdfComposer.Font(10);
        var text = string.Join(' ', Enumerable.Range(1, 200).Select(i => $"word{i}"));

        var lines = composer.Wrap(text, font, 200);

        Assert.Equal(text, string.Join(' ', lines));
        Assert.All(lines, l => Assert.True(composer.WidthOf(l, font) <= 200));
        Assert.All(
            lines.Zip(lines.Skip(1)),
            pair => Assert.True(composer.WidthOf($"{pair.First} {pair.Second.Split(' ')[0]}", font) > 200)
        );
        Assert.Equal(["first", "", "second line"], composer.Wrap("first\r\n\r\nsecond line", font, 200));
    }

    [Fact]
    public void The_checksum_that_completes_a_flate_stream_is_zlibs_own()
    {
        Assert.Equal(0x11E60398u, PdfComposer.Adler32("Wikipedia"u8));
        // Long enough for the sums to be reduced many times over, as a font program is.
        var data = new byte[200_000];
        new Random(15).NextBytes(data);
        using var packed = new MemoryStream();
        using (var zlib = new ZLibStream(packed, CompressionLevel.Fastest))
            zlib.Write(data);
        Assert.Equal(BinaryPrimitives.ReadUInt32BigEndian(packed.ToArray().AsSpan()[^4..]), PdfComposer.Adler32(data));
    }
}
