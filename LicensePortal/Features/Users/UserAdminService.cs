using System.Security.Claims;
using LicensePortal.Data;
using LicensePortal.Features.SignIn;
using LicensePortal.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Features.Users;

/// <summary>
/// User and role administration. Every method re-checks that the actor is an admin, and none
/// may leave the portal without an admin who can sign in.
/// </summary>
public sealed class UserAdminService(
    IServiceScopeFactory scopeFactory,
    IDbContextFactory<AppDbContext> dbFactory,
    SignInGuard guard,
    TimeProvider clock
)
{
    public const string NoRolesMessage = "A user needs at least one role; lock the account instead to stop them signing in.";

    public async Task<(IReadOnlyList<UserRow> Rows, int Total)> ListAsync(
        ClaimsPrincipal actor,
        UserQuery query,
        CancellationToken ct = default
    )
    {
        await EnsureAdminAsync(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Accounts failed sign-ins bar from some address (SignInGuard, this instance): listed among the locked ones,
        // so the admin can let them in again here.
        var barred = guard.BarredAccounts();
        var users = db.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var term = $"%{query.Search.Trim()}%";
            users = users.Where(u => EF.Functions.Like(u.Email!, term) || EF.Functions.Like(u.DisplayName, term));
        }
        if (!string.IsNullOrWhiteSpace(query.Role))
        {
            users = users.Where(u =>
                db.UserRoles.Any(ur => ur.UserId == u.Id && db.Roles.Any(r => r.Id == ur.RoleId && r.Name == query.Role))
            );
        }
        if (query.LockedOnly)
        {
            // SQLite cannot compare DateTimeOffset, and staff accounts are few: find the locked ones here, then filter by id in SQL.
            var lockedNow = IdentityClock.Now;
            var locked = (await db.Users.Where(u => u.LockoutEnd != null).Select(u => new { u.Id, u.LockoutEnd }).ToListAsync(ct))
                .Where(u => u.LockoutEnd > lockedNow)
                .Select(u => u.Id)
                .ToList();
            var barredEmails = barred.ToList();
            users = users.Where(u => locked.Contains(u.Id) || barredEmails.Contains(u.NormalizedEmail!));
        }
        var total = await users.CountAsync(ct);
        users = (query.SortBy, query.Descending) switch
        {
            ("Email", false) => users.OrderBy(u => u.Email),
            ("Email", true) => users.OrderByDescending(u => u.Email),
            (_, true) => users.OrderByDescending(u => u.DisplayName),
            _ => users.OrderBy(u => u.DisplayName),
        };
        var page = await users
            .Skip(query.Page * query.PageSize)
            .Take(query.PageSize)
            .Select(u => new
            {
                u.Id,
                u.Email,
                u.DisplayName,
                u.Title,
                u.LockoutEnd,
                u.TwoFactorEnabled,
            })
            .ToListAsync(ct);
        var ids = page.Select(u => u.Id).ToList();
        var roles = await (
            from ur in db.UserRoles
            join r in db.Roles on ur.RoleId equals r.Id
            where ids.Contains(ur.UserId)
            select new { ur.UserId, r.Name }
        ).ToListAsync(ct);
        var now = IdentityClock.Now;
        return (
            [
                .. page.Select(u => new UserRow(
                    u.Id,
                    u.Email ?? "",
                    u.DisplayName,
                    u.Title,
                    [.. roles.Where(r => r.UserId == u.Id).Select(r => r.Name!).OrderBy(n => n)],
                    u.LockoutEnd > now ? u.LockoutEnd.Value.UtcDateTime : null,
                    u.TwoFactorEnabled,
                    barred.Contains((u.Email ?? "").ToUpperInvariant())
                )),
            ],
            total
        );
    }

    public async Task CreateAsync(ClaimsPrincipal actor, NewUserForm form)
    {
        await EnsureAdminAsync(actor);
        await InTransactionAsync(
            actor,
            async (users, audit) =>
            {
                var user = new ApplicationUser
                {
                    UserName = form.Email.Trim(),
                    Email = form.Email.Trim(),
                    EmailConfirmed = true,
                    DisplayName = form.DisplayName.Trim(),
                    Title = string.IsNullOrWhiteSpace(form.Title) ? null : form.Title.Trim(),
                };
                // Every problem in one answer (roles, password rules, a taken email), so the form shows them together.
                var problems = new List<IdentityError>();
                foreach (var v in users.UserValidators)
                    problems.AddRange((await v.ValidateAsync(users, user)).Errors);
                foreach (var v in users.PasswordValidators)
                    problems.AddRange((await v.ValidateAsync(users, user, form.Password)).Errors);
                var own = form.TooLong();
                if (form.Roles.Count == 0)
                    own[nameof(NewUserForm.Roles)] = NewUserForm.NoRoleMessage;
                IdentityRefusal.ThrowIfAny(problems, more: own);
                // The administrator knows this first password too: the user chooses their own at the first sign-in, within
                // SignIn:TemporaryPasswordDays, or it expires unused.
                user.GiveTemporaryPassword(clock.GetUtcNow().UtcDateTime);
                IdentityRefusal.ThrowIfFailed(await users.CreateAsync(user, form.Password));
                IdentityRefusal.ThrowIfFailed(await users.AddToRolesAsync(user, form.Roles.Where(Roles.All.Contains)));
                audit(
                    "User created",
                    user,
                    null,
                    new
                    {
                        user.Email,
                        user.DisplayName,
                        Roles = string.Join(", ", form.Roles.Where(Roles.All.Contains).Order()),
                        MustChangePassword = true,
                    }
                );
            }
        );
    }

    public async Task SetRolesAsync(ClaimsPrincipal actor, string userId, IReadOnlyCollection<string> roles)
    {
        await EnsureAdminAsync(actor);
        if (roles.Count == 0)
            throw new DomainException(NoRolesMessage);
        await InTransactionAsync(
            actor,
            async (users, audit) =>
            {
                var user = await FindAsync(users, userId);
                var current = await users.GetRolesAsync(user);
                if (current.Contains(Roles.Admin) && !roles.Contains(Roles.Admin) && await IsLastActiveAdminAsync(users, user))
                    throw new DomainException("This is the last admin who can sign in: make someone else an admin first.");
                IdentityRefusal.ThrowIfFailed(await users.RemoveFromRolesAsync(user, current.Except(roles)));
                IdentityRefusal.ThrowIfFailed(await users.AddToRolesAsync(user, roles.Except(current).Where(Roles.All.Contains)));
                // Signs the user's other sessions out, so they pick up the new roles.
                IdentityRefusal.ThrowIfFailed(await users.UpdateSecurityStampAsync(user));
                audit(
                    "Roles changed",
                    user,
                    new { Roles = string.Join(", ", current.Order()) },
                    new { Roles = string.Join(", ", roles.Where(Roles.All.Contains).Order()) }
                );
            }
        );
    }

    public async Task LockAsync(ClaimsPrincipal actor, string userId)
    {
        await EnsureAdminAsync(actor);
        await InTransactionAsync(
            actor,
            async (users, audit) =>
            {
                var user = await FindAsync(users, userId);
                if (await users.IsInRoleAsync(user, Roles.Admin) && await IsLastActiveAdminAsync(users, user))
                    throw new DomainException("This is the last admin who can sign in: it cannot be locked.");
                IdentityRefusal.ThrowIfFailed(await users.SetLockoutEnabledAsync(user, true));
                IdentityRefusal.ThrowIfFailed(await users.SetLockoutEndDateAsync(user, DateTimeOffset.MaxValue));
                IdentityRefusal.ThrowIfFailed(await users.UpdateSecurityStampAsync(user));
                audit("User locked", user, new { Locked = false }, new { Locked = true });
            }
        );
    }

    public async Task UnlockAsync(ClaimsPrincipal actor, string userId)
    {
        await EnsureAdminAsync(actor);
        await InTransactionAsync(
            actor,
            async (users, audit) =>
            {
                var user = await FindAsync(users, userId);
                IdentityRefusal.ThrowIfFailed(await users.SetLockoutEndDateAsync(user, null));
                IdentityRefusal.ThrowIfFailed(await users.ResetAccessFailedCountAsync(user));
                audit("User unlocked", user, new { Locked = true }, new { Locked = false });
                // Also the bars failed sign-ins put on addresses (this instance's; the others' lapse by themselves).
                guard.ForgetAccount(user.Email ?? "");
            }
        );
    }

    public async Task ResetPasswordAsync(ClaimsPrincipal actor, string userId, string newPassword)
    {
        await EnsureAdminAsync(actor);
        if (string.IsNullOrEmpty(newPassword))
            throw DomainException.ForField("Password", "Enter the new password.");
        await InTransactionAsync(
            actor,
            async (users, audit) =>
            {
                var user = await FindAsync(users, userId);
                var token = await users.GeneratePasswordResetTokenAsync(user);
                // The administrator knows this password too: the user replaces it at their next sign-in.
                user.GiveTemporaryPassword(clock.GetUtcNow().UtcDateTime);
                IdentityRefusal.ThrowIfFailed(await users.ResetPasswordAsync(user, token, newPassword), "Password");
                // A key someone may have seen while setting up with the old password is not the one the user ends up with.
                if (!user.TwoFactorEnabled)
                    IdentityRefusal.ThrowIfFailed(await users.ResetAuthenticatorKeyAsync(user));
                guard.ForgetAccount(user.Email ?? "");
                // The password itself is never written down: only that it was reset.
                audit("Password reset", user, null, new { PasswordReset = true, MustChangePassword = true });
            }
        );
    }

    /// <summary>
    /// For a user who lost both their phone and their recovery codes: turns two-factor sign-in off and forgets the
    /// key. Their sessions end; a role that requires it sets it up again at the next sign-in.
    /// </summary>
    public async Task ResetTwoFactorAsync(ClaimsPrincipal actor, string userId)
    {
        await EnsureAdminAsync(actor);
        await InTransactionAsync(
            actor,
            async (users, audit) =>
            {
                var user = await FindAsync(users, userId);
                var was = user.TwoFactorEnabled;
                IdentityRefusal.ThrowIfFailed(await users.SetTwoFactorEnabledAsync(user, false));
                IdentityRefusal.ThrowIfFailed(await users.ResetAuthenticatorKeyAsync(user));
                // No codes left from the old key: zero new ones replace them.
                if (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 0) is null)
                    throw new DomainException("The recovery codes could not be cleared.");
                audit("Two-factor sign-in reset", user, new { TwoFactor = was }, new { TwoFactor = false });
            }
        );
    }

    /// <summary>The actor's current roles in the database, not the circuit's claims, decide.</summary>
    private async Task EnsureAdminAsync(ClaimsPrincipal actor)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        await db.DemandCurrentAsync(actor, Policies.Admin, "Only administrators can manage users.");
    }

    private static async Task<ApplicationUser> FindAsync(UserManager<ApplicationUser> users, string userId) =>
        await users.FindByIdAsync(userId) ?? throw new DomainException("That user no longer exists.");

    private async Task<bool> IsLastActiveAdminAsync(UserManager<ApplicationUser> users, ApplicationUser user)
    {
        var now = IdentityClock.Now;
        var admins = await users.GetUsersInRoleAsync(Roles.Admin);
        return !admins.Any(a => a.Id != user.Id && !(a.LockoutEnd > now));
    }

    /// <summary>
    /// One scope and one transaction per change, so a failed step leaves nothing half written. The
    /// UserManager's store saves through this scope's context, so the audit row the change adds is
    /// saved and committed with it; a refused step throws, and the transaction ends without a commit, writing none.
    /// </summary>
    private async Task InTransactionAsync(
        ClaimsPrincipal actor,
        Func<UserManager<ApplicationUser>, Action<string, ApplicationUser, object?, object>, Task> work
    )
    {
        await using var scope = scopeFactory.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        await using var tx = await db.Database.BeginTransactionAsync();
        await work(
            users,
            (action, user, before, after) =>
                db.Audit(actor, IdentityClock.Now.UtcDateTime, action, "User", user.Email ?? user.Id, before, after)
        );
        await db.SaveChangesAsync();
        await tx.CommitAsync();
    }
}
