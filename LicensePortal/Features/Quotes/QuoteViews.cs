using LicensePortal.Features.Licenses;
using LicensePortal.Features.Licensing;

namespace LicensePortal.Features.Quotes;

/// <summary>
/// What a sales rep asks for one license: its target edition, level and failover; whether to move it to the
/// current major when nothing else changes (a change always does); whether to renew its upgrade protection.
/// </summary>
public sealed record QuoteRequestLine(
    int LicenseId,
    int EditionId,
    int LevelId,
    bool HasFailover,
    bool ToCurrentMajor = false,
    bool RenewProtection = false
);

/// <summary>The live breakdown of one license: its price, or why it can't be quoted.</summary>
public sealed record QuotePreviewItem(int LicenseId, string LicenseKey, UpgradePrice? Price, string? Problem, License? License = null);

/// <summary>A license a quote can cover; <see cref="CurrentMajor"/> is its product's current major today.</summary>
public sealed record QuoteCandidate(
    int LicenseId,
    string Key,
    int ProductId,
    string Product,
    int Major,
    int EditionId,
    string Edition,
    int LevelId,
    string Level,
    bool HasFailover,
    DateOnly? ProtectionEndsOn = null,
    int? CurrentMajor = null
)
{
    /// <summary>The target that changes nothing but renews protection: what a renewal call quotes.</summary>
    public QuoteRequestLine Renewal => new(LicenseId, EditionId, LevelId, HasFailover, RenewProtection: true);
}

public sealed record QuoteFilter(
    QuoteStatus? Status = null,
    string? SalesRepEmail = null,
    int? CustomerId = null,
    bool ExpiringSoon = false,
    string? Search = null
);

public sealed record QuoteRow(
    int Id,
    string Number,
    int CustomerId,
    string Customer,
    string SalesRep,
    DateOnly QuoteDate,
    DateOnly ValidUntil,
    QuoteStatus State,
    decimal Total,
    int Licenses
);
