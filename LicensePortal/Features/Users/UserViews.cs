namespace LicensePortal.Features.Users;

public sealed record UserRow(
    string Id,
    string Email,
    string DisplayName,
    string? Title,
    IReadOnlyList<string> Roles,
    DateTime? LockedUntilUtc,
    bool TwoFactor,
    bool Barred = false
);

public sealed record UserQuery(
    string? Search,
    string? Role,
    string SortBy,
    bool Descending,
    int Page,
    int PageSize,
    bool LockedOnly = false
);
