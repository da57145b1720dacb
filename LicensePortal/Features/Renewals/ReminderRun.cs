namespace LicensePortal.Features.Renewals;

/// <summary>What one reminder run did.</summary>
public sealed record ReminderRun(int LicensesDue, int RemindersSent, int EmailsQueued)
{
    public override string ToString() =>
        $"{RemindersSent} protection reminder(s) sent in {EmailsQueued} email(s); {LicensesDue} license(s) were due.";
}
