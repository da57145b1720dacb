using LicensePortal.Data.Demo;
using LicensePortal.Features.Fraud;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LicensePortal.Tests.Features.Audit;

/// <summary>License exports and manual monitor runs say who did them (docs/RULES.md, Who may do what).</summary>
public class AccessAuditTests : IAsyncLifetime
{
    private readonly PortalFactory portal = new() { Licenses = 10 };

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => portal.DisposeAsync();

    [Fact]
    public async Task A_license_export_is_audited_with_who_the_filter_and_how_many_keys()
    {
        var client = await portal.SignedInAsync(DemoSeeder.Users[0].Email);

        var csv = await client.GetStringAsync("/licenses/export.csv?q=zzzz-no-such-key");
        var all = await client.GetStringAsync("/licenses/export.csv");

        await using var db = await portal.DbAsync();
        var total = await db.Licenses.CountAsync();
        var rows = await db.AuditLog.Where(a => a.Action == "Licenses exported").OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(
            [(DemoSeeder.Users[0].Email, 0), (DemoSeeder.Users[0].Email, total)],
            rows.Select(r => (r.UserName, System.Text.Json.JsonDocument.Parse(r.After!).RootElement.GetProperty("Keys").GetInt32()))
        );
        Assert.Equal("zzzz-no-such-key", System.Text.Json.JsonDocument.Parse(rows[0].After!).RootElement.GetProperty("Search").GetString());
        Assert.Equal(total + 1, all.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Single(csv.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Sales_cannot_start_a_monitor_run_and_nothing_is_audited()
    {
        await Assert.ThrowsAsync<DomainException>(() =>
            portal.Service<FraudMonitorRunner>().RunManuallyAsync(TestData.As(Roles.Sales), null, CancellationToken.None)
        );

        await using var db = await portal.DbAsync();
        Assert.Empty(await db.AuditLog.Where(a => a.Action == "Fraud monitor run").ToListAsync());
    }

    [Fact]
    public async Task A_monitor_run_started_by_hand_is_audited_with_who_and_what_it_found()
    {
        var result = await portal.Service<FraudMonitorRunner>().RunManuallyAsync(TestData.As(Roles.Fraud), null, CancellationToken.None);

        await using var db = await portal.DbAsync();
        var row = Assert.Single(await db.AuditLog.Where(a => a.Action == "Fraud monitor run").ToListAsync());
        Assert.Equal(
            (
                DemoSeeder.Users[1].Email,
                "manual",
                $"{{\"LicensesChecked\":{result.LicensesChecked},\"CasesOpened\":{result.CasesOpened},"
                    + $"\"KeysDisabled\":{result.KeysDisabled}}}"
            ),
            (row.UserName, row.EntityId, row.After)
        );
    }
}
