namespace LicensePortal.Features.Renewals;

/// <summary>The work list's filters; <see cref="Days"/> defaults to <see cref="RenewalOptions.ProtectionEndingDays"/>.</summary>
public sealed record ProtectionEndingFilter(int? Days = null, string? Search = null, int? ProductId = null, int? CustomerId = null);

/// <summary>One customer to call: how many of their licenses' protection ends in the window, and how many are already quoted.</summary>
public sealed record ProtectionCustomerRow(
    int CustomerId,
    string Customer,
    string Phone,
    string Email,
    int Licenses,
    DateOnly FirstEndsOn,
    DateOnly LastEndsOn,
    int Quoted
);

/// <summary>One license whose protection ends in the window, with the reminders already sent for that end date and an open renewal
/// quote.</summary>
public sealed record ProtectionLicenseRow(
    int LicenseId,
    string Key,
    int CustomerId,
    string Customer,
    string Phone,
    string Product,
    int Major,
    string Configuration,
    DateOnly EndsOn,
    IReadOnlyList<int> RemindersSent,
    int? QuoteId,
    string? QuoteNumber
);
