using LicensePortal.Features.Fraud;
using LicensePortal.Features.Licenses;
using LicensePortal.Features.Licensing;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Tests.Data;

/// <summary>
/// Speed is measured in the benchmarks (docs/BENCHMARKS.md); what is asserted here is what keeps
/// it at a million licenses: the hot queries read an index range, never every row. SQLite plans
/// from its statistics, so the test database is given those of the benchmark's million-license
/// database (as SQLite's documentation suggests for testing plans), not its own few hundred rows.
/// </summary>
// SQLite's query plans (EXPLAIN QUERY PLAN, sqlite_stat1).
[Trait("Provider", "Sqlite")]
public class QueryPlanTests : IAsyncLifetime
{
    internal static readonly string[] MillionLicenseStatistics =
    [
        "Customers|IX_Customers_Email|200000 1",
        "Customers|IX_Customers_Name|200000 1",
        "Customers|IX_Customers_Phone|200000 1",
        "FraudCases|IX_FraudCases_OneOpenPerLicense|25140 1",
        "FraudCases|IX_FraudCases_State_DeadlineAt|25140 1001 251",
        "Installations|IX_Installations_DecommissionedAt|1818852 1001",
        "Installations|IX_Installations_LastSeenAt|1818852 1",
        "Installations|IX_Installations_LicenseId_MachineId|1818852 3 1",
        "Installations|IX_Installations_ReleasedAt|1818852 3",
        "Licenses|IX_Licenses_CustomerId_Id|1000000 6 1",
        "Licenses|IX_Licenses_EditionId_Id|1000000 1001 1",
        "Licenses|IX_Licenses_Key|1000000 1",
        "Licenses|IX_Licenses_LevelId_Id|1000000 1001 1",
        "Licenses|IX_Licenses_ProductId_Major_Id|1000000 1001 1001 1",
        "Licenses|IX_Licenses_ProductId_Status_PurchasedOn_Id|1000000 1001 1001 56 1",
        "Licenses|IX_Licenses_ProtectionEndsOn_Id|1000000 23 1",
        "Licenses|IX_Licenses_PurchasedOn_Id|1000000 28 1",
        "Licenses|IX_Licenses_Status_Id|1000000 1001 1",
    ];

    private readonly PortalFactory portal = new() { Licenses = 50 };

    public ValueTask InitializeAsync() => UseStatisticsAsync(portal, MillionLicenseStatistics);

    /// <summary>Gives the portal's small database the planner statistics of a big one.</summary>
    internal static async ValueTask UseStatisticsAsync(PortalFactory portal, IEnumerable<string> statistics)
    {
        await using var db = await portal.DbAsync();
        await db.Database.ExecuteSqlRawAsync("DELETE FROM sqlite_stat1;");
        foreach (var row in statistics.Select(r => r.Split('|')))
            await db.Database.ExecuteSqlRawAsync(
                "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ({0}, {1}, {2});",
                row[0],
                row[1],
                row[2]
            );
        // Makes SQLite read the statistics again.
        await db.Database.ExecuteSqlRawAsync("ANALYZE sqlite_schema;");
    }

    public ValueTask DisposeAsync() => portal.DisposeAsync();

    private static void ReadsThroughIndex(List<string> plan, string table, string index)
    {
        var text = string.Join("\n", plan);
        Assert.True(
            plan.Any(step => step.Contains($" {table} ") && step.Contains($"INDEX {index}")),
            $"{table} is not read through {index}:\n{text}"
        );
        NeverScans(plan, table);
    }

    private static void NeverScans(List<string> plan, string table) =>
        Assert.False(plan.Any(step => step == $"SCAN {table}"), $"{table} is read row by row:\n{string.Join("\n", plan)}");

