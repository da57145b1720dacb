using LicensePortal.Infrastructure;

namespace LicensePortal.Tests.Infrastructure;

public class CsvCellTests
{
    [Theory]
    [InlineData("Acme Hosting", "Acme Hosting")]
    [InlineData("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"")]
    [InlineData("+1 555 0100", "'+1 555 0100")]
    [InlineData("-2", "'-2")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tcmd", "'\tcmd")]
    [InlineData("\rcmd", "\"'\rcmd\"")]
    [InlineData("Smith, Jones & Co", "\"Smith, Jones & Co\"")]
    [InlineData("two\rlines", "\"two\rlines\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("a-b=c", "a-b=c")]
    [InlineData("", "")]
    public void A_cell_is_quoted_when_it_must_be_and_never_starts_a_formula(string value, string cell) =>
        Assert.Equal(cell, CsvCell.Of(value));

    [Theory]
    [InlineData("'=Evil", "=Evil")]
    [InlineData("'-2", "-2")]
    [InlineData("'quoted", "'quoted")]
    [InlineData("plain", "plain")]
    public void Reading_back_takes_off_only_the_neutralising_apostrophe(string cell, string value) =>
        Assert.Equal(value, CsvCell.Read(cell));
}
