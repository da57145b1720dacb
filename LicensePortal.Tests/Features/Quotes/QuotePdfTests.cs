using LicensePortal.Features.Customers;
using LicensePortal.Features.Licensing;
using LicensePortal.Features.Quotes;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;

namespace LicensePortal.Tests.Features.Quotes;

public class QuotePdfTests
{
    internal static readonly VendorOptions Vendor = new()
    {
        Name = "SmarterTools Inc.",
        Address = "1340 N. Kolb Rd., Tucson, AZ 85715",
        Phone = "1.877.357.6278",
        Email = "sales@smartertools.example",
        Website = "www.smartertools.example",
    };

    internal static readonly Customer Customer = new()
    {
        Name = "Northwind Hosting LLC",
        Email = "licensing@northwind.example",
        Phone = "+1 503 555 0100",
        AddressLine1 = "12 Main St",
        City = "Portland",
        Region = "OR",
        PostalCode = "97201",
        Country = "United States",
    };

    internal static Quote Quote(int licenses)
    {
        var quote = new Quote
        {
            Number = "Q-2026-000123",
            QuoteDate = new(2026, 11, 26),
            ValidUntil = new(2026, 12, 25),
            SalesRepName = "Sara Lindqvist",
            SalesRepEmail = "sales@demo.licenseportal.test",
            CreatedAt = new DateTime(2026, 11, 26, 12, 0, 0, DateTimeKind.Utc),
        };
        for (var i = 0; i < licenses; i++)
        {
            var item = new QuoteItem
            {
                LicenseKey = $"AAAAA-BBBBB-CCCCC-DDDDD-E{i:0000}",
                ProductName = "SmarterMail",
                FromMajor = i % 2 == 0 ? 12 : 10,
            };
            if (i % 2 == 1)
                item.Lines.Add(
                    new QuoteLineItem
                    {
                        Position = 0,
                        Kind = QuoteLineKind.MajorUpgrade,
                        Title = "Major upgrade 10.x → 12.x",
                        Reason =
                            "Upgrade protection lapsed on 2025-01-31: reinstating 12 months of protection at the 12.x price for "
                            + "Professional 250 mailboxes.",
                        Amount = 74.75m,
                    }
                );
            item.Lines.Add(
                new QuoteLineItem
                {
                    Position = 1,
                    Kind = QuoteLineKind.Change,
                    Title = "Professional 250 mailboxes → Enterprise 250 mailboxes",
                    Reason = "Difference on the 12.x price list: $599.00 − $299.00.",
                    FromPrice = 299m,
                    ToPrice = 599m,
                    Amount = 300m + i,
                }
            );
            item.Subtotal = item.Lines.Sum(l => l.Amount);
            quote.Items.Add(item);
        }
        quote.Total = quote.Items.Sum(i => i.Subtotal);
        return quote;
    }

    [Fact]
    public void A_quote_pdf_reads_back_with_number_customer_amounts_total_and_validity()
    {
        var quote = Quote(2);

        var text = PdfText.All(QuotePdf.Render(quote, Customer, Vendor, "Taxes are not included."));

        Assert.Contains("SmarterTools Inc.", text);
        Assert.Contains("Quote Q-2026-000123", text);
        Assert.Contains("Northwind Hosting LLC", text);
        Assert.Contains("12 Main St, Portland, OR, 97201, United States", text);
        Assert.Contains("Valid until 25 December 2026", text);
        Assert.Contains("$300.00", text);
        Assert.Contains("$74.75", text);
        Assert.Contains("$301.00", text);
        Assert.Contains($"Total {quote.Total.Usd()}", text);
        Assert.Equal("$675.75", quote.Total.Usd());
        Assert.Contains("Upgrade protection lapsed on 2025-01-31", text);
        Assert.Contains("This quote is valid until 25 December 2026", text);
        Assert.Contains("Page 1 of 1", text);
    }

