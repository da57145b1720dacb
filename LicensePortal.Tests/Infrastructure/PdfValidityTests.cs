using LicensePortal.Features.Catalog;
using LicensePortal.Features.Customers;
using LicensePortal.Features.Licenses;
using LicensePortal.Features.Quotes;
using LicensePortal.Features.Transfers;
using LicensePortal.Tests.Features.Quotes;

namespace LicensePortal.Tests.Infrastructure;

/// <summary>
/// Every document the portal makes passes `qpdf --check` without a warning: a reader that checks what it reads
/// must find nothing to repair, on one page or several (the second pass that numbers the pages included).
/// </summary>
public class PdfValidityTests
{
    private static readonly Customer Seller = new()
    {
        Name = "Acme Inc.",
        AddressLine1 = "1 Industrial Way",
        City = "Springfield",
        Region = "IL",
        PostalCode = "62701",
        Country = "United States",
    };

    private static readonly Customer Buyer = new()
    {
        Name = "Buyer Networks GmbH",
        AddressLine1 = "Hauptstraße 5",
        City = "Berlin",
        PostalCode = "10115",
        Country = "Germany",
    };

    private static byte[] Letter(string reason, TransferKind kind = TransferKind.Transfer)
    {
        var request = new TransferRequest
        {
            Kind = kind,
            Reference = "TC-2026-00042",
            Reason = reason,
            DecidedByName = "Maria Keller",
            DecidedByTitle = "Licensing Manager",
            DecidedAt = new DateTime(2026, 11, 26, 12, 0, 0, DateTimeKind.Utc),
            EffectiveOn = new(2026, 12, 1),
            LeaseEndsOn = kind == TransferKind.Lease ? new(2027, 6, 30) : null,
        };
        var license = new License
        {
            Key = "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE",
            Major = 12,
            Product = new Product { Name = "SmarterMail" },
            Edition = new Edition { Name = "Professional" },
            Level = new Level { Name = "250 mailboxes" },
        };
        return ConsentLetterPdf.Render(request, license, Seller, Buyer, QuotePdfTests.Vendor, 30);
    }

    private static void AssertValid(byte[] pdf, string name)
    {
        var (exitCode, output) = Qpdf.Check(pdf, name);
        var warned = output.Contains("WARNING", StringComparison.OrdinalIgnoreCase) || output.Contains("may still be valid");
        Assert.True(exitCode == 0 && !warned, $"qpdf --check {name} exited {exitCode}:\n{output}");
    }

    [Fact]
    public void A_one_page_quote_passes_qpdf_check()
    {
        var pdf = QuotePdf.Render(QuotePdfTests.Quote(2), QuotePdfTests.Customer, QuotePdfTests.Vendor, "Taxes are not included.");

        Assert.Single(PdfText.Pages(pdf));
        AssertValid(pdf, "valid-quote-1-page.pdf");
    }

    [Fact]
    public void A_quote_over_several_pages_passes_qpdf_check()
    {
        var pdf = QuotePdf.Render(QuotePdfTests.Quote(25), QuotePdfTests.Customer, QuotePdfTests.Vendor, "Taxes are not included.");

        Assert.True(PdfText.Pages(pdf).Count >= 2);
        AssertValid(pdf, "valid-quote-pages.pdf");
    }

    [Fact]
    public void A_consent_letter_passes_qpdf_check()
    {
        var pdf = Letter("Company sold its mail business", TransferKind.Lease);

        Assert.Single(PdfText.Pages(pdf));
        AssertValid(pdf, "valid-letter-1-page.pdf");
    }

    [Fact]
    public void A_consent_letter_over_several_pages_passes_qpdf_check()
    {
        var reason = string.Join(" ", Enumerable.Repeat("The buyer takes over the hosting business with its customers and servers.", 60));
        var pdf = Letter(reason);

        var pages = PdfText.Pages(pdf);
        Assert.True(pages.Count >= 2, $"{pages.Count} page(s)");
        Assert.Contains($"Page {pages.Count} of {pages.Count}", pages[^1]);
        AssertValid(pdf, "valid-letter-pages.pdf");
    }

    [Fact]
    public void Names_that_end_in_a_dot_end_their_sentence_once()
    {
        var text = PdfText.All(Letter("Sale"));

        Assert.Contains("Acme Inc.", text);
        Assert.Contains("without a new written consent from SmarterTools Inc. 2.", text);
        Assert.DoesNotContain("Inc..", text);
    }
}
