using System.Security.Claims;
using LicensePortal.Data;
using LicensePortal.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Features.Fraud;

/// <summary>
/// Starts monitor passes, on the schedule (<see cref="FraudMonitorService"/>) or by hand from the case queue: one pass
/// at a time in this instance and, on PostgreSQL, on the database several instances share; a pass that finds another
/// instance's running does nothing and says so. The database's unique indexes would still make a second pass harmless.
/// </summary>
public sealed class FraudMonitorRunner(FraudMonitor monitor, IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    private readonly SemaphoreSlim gate = new(1, 1);

    public async Task<MonitorResult> RunOnceAsync(IProgress<string>? progress, CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            await using var instances = await InstanceLock.TryTakeAsync(db, "fraud-monitor", ct);
            if (instances is null)
                return MonitorResult.Elsewhere;
            return await monitor.RunAsync(progress, ct);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>A run someone started from the case queue: audited with who and what it found.</summary>
    public async Task<MonitorResult> RunManuallyAsync(ClaimsPrincipal actor, IProgress<string>? progress, CancellationToken ct)
    {
        Policies.Demand(actor, Policies.Fraud, "Only the fraud team and managers run the monitor.");
        var result = await RunOnceAsync(progress, ct);
        // The run saves its cases in many transactions; the audit row records that it ran, by whom, and its outcome.
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Audit(
            actor,
            clock.GetUtcNow().UtcDateTime,
            "Fraud monitor run",
            "FraudMonitor",
            "manual",
            null,
            new
            {
                result.LicensesChecked,
                result.CasesOpened,
                result.KeysDisabled,
            }
        );
        await db.SaveChangesAsync(ct);
        return result;
    }
}
