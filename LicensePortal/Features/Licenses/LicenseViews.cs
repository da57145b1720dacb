namespace LicensePortal.Features.Licenses;

public enum ProtectionFilter
{
    Current,
    Lapsed,
    Ending,
}

/// <summary>What the license list shows: every filter is optional, and set by name.</summary>
public sealed record LicenseFilter
{
    public string? Search { get; init; }
    public int? ProductId { get; init; }
    public LicenseStatus? Status { get; init; }
    public ProtectionFilter? Protection { get; init; }
    public bool OverAllowance { get; init; }
    public int? CustomerId { get; init; }
    public bool? Legacy { get; init; }
    public int? Major { get; init; }
    public bool? HasFailover { get; init; }
    public string? Edition { get; init; }
    public int? LevelId { get; init; }

    /// <summary>Keyset paging for the export: only licenses after this id.</summary>
    public int? AfterId { get; init; }
    public DateOnly? DisabledSince { get; init; }
}

/// <summary>
/// The license list's filters as its URL spells them (/licenses?q=…&amp;product=…), bound by the CSV export with
/// [AsParameters]: the link a person copies from the list exports what the list shows.
/// </summary>
public sealed record LicenseListQuery
{
    public string? Q { get; init; }
    public int? Product { get; init; }
    public string? Status { get; init; }
    public string? Protection { get; init; }
    public bool? OverAllowance { get; init; }
    public int? Customer { get; init; }
    public bool? Legacy { get; init; }
    public int? Major { get; init; }
    public bool? Failover { get; init; }
    public string? Edition { get; init; }
    public int? Level { get; init; }
    public DateOnly? DisabledSince { get; init; }

    public LicenseFilter ToFilter() =>
        new()
        {
            Search = Q,
            ProductId = Product,
            Status = Enum.TryParse<LicenseStatus>(Status, true, out var s) ? s : null,
            Protection = Enum.TryParse<ProtectionFilter>(Protection, true, out var p) ? p : null,
            OverAllowance = OverAllowance ?? false,
            CustomerId = Customer,
            Legacy = Legacy,
            Major = Major,
            HasFailover = Failover,
            Edition = Edition,
            LevelId = Level,
            DisabledSince = DisabledSince,
        };
}

public sealed record LicenseRow(
    int Id,
    string Key,
    int CustomerId,
    string Customer,
    int ProductId,
    string Product,
    int Major,
    string Edition,
    string Level,
    bool HasFailover,
    DateOnly PurchasedOn,
    DateOnly? ProtectionEndsOn,
    LicenseStatus Status,
    bool IsLegacy = false
);

public sealed record ProductOption(int Id, string Name);

/// <summary>Where a key typed in the app bar leads: a license, the license list searched for it, or a message saying why neither.</summary>
public sealed record KeyLookup(int? LicenseId = null, string? Search = null, string? Message = null);
