using LicensePortal.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Data;

public static class SaveExtensions
{
    /// <summary>
    /// Saves, turning a lost race with another user (a changed concurrency token or a unique
    /// index another save filled first) into a message the person can act on.
    /// </summary>
    public static async Task SaveOrRefuseAsync(this AppDbContext db, string conflict, CancellationToken ct = default)
    {
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException) { throw new DomainException(conflict); }
    }
}
