using LicensePortal.Infrastructure;

namespace LicensePortal.Features.Licensing;

/// <summary>docs/RULES.md, Upgrades, renewals and reminders: renewing upgrade protection, the renewal work list's window, and reminders
/// before it ends.</summary>
public static class ProtectionRenewal
{
    /// <summary>How long one renewal, or reinstatement, of upgrade protection lasts.</summary>
    public const int Months = 12;

    /// <summary>
    /// The protection end date after a renewal accepted on <paramref name="acceptedOn"/> (a date in the
    /// vendor's time zone). Renewed while protection is current (on or before its end date), the new
    /// period runs on from the old end date, so no day is lost: old end + 12 months. Renewed after it
    /// lapsed, or bought for a license that never had it, it is a reinstatement that runs from the
    /// acceptance date: acceptance date + 12 months. Adding months keeps the day of the month, except
    /// that a day the target month lacks becomes its last day (29 February 2028 + 12 months is
    /// 28 February 2029).
    /// </summary>
    public static DateOnly RenewedUntil(DateOnly? endsOn, DateOnly acceptedOn) =>
        RunsOnFromEndDate(endsOn, acceptedOn) ? endsOn!.Value.AddMonths(Months) : acceptedOn.AddMonths(Months);

    /// <summary>
    /// True when a renewal accepted on <paramref name="acceptedOn"/> runs on from the old end date
    /// (protection still current that day); false when it runs from the acceptance date.
    /// </summary>
    public static bool RunsOnFromEndDate(DateOnly? endsOn, DateOnly acceptedOn) => Entitlements.ProtectionCurrent(endsOn, acceptedOn);

    /// <summary>
    /// True when protection ending on <paramref name="endsOn"/> belongs on the "Protection ending" work
    /// list on <paramref name="today"/>: it ends today or within the next <paramref name="days"/> days.
    /// Lapsed protection (an end date before today) and licenses without protection are not on it.
    /// </summary>
    public static bool EndsWithin(DateOnly? endsOn, DateOnly today, int days) =>
        endsOn is { } end && end >= today && end <= today.AddDays(days);
}

/// <summary>docs/RULES.md, Upgrades, renewals and reminders: the reminder emails customers get before their upgrade protection
/// ends.</summary>
public static class ProtectionReminders
{
    /// <summary>The longest lead a reminder may have.</summary>
    public const int MaxDaysBefore = 365;

    /// <summary>
    /// The reminder due on <paramref name="today"/> for protection ending on <paramref name="endsOn"/>,
    /// as its number of days before the end date (one of <paramref name="daysBefore"/>), or null when
    /// none is due. The reminder "D days before" is due from the end date − D until the next, closer
    /// reminder becomes due, and the last one until the end date itself; a reminder whose turn passed
    /// is not sent late once a closer one is due (with 5 days left a customer gets the 7-day reminder,
    /// not the 30-day one). Nothing is due before the earliest reminder or after the end date. The
    /// caller sends each reminder once per license and end date: a renewed license's new end date has
    /// reminders of its own.
    /// </summary>
    public static int? Due(DateOnly endsOn, DateOnly today, IReadOnlyCollection<int> daysBefore)
    {
        var left = endsOn.DayNumber - today.DayNumber;
        if (left < 0)
            return null;
        int? due = null;
        foreach (var d in daysBefore)
            if (d >= left && (due is null || d < due))
                due = d;
        return due;
    }

    /// <summary>
    /// Reads the configured reminder days, e.g. "30,7": whole days between 1 and
    /// <see cref="MaxDaysBefore"/>, separated by commas, semicolons or spaces, in any order; repeats
    /// count once. Empty means no reminders. Anything else throws <see cref="DomainException"/>
    /// saying what is wrong.
    /// </summary>
    public static IReadOnlyList<int> Parse(string? setting)
    {
        var days = new SortedSet<int>(Comparer<int>.Create((a, b) => b.CompareTo(a)));
        foreach (var part in (setting ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (
                !int.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var d)
                || d < 1
                || d > MaxDaysBefore
            )
                throw new DomainException(
                    $"\"{part}\" is not a number of days between 1 and {MaxDaysBefore}: list the days before the end date that "
                        + $"reminders go out, e.g. \"30,7\"."
                );
            days.Add(d);
        }
        return [.. days];
    }
}
