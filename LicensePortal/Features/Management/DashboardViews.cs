namespace LicensePortal.Features.Management;

/// <summary>One bar or slice, with the filtered list behind it.</summary>
public sealed record Figure(string Label, double Value, string Href, decimal? Money = null);

public sealed record Dashboard(
    IReadOnlyList<Figure> ByProduct,
    IReadOnlyList<Figure> ByEdition,
    IReadOnlyList<Figure> ByMajor,
    Figure Legacy,
    Figure Supported,
    IReadOnlyList<Figure> OpenCasesByAge,
    Figure DisabledThisMonth,
    IReadOnlyList<Figure> QuotesByState,
    Figure AwaitingApproval
);

/// <summary>One vendor week (Monday to Sunday) of the trends; money in dollars.</summary>
public sealed record WeekFigures(
    DateOnly Monday,
    int CasesOpened,
    int CasesResolved,
    int KeysDisabled,
    int QuotesSent,
    decimal QuotesSentValue,
    int QuotesAccepted,
    decimal QuotesAcceptedValue,
    int ProtectionRenewals
)
{
    /// <summary>The week as people read it on an axis: "12 Oct".</summary>
    public string Label => Monday.ToString("d MMM", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Weekly trends for managers: the last <see cref="DashboardService.TrendWeeks"/> vendor weeks, the current one (to date)
/// last.</summary>
public sealed record Trends(IReadOnlyList<WeekFigures> Weeks);
