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
}
