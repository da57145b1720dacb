namespace LicensePortal.Features.Activation;

public sealed class ActivationOptions
{
    public const string Section = "Activation";

    /// <summary>Check-ins and releases one license key may make per minute.</summary>
    public int PerKeyPerMinute { get; set; } = 30;

    /// <summary>Requests one client may make per minute: one IPv4 address, or one IPv6 /64 (what one customer is given).</summary>
    public int PerClientPerMinute { get; set; } = 1200;

    /// <summary>Activation requests handled at once on this instance, whatever their source; more are answered 503 at once.</summary>
    [System.ComponentModel.DataAnnotations.Range(
        1,
        100_000,
        ErrorMessage = "Activation:MaxConcurrentRequests must be between 1 and 100000."
    )]
    public int MaxConcurrentRequests { get; set; } = 512;

    /// <summary>Check-ins and releases that may wait for their turn to write; more are answered 503 at once.</summary>
    public int WriteQueueLimit { get; set; } = 256;

    /// <summary>How long a check-in waits for its turn to write before it is answered 503.</summary>
    public double WriteWaitSeconds { get; set; } = 10;

    public TimeSpan WriteWait => TimeSpan.FromSeconds(WriteWaitSeconds);

    /// <summary>The largest request body, chunked or not.</summary>
    public const int MaxBodyBytes = 16_384;

    /// <summary>How long a signed answer holds: after that a product must hear from the portal again.</summary>
    [System.ComponentModel.DataAnnotations.Range(0.01, 365, ErrorMessage = "Activation:AnswerValidDays must be between 0.01 and 365 days.")]
    public double AnswerValidDays { get; set; } = 7;

    /// <summary>How long an offline license file holds, and so how long an offline server counts without a release.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 3650, ErrorMessage = "Activation:OfflineValidDays must be between 1 and 3650 days.")]
    public int OfflineValidDays { get; set; } = 365;

    /// <summary>Where the answer-signing keys live (PEM files; relative to the app's folder).</summary>
    public string SigningKeyFolder { get; set; } = "Data/signing-keys";
}