    [Fact]
    public void A_quote_of_25_licenses_breaks_across_pages_with_a_header_and_page_numbers_on_each()
    {
        var quote = Quote(25);

        var pdf = QuotePdf.Render(quote, Customer, Vendor, string.Join(" ", Enumerable.Repeat("Terms that wrap over several lines.", 30)));
        Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "documents"));
        File.WriteAllBytes(Path.Combine(AppContext.BaseDirectory, "documents", "quote-25-licenses.pdf"), pdf);
        var pages = PdfText.Pages(pdf);

        Assert.True(pages.Count >= 2, $"{pages.Count} page(s)");
        for (var i = 0; i < pages.Count; i++)
        {
            Assert.Contains($"Page {i + 1} of {pages.Count}", pages[i]);
            Assert.Contains("SmarterTools Inc.", pages[i]);
            if (i > 0)
                Assert.Contains("Quote Q-2026-000123", pages[i]);
        }
        // The table header repeats on every page that has rows.
        Assert.All(pages.Where(p => p.Contains("AAAAA")), p => Assert.Contains("License and change List prices Amount", p));
        var all = string.Join(" ", pages);
        foreach (var item in quote.Items)
            Assert.Contains(item.LicenseKey, all);
        Assert.Contains($"Total {quote.Total.Usd()}", all);
    }

    [Fact]
    public void A_quote_with_a_major_step_and_a_renewal_prints_both_lines_and_the_renewal_rule()
    {
        var quote = Quote(0);
        var step = new QuoteItem
        {
            LicenseKey = "STEPS-BBBBB-CCCCC-DDDDD-E0001",
            ProductName = "SmarterMail",
            FromMajor = 11,
            ToMajor = 12,
            FromDescription = "Professional 250 mailboxes",
            ToDescription = "Professional 250 mailboxes",
        };
        step.Lines.Add(
            new QuoteLineItem
            {
                Kind = QuoteLineKind.MajorUpgrade,
                Title = "Major upgrade 11.x → 12.x",
                Reason = "Covered by upgrade protection, current until 2027-02-01.",
                Amount = 0m,
            }
        );
        var renewal = new QuoteItem
        {
            LicenseKey = "RENEW-BBBBB-CCCCC-DDDDD-E0002",
            ProductName = "SmarterMail",
            FromMajor = 12,
            ToMajor = 12,
            RenewsProtection = true,
            FromDescription = "Enterprise 500 mailboxes",
            ToDescription = "Enterprise 500 mailboxes",
        };
        renewal.Lines.Add(
            new QuoteLineItem
            {
                Kind = QuoteLineKind.ProtectionRenewal,
                Title = "Upgrade protection renewal, 12 months",
                Reason =
                    "12 months at the 12.x price for Enterprise 500 mailboxes. Protection is current until 2027-01-15: accepted by "
                    + "then, the new period runs on from that date to 2028-01-15, no day lost.",
                Amount = 400m,
            }
        );
        quote.Items.AddRange([step, renewal]);
        quote.Total = 400m;

        var text = PdfText.All(QuotePdf.Render(quote, Customer, Vendor, "Taxes are not included."));

        Assert.Contains("Upgrades and renewals", text);
        Assert.Contains("STEPS-BBBBB-CCCCC-DDDDD-E0001 · SmarterMail 11.x Major upgrade 11.x → 12.x", text);
        Assert.Contains("Covered by upgrade protection, current until 2027-02-01.", text);
        Assert.Contains("Upgrade protection renewal, 12 months", text);
        Assert.Contains("runs on from that date to 2028-01-15, no day lost", text);
        Assert.Contains("renewed after it lapsed, it runs 12 months from the date this quote is accepted", text);
        Assert.Contains("Total $400.00", text);
    }

    [Fact]
    public void A_quote_without_renewals_does_not_print_the_renewal_rule()
    {
        Assert.DoesNotContain("renewed after it lapsed", PdfText.All(QuotePdf.Render(Quote(1), Customer, Vendor, "")));
    }
}
