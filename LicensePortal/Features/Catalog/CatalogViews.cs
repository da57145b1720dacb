namespace LicensePortal.Features.Catalog;

public enum MajorState
{
    Current,
    Supported,
    Legacy,
    Upcoming,
}

public sealed record ProductSummary(
    int Id,
    string Name,
    string LevelUnit,
    int? CurrentMajor,
    int Majors,
    int? HighestLegacyMajor,
    int Editions,
    int Levels
);

public sealed record MajorView(int Major, DateOnly ReleasedOn, MajorState State, IReadOnlyList<ProductRelease> Minors, bool HasPriceList);

public sealed record ProductDetail(
    int Id,
    string Name,
    string LevelUnit,
    IReadOnlyList<MajorView> Majors,
    IReadOnlyList<Edition> Editions,
    IReadOnlyList<Level> Levels
);

/// <summary>One cell row of the price-list grid: an edition and level, with its prices or none when not sold.</summary>
public sealed class PriceGridRow
{
    public int EditionId { get; init; }
    public string Edition { get; init; } = "";
    public int LevelId { get; init; }
    public string Level { get; init; } = "";
    public decimal? LicensePrice { get; set; }
    public decimal? FailoverPrice { get; set; }
    public decimal? ProtectionPrice { get; set; }
    public bool Sold => LicensePrice is not null || FailoverPrice is not null || ProtectionPrice is not null;
}
