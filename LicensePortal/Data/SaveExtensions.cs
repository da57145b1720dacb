using LicensePortal.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Data;

public static class SaveExtensions
{
    /// <summary>
    /// Saves, turning a lost race with another user (a changed concurrency token or a unique
    /// index another save filled first) into a message the person can act on. Any other failure
    /// (a broken foreign key, a full disk, a bug) is not a race: it goes on up, to be logged and
    /// shown as an error rather than passed off as someone else's change.
    /// </summary>
    public static async Task SaveOrRefuseAsync(this AppDbContext db, string conflict, CancellationToken ct = default)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new DomainException(conflict);
        }
        catch (DbUpdateException ex) when (IsUniqueViolation(ex))
        {
            throw new DomainException(conflict);
        }
    }

    public static bool IsUniqueViolation(DbUpdateException ex) => SqlDialect.IsUniqueViolation(ex.InnerException);
}
