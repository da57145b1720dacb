namespace LicensePortal.Features.Fraud;

public sealed class FraudOptions
{
    public const string Section = "Fraud";
    public int MonitorIntervalMinutes { get; set; } = 60;

    /// <summary>Run one pass as soon as the portal starts, instead of waiting an interval.</summary>
    public bool RunAtStartup { get; set; }
    public int BatchSize { get; set; } = 2000;
}
