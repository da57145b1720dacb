using LicensePortal.Features.Catalog;

namespace LicensePortal.Tests.Features.Catalog;

public class PriceListCsvTests
{
    private static readonly (int, string)[] Editions = [(1, "Professional"), (2, "Enterprise")];
    private static readonly (int, string)[] Levels = [(10, "250 mailboxes"), (11, "1,000 mailboxes")];

    private static readonly PriceRow[] Rows =
    [
        new(1, "Professional", 10, "250 mailboxes", 299m, 149.5m, 74.75m),
        new(2, "Enterprise", 11, "1,000 mailboxes", 2399m, 1199m, 599.75m),
    ];

    [Fact]
    public void An_exported_list_reads_back_unchanged_with_commas_in_names()
    {
        var csv = PriceListCsv.Export(Rows);

        Assert.Contains("\"1,000 mailboxes\"", csv);
        var read = PriceListCsv.Parse(csv, Editions, Levels);
        Assert.True(read.Ok);
        Assert.Equal(Rows, read.Rows);
    }

    [Fact]
    public void A_name_a_spreadsheet_would_run_as_a_formula_is_exported_as_text_and_reads_back_as_the_name()
    {
        PriceRow[] rows = [new(3, "=Evil()", 10, "250 mailboxes", 10m, 5m, 2.5m)];

        var csv = PriceListCsv.Export(rows);

        Assert.Contains("\n'=Evil(),250 mailboxes,", csv);
        Assert.Equal(rows, PriceListCsv.Parse(csv, [(3, "=Evil()")], Levels).Rows);
    }

    [Fact]
    public void Every_bad_row_is_reported_with_its_line_and_reason_and_no_row_is_returned()
    {
        var csv = """
            edition,level,license_price,failover_price,protection_price
            Professional,250 mailboxes,299.00,149.50,74.75
            Platinum,250 mailboxes,1.00,1.00,1.00
            Enterprise,"1,000 mailboxes",-5,1.00,abc
            Professional,250 mailboxes,1.00,1.00,1.00
            Enterprise,2 mailboxes,1.001,1,1
            Enterprise,250 mailboxes,1
            """;

        var read = PriceListCsv.Parse(csv, Editions, Levels);

        Assert.False(read.Ok);
        Assert.Empty(read.Rows);
        Assert.Equal(
            [
                new(3, "No edition called \"Platinum\"."),
                new(4, "The license price can't be negative; the protection price \"abc\" is not a number."),
                new(5, "Professional 250 mailboxes is already priced on line 2."),
                new(6, "No level called \"2 mailboxes\"; the license price must be in whole cents."),
                new CsvProblem(7, "Expected 5 values, found 3."),
            ],
            read.Problems
        );
    }

    [Theory]
    [InlineData("", "The first line must be the header")]
    [InlineData("name,price\nx,1", "The first line must be the header")]
    [InlineData("edition,level,license_price,failover_price,protection_price\n", "The file has no prices.")]
    public void A_file_without_the_header_or_rows_is_refused(string csv, string message) =>
        Assert.Contains(message, Assert.Single(PriceListCsv.Parse(csv, Editions, Levels).Problems).Message);

    [Fact]
    public void A_byte_order_mark_and_windows_line_ends_are_accepted()
    {
        var csv = "\uFEFF" + PriceListCsv.Export(Rows).Replace("\n", "\r\n");
        Assert.Equal(Rows, PriceListCsv.Parse(csv, Editions, Levels).Rows);
    }
}