    [Fact]
    public async Task The_license_list_reads_one_product_s_active_licenses_in_order_from_one_index()
    {
        await using var db = await portal.DbAsync();
        var service = portal.Service<LicenseService>();
        var cutoffs = await portal.Service<EntitlementService>().LegacyCutoffsAsync();
        var productId = await db.Products.Select(p => p.Id).FirstAsync();
        var filtered = service.Filtered(db, new LicenseFilter { ProductId = productId, Status = LicenseStatus.Active }, cutoffs);

        var page = await QueryPlan.OfAsync(
            db,
            LicenseService.PageOf(filtered, new PageRequest(3, 50, nameof(LicenseRow.PurchasedOn), true))
        );
        var count = await QueryPlan.OfAsync(db, filtered);

        ReadsThroughIndex(page, "l", "IX_Licenses_ProductId_Status_PurchasedOn_Id");
        Assert.DoesNotContain(page, step => step.Contains("TEMP B-TREE FOR ORDER BY"));
        ReadsThroughIndex(count, "l", "IX_Licenses_ProductId_Status_PurchasedOn_Id");
    }

    [Fact]
    public async Task A_key_search_uses_the_key_index()
    {
        await using var db = await portal.DbAsync();
        var filtered = portal.Service<LicenseService>().Filtered(db, new LicenseFilter { Search = "7KQ2M" }, new Dictionary<int, int?>());

        var plan = await QueryPlan.OfAsync(db, LicenseService.PageOf(filtered, new PageRequest(0, 50, null, false)));

        Assert.Contains(plan, step => step.Contains("INDEX IX_Licenses_Key"));
        NeverScans(plan, "l");
    }

    [Fact]
    public async Task The_monitor_finds_what_changed_since_its_last_pass_through_one_index_range_each()
    {
        await using var db = await portal.DbAsync();
        var monitor = portal.Service<FraudMonitor>();
        var now = PortalFactory.Now.UtcDateTime;

        var queries = monitor.ChangedSince(db, now.AddHours(-1), now).ToList();
        var plans = new List<List<string>>();
        foreach (var query in queries)
            plans.Add(await QueryPlan.OfAsync(db, query));

        Assert.Equal(5, plans.Count);
        ReadsThroughIndex(plans[0], "i", "IX_Installations_LastSeenAt");
        ReadsThroughIndex(plans[1], "i", "IX_Installations_ReleasedAt");
        ReadsThroughIndex(plans[2], "i", "IX_Installations_DecommissionedAt");
        ReadsThroughIndex(plans[3], "i", "IX_Installations_LastSeenAt");
        ReadsThroughIndex(plans[4], "i", "IX_Installations_OfflineUntil");
    }

    [Fact]
    public async Task A_monitor_batch_looks_up_its_licenses_open_cases_in_the_one_open_case_index()
    {
        await using var db = await portal.DbAsync();
        int[] ids = [1, 2, 3];

        var plan = await QueryPlan.OfAsync(
            db,
            db.FraudCases.Where(c => EF.Parameter(ids).Contains(c.LicenseId) && FraudCase.OpenStates.Contains(c.State))
        );

        ReadsThroughIndex(plan, "f", "IX_FraudCases_OneOpenPerLicense");
    }

    [Fact]
    public async Task Every_statement_of_the_check_in_reads_through_an_index()
    {
        await using var db = await portal.DbAsync();
        await db.Database.OpenConnectionAsync();
        var statements = LicensePortal.Features.Activation.CheckInService.CheckInSql.Split(
            ';',
            StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries
        );

        Assert.Equal(3, statements.Length);
        foreach (var statement in statements)
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "EXPLAIN QUERY PLAN " + statement;
            foreach (var name in new[] { "$key", "$machine", "$host", "$version", "$now", "$staleBefore", "$stintsSince" })
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                parameter.Value = name is "$now" or "$staleBefore" or "$stintsSince" ? PortalFactory.Now.UtcDateTime : "x";
                command.Parameters.Add(parameter);
            }
            var plan = new List<string>();
            await using (var reader = await command.ExecuteReaderAsync())
                while (await reader.ReadAsync())
                    plan.Add(reader.GetString(3));
            Assert.False(
                plan.Any(step => step.StartsWith("SCAN ")),
                $"a check-in statement reads a table row by row:\n{statement}\n{string.Join("\n", plan)}"
            );
        }
    }
}
