namespace LicensePortal.Features.Quotes;

public sealed class QuoteOptions
{
    public const string Section = "Quotes";
    public int ValidityDays { get; set; } = 30;
    public int ExpiringSoonDays { get; set; } = 7;
    public string Terms { get; set; } =
        "Upgrades apply to the licenses listed and take effect when the quote is accepted and paid. Taxes are not included.";
}
