using LicensePortal.Features.Customers;
using LicensePortal.Features.Licenses;
using LicensePortal.Infrastructure;
using LicensePortal.Infrastructure.Pdf;

namespace LicensePortal.Features.Transfers;

/// <summary>The written consent to a transfer or lease, built from the same composition layer as quotes.</summary>
public static class ConsentLetterPdf
{
    public static byte[] Render(
        TransferRequest t,
        License license,
        Customer from,
        Customer to,
        VendorOptions vendor,
        int migrationWindowDays
    )
    {
        var verb = t.Kind == TransferKind.Lease ? "lease" : "transfer";
        // Everything people typed goes in on one line, names and addresses as well as the reason (see OneLine).
        var (fromName, toName) = (OneLine(from.Name), OneLine(to.Name));
        var pdf = new PdfComposer(vendor, $"Consent {t.Reference}", $"Consent to {verb} {t.Reference}", t.DecidedAt!.Value);
        pdf.KeyValues([("Date", t.EffectiveOn!.Value.ToString("d MMMM yyyy")), ("Reference", t.Reference!)])
            .Heading($"Written consent to the {verb} of a license")
            .Paragraph(
                $"{vendor.Name} consents to the {verb} of the license described below from {fromName} to {toName}, effective "
                    + $"{t.EffectiveOn:d MMMM yyyy}, on the conditions set out in this letter."
            )
            .Heading("Parties", 11)
            .KeyValues(
                [
                    ("From (current owner)", $"{fromName}, {Address(from)}"),
                    (t.Kind == TransferKind.Lease ? "To (lessee)" : "To (new owner)", $"{toName}, {Address(to)}"),
                ],
                keyWidth: 140
            )
            .Heading("License", 11)
            .KeyValues(
                [
                    ("License key", license.Key),
                    ("Product", $"{OneLine(license.Product!.Name)} {license.Major}.x"),
                    ("Edition", OneLine(license.Edition!.Name)),
                    ("Level", OneLine(license.Level!.Name) + (license.HasFailover ? " with failover" : "")),
                    ("Effective date", t.EffectiveOn!.Value.ToString("d MMMM yyyy")),
                    .. t.LeaseEndsOn is { } ends ? new[] { ("Lease ends", ends.ToString("d MMMM yyyy")) } : [],
                ],
                keyWidth: 140
            )
            .Heading("Conditions", 11)
            // The vendor's name ends the sentence, and "Inc." ends in a dot of its own.
            .Paragraph(
                Sentence.End("1. The license may not be transferred or leased again without a new written consent from " + vendor.Name)
            )
            .Paragraph($"2. {toName} accepts the {vendor.Name} End User License Agreement for this license from the effective date.")
            .Paragraph(
                $"3. On the effective date every installation of the license by {fromName} is released; its history is kept. {toName} "
                    + $"starts with the full {migrationWindowDays}-day migration window, and the license allows only the installations "
                    + $"its configuration permits."
            )
            .Paragraph($"4. This consent covers only the license identified above and the reason given: {OneLine(t.Reason)}");
        if (t.LeaseEndsOn is { } end)
            pdf.Paragraph(
                $"5. The lease ends on {end:d MMMM yyyy}: on that date the license returns to {fromName}, the installations of {toName} "
                    + $"are released, "
                    + $"{fromName} starts again with the full migration window, and both parties are notified by email."
            );
        pdf.Spacer(10)
            .Paragraph($"For {vendor.Name}:")
            .SignatureBlock(
                OneLine(t.DecidedByName ?? ""),
                OneLine(t.DecidedByTitle ?? "Licensing Manager"),
                t.EffectiveOn!.Value.ToString("d MMMM yyyy")
            );
        return pdf.Finish();
    }

    private static string Address(Customer c) =>
        OneLine(
            string.Join(
                ", ",
                new[] { c.AddressLine1, c.AddressLine2, c.City, c.Region, c.PostalCode, c.Country }.Where(s =>
                    !string.IsNullOrWhiteSpace(s)
                )
            )
        );

    /// <summary>
    /// The requester's words on one line: line breaks typed into the reason must not start lines of their own in a
    /// letter that reads as the vendor's (a forged "5. The vendor waives…").
    /// </summary>
    internal static string OneLine(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
