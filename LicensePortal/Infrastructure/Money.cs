using System.Globalization;

namespace LicensePortal.Infrastructure;

/// <summary>Prices are US dollars, shown the same on every machine whatever its culture.</summary>
public static class Money
{
    public static string Usd(this decimal amount) =>
        (amount < 0 ? "-$" : "$") + Math.Abs(amount).ToString("#,##0.00", CultureInfo.InvariantCulture);
}
