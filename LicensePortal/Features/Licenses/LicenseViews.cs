using System.Security.Claims;
using System.Linq.Expressions;
using LicensePortal.Data;
using LicensePortal.Features.Installations;
using LicensePortal.Features.Licensing;
using LicensePortal.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LicensePortal.Features.Licenses;

public enum ProtectionFilter { Current, Lapsed, Ending }

public sealed record LicenseFilter(
    string? Search = null, int? ProductId = null, LicenseStatus? Status = null,
    ProtectionFilter? Protection = null, bool OverAllowance = false, int? CustomerId = null, bool? Legacy = null,
    int? Major = null, bool? HasFailover = null, string? Edition = null, int? LevelId = null, int? AfterId = null, DateOnly? DisabledSince = null);

public sealed record LicenseRow(int Id, string Key, int CustomerId, string Customer, int ProductId, string Product, int Major, string Edition, string Level,
    bool HasFailover, DateOnly PurchasedOn, DateOnly? ProtectionEndsOn, LicenseStatus Status, bool IsLegacy = false);

public sealed record ProductOption(int Id, string Name);

/// <summary>Where a key typed in the app bar leads: a license, the license list searched for it, or a message saying why neither.</summary>
public sealed record KeyLookup(int? LicenseId = null, string? Search = null, string? Message = null);
