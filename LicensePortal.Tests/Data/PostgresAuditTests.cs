using LicensePortal.Data;
using LicensePortal.Features.Audit;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace LicensePortal.Tests.Data;

/// <summary>On PostgreSQL the portal's own role cannot change or remove audit rows: the append-only trigger refuses it.</summary>
[Trait("Provider", "Postgres")]
public class PostgresAuditTests
{
    [Fact]
    public async Task The_portals_role_cannot_update_delete_or_truncate_audit_rows_but_the_portal_still_seals_its_own()
    {
        await using var pg = await PostgresPortal.StartAsync(licenses: 10);
        var ct = TestContext.Current.CancellationToken;
        await using (var db = await pg.Portal.DbAsync())
        {
            db.Audit(TestData.As(Roles.Sales), PortalFactory.Now.UtcDateTime, "Customer changed", "Customer", 1, null, new { Phone = "2" });
            await db.SaveChangesAsync(ct);
        }
        await using (var db = await pg.Portal.DbAsync())
        {
            var id = await db.AuditLog.MaxAsync(a => a.Id, ct);
            foreach (
                var sql in new[]
                {
                    $"UPDATE \"AuditLog\" SET \"After\" = NULL WHERE \"Id\" = {id}",
                    $"UPDATE \"AuditLog\" SET \"Hash\" = NULL WHERE \"Id\" = {id}",
                    $"DELETE FROM \"AuditLog\" WHERE \"Id\" = {id}",
                    "TRUNCATE \"AuditLog\" CASCADE",
                }
            )
            {
                var refused = await Assert.ThrowsAsync<PostgresException>(() => db.Database.ExecuteSqlRawAsync(sql, ct));
                Assert.Contains("The audit log is append-only", refused.MessageText);
            }
            var result = await db.VerifyAuditLogAsync(ct);
            Assert.True(result.Intact, result.Message);
            Assert.True(result.RowsVerified >= 1);
        }
    }
}
