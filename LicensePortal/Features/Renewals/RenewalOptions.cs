using System.ComponentModel.DataAnnotations;
using LicensePortal.Features.Licensing;
using LicensePortal.Infrastructure;

namespace LicensePortal.Features.Renewals;

/// <summary>The renewal work list's window and the reminder emails, which a business may change.</summary>
public sealed class RenewalOptions : IValidatableObject
{
    public const string Section = "Renewals";

    /// <summary>How far ahead "Protection ending" looks, on the work list, the home page and the license list.</summary>
    [Range(1, 365, ErrorMessage = "Renewals:ProtectionEndingDays must be between 1 and 365 days.")]
    public int ProtectionEndingDays { get; set; } = 60;

    /// <summary>Days before the protection end date that customers are emailed, e.g. "30,7"; empty sends none.</summary>
    public string ReminderDays { get; set; } = "30,7";

    /// <summary>How often the reminder service looks for reminders due.</summary>
    [Range(1, 24 * 60, ErrorMessage = "Renewals:ReminderIntervalMinutes must be between 1 and 1440 minutes.")]
    public int ReminderIntervalMinutes { get; set; } = 60;

    /// <summary>Send the reminders due as soon as the portal starts, instead of after the first interval.</summary>
    public bool RunAtStartup { get; set; }

    /// <summary>The reminder days, longest first.</summary>
    public IReadOnlyList<int> Reminders() => ProtectionReminders.Parse(ReminderDays);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        string? problem = null;
        try
        {
            Reminders();
        }
        catch (DomainException ex)
        {
            problem = ex.Message;
        }
        if (problem is not null)
            yield return new ValidationResult($"Renewals:ReminderDays: {problem}", [nameof(ReminderDays)]);
    }
}
