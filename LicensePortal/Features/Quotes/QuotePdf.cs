using LicensePortal.Features.Customers;
using LicensePortal.Infrastructure;
using LicensePortal.Infrastructure.Pdf;

namespace LicensePortal.Features.Quotes;

/// <summary>The quote a customer receives, built from the composition layer.</summary>
public static class QuotePdf
{
    public static byte[] Render(Quote quote, Customer customer, VendorOptions vendor, string terms)
    {
        var pdf = new PdfComposer(vendor, $"Quote {quote.Number}", $"Quote {quote.Number}", quote.CreatedAt);
        pdf.Heading($"Quote {quote.Number}")
            .KeyValues([
                ("Date", quote.QuoteDate.ToString("d MMMM yyyy")),
                ("Valid until", quote.ValidUntil.ToString("d MMMM yyyy")),
                ("Prepared by", $"{quote.SalesRepName} ({quote.SalesRepEmail})"),
            ])
            .Heading("Customer", 11)
            .KeyValues([
                ("Name", customer.Name),
                (
                    "Address",
                    string.Join(
                        ", ",
                        new[]
                        {
                            customer.AddressLine1,
                            customer.AddressLine2,
                            customer.City,
                            customer.Region,
                            customer.PostalCode,
                            customer.Country,
                        }.Where(s => !string.IsNullOrWhiteSpace(s))
                    )
                ),
                ("Email", customer.Email),
                ("Phone", customer.Phone),
            ]);

        PdfColumn[] columns = [new("License and change", 0.60), new("List prices", 0.24), new("Amount", 0.16, Align.Right)];
        var rows = new List<IReadOnlyList<string>>();
        foreach (var item in quote.Items)
        {
            foreach (var line in item.Lines.OrderBy(l => l.Position))
            {
                var prices = line.FromPrice is { } from && line.ToPrice is { } to ? $"{from.Usd()} → {to.Usd()}" : "";
                rows.Add([
                    $"{item.LicenseKey} · {item.ProductName} {item.FromMajor}.x\n{line.Title}\n{line.Reason}",
                    prices,
                    line.Amount.Usd(),
                ]);
            }
        }
        rows.Add(["Total", "", quote.Total.Usd()]);
        pdf.Heading("Upgrades and renewals", 11).Table(columns, rows, lastRowBold: true);

        if (!string.IsNullOrWhiteSpace(quote.Notes))
            pdf.Heading("Notes", 11).Paragraph(quote.Notes);
        // The renewal rule decides the end date on the day the quote is accepted, so the customer reads it here.
        var renewal = quote.Items.Any(i => i.RenewsProtection)
            ? " Upgrade protection renewed on or before its end date runs on from that date for 12 months, so no day is lost; renewed "
                + "after it lapsed, it runs 12 months from the date this quote is accepted."
            : "";
        pdf.Heading("Terms", 11)
            .Paragraph(
                $"This quote is valid until {quote.ValidUntil:d MMMM yyyy}. Prices are in US dollars.{renewal} {terms}",
                size: 8.5,
                muted: true
            );
        return pdf.Finish();
    }
}
