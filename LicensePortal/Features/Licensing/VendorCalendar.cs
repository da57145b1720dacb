using LicensePortal.Infrastructure;
using Microsoft.Extensions.Options;

namespace LicensePortal.Features.Licensing;

/// <summary>Dates as the vendor reads them: protection ends and quote dates are days in the vendor's time zone.</summary>
public sealed class VendorCalendar(TimeProvider clock, IOptions<VendorOptions> vendor)
{
    private readonly TimeZoneInfo zone = TimeZoneInfo.FindSystemTimeZoneById(vendor.Value.TimeZone);

    public DateTime UtcNow => clock.GetUtcNow().UtcDateTime;

    public DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(UtcNow, zone));

    /// <summary>The first moment (UTC) of a vendor's day: "due today" means before the start of tomorrow.</summary>
    public DateTime StartOfDayUtc(DateOnly day) => TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue), zone);

    /// <summary>The Monday that starts the vendor's week holding <paramref name="day"/>.</summary>
    public static DateOnly WeekStart(DateOnly day) => day.AddDays(-(((int)day.DayOfWeek + 6) % 7));

    /// <summary>
    /// The last <paramref name="count"/> vendor weeks, oldest first, the current week (to date) last: each week's
    /// Monday and the UTC moments it starts and ends, so a week is the vendor's Monday to Sunday in any time zone.
    /// </summary>
    public IReadOnlyList<(DateOnly Monday, DateTime StartUtc, DateTime EndUtc)> LastWeeks(int count)
    {
        var current = WeekStart(Today);
        return
        [
            .. Enumerable
                .Range(0, count)
                .Select(i => current.AddDays(-7 * (count - 1 - i)))
                .Select(monday => (monday, StartOfDayUtc(monday), StartOfDayUtc(monday.AddDays(7)))),
        ];
    }
}
