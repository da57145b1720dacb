namespace LicensePortal.Features.Outbox;

public sealed class EmailOptions
{
    public const string Section = "Email";

    public string From { get; set; } = "licensing@localhost";
    public string FromName { get; set; } = "Licensing";

    /// <summary>Where fraud-team notifications go.</summary>
    public string FraudTeamAddress { get; set; } = "fraud-team@localhost";

    /// <summary>SMTP server; when empty, messages are written as .eml files to <see cref="PickupFolder"/>.</summary>
    public string? SmtpHost { get; set; }
    public int SmtpPort { get; set; } = 587;
    public bool SmtpSsl { get; set; } = true;
    public string? SmtpUser { get; set; }
    public string? SmtpPassword { get; set; }
    public string PickupFolder { get; set; } = "Data/mail-pickup";

    /// <summary>How long one hand-over to the SMTP server may take before it counts as failed.</summary>
    public int SmtpTimeoutSeconds { get; set; } = 30;

    public int MaxAttempts { get; set; } = 6;
    public int RetryAfterMinutes { get; set; } = 2;
    public int PollSeconds { get; set; } = 30;
}
