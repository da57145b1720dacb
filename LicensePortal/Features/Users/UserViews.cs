using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using LicensePortal.Data;
using LicensePortal.Features.Audit;
using LicensePortal.Features.SignIn;
using LicensePortal.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

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
