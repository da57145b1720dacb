using System.Security.Claims;
using LicensePortal.Data;
using LicensePortal.Features.Users;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Infrastructure;

/// <summary>
/// What a user may do now, read from the database rather than from the sign-in's claims: an open
/// circuit keeps the ClaimsPrincipal it started with, so a demoted or locked user would otherwise
/// keep their old rights until the circuit ends (docs/RULES.md, Who may do what).
/// </summary>
public static class CurrentRoles
{
    public const string ChangedMessage = "Your roles have changed: sign in again.";

    /// <summary>The user's roles now, or none when the account is gone or locked.</summary>
    public static async Task<IReadOnlyList<string>> OfAsync(AppDbContext db, ClaimsPrincipal user, CancellationToken ct = default)
    {
        var id = user.FindFirstValue(ClaimTypes.NameIdentifier);
        var name = user.Identity?.Name?.ToUpperInvariant();
        if (id is null && name is null)
            return [];
        var account = await db
            .Users.AsNoTracking()
            .Where(u => id != null ? u.Id == id : u.NormalizedUserName == name)
            .Select(u => new { u.Id, u.LockoutEnd })
            .FirstOrDefaultAsync(ct);
        // SQLite cannot compare DateTimeOffset in SQL; one row, so compare here.
        if (account is null || account.LockoutEnd > IdentityClock.Now)
            return [];
        return await (
            from ur in db.UserRoles
            join r in db.Roles on ur.RoleId equals r.Id
            where ur.UserId == account.Id
            select r.Name!
        ).ToListAsync(ct);
    }

    /// <summary>
    /// Refuses a sensitive action unless the user's current roles allow <paramref name="policy"/>.
    /// The signed-in claims are checked first, so an action the user never had says why in its own words.
    /// </summary>
    public static async Task DemandCurrentAsync(
        this AppDbContext db,
        ClaimsPrincipal user,
        string policy,
        string message,
        CancellationToken ct = default
    )
    {
        user.Demand(policy, message);
        var roles = await OfAsync(db, user, ct);
        if (!Policies.RolesFor[policy].Any(roles.Contains))
            throw new DomainException(ChangedMessage);
    }
}
