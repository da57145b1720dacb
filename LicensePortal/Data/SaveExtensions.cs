using LicensePortal.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Data;

public static class SaveExtensions
{
    // SQLite's extended result codes for a unique index or primary key that another save filled first.
    private const int UniqueViolation = 2067, PrimaryKeyViolation = 1555;

    /// <summary>
    /// Saves, turning a lost race with another user (a changed concurrency token or a unique
    /// index another save filled first) into a message the person can act on. Any other failure
    /// (a broken foreign key, a full disk, a bug) is not a race: it goes on up, to be logged and
    /// shown as an error rather than passed off as someone else's change.
    /// </summary>
    public static async Task SaveOrRefuseAsync(this AppDbContext db, string conflict, CancellationToken ct = default)
    {
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateConcurrencyException) { throw new DomainException(conflict); }
        catch (DbUpdateException ex) when (IsUniqueViolation(ex)) { throw new DomainException(conflict); }
    }

    public static bool IsUniqueViolation(DbUpdateException ex) =>
        ex.InnerException is SqliteException { SqliteExtendedErrorCode: UniqueViolation or PrimaryKeyViolation };
}
