using LicensePortal.Data;
using LicensePortal.Features.Activation;
using LicensePortal.Features.Installations;
using LicensePortal.Features.Licenses;
using LicensePortal.Features.Licensing;
using LicensePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Tests.Features.Installations;

/// <summary>
/// The installation-state rule has one definition (InstallationStanding) and the forms the database reads
/// (InstallationQueries' LINQ and SQL, the check-in's "stint ended"). Every combination of released, decommissioned,
/// last seen and offline file, each on its boundaries, must be sorted the same way by every form.
/// </summary>
public class InstallationRuleFormsTests : IAsyncLifetime
{
    private readonly PortalFactory portal = new() { Licenses = 10 };
    private static readonly InstallationOptions Options = new();
    private DateTime now;
    private License license = null!;
    private List<Installation> grid = null!;

    public async ValueTask InitializeAsync()
    {
        now = portal.Clock.GetUtcNow().UtcDateTime;
        license = await portal.NewLicenseAsync((await portal.NewCustomerAsync()).Id);
        // A release takes effect after its settle time: one still settling (later than now) has not.
        DateTime?[] released = [null, now.AddDays(-1), now, now.AddHours(12)];
        DateTime?[] decommissioned = [null, now.AddDays(-2)];
        DateTime[] lastSeen =
        [
            now.AddHours(-1),
            now - Options.ActiveWithin,
            now - Options.ActiveWithin - TimeSpan.FromSeconds(1),
            now.AddDays(-100),
        ];
        DateTime?[] offlineUntil = [null, now.AddHours(-1), now, now.AddDays(1)];
        grid =
        [
            .. from r in released
            from d in decommissioned
            from seen in lastSeen
            from offline in offlineUntil
            select new Installation
            {
                LicenseId = license.Id,
                MachineId = Guid.NewGuid().ToString("N"),
                Hostname = "grid",
                ProductVersion = "12.0.1",
                FirstSeenAt = seen.AddDays(-1),
                StintStartedAt = seen.AddDays(-1),
                LastSeenAt = seen,
                ReleasedAt = r,
                DecommissionedAt = d,
                OfflineUntil = offline,
            },
        ];
        await using var db = await portal.DbAsync();
        db.Installations.AddRange(grid);
        await db.SaveChangesAsync();
    }

    public ValueTask DisposeAsync() => portal.DisposeAsync();

    private long[] Where(Func<InstallationFacts, bool> rule) => [.. grid.Where(i => rule(i.Stint)).Select(i => i.Id).Order()];

    [Fact]
    public void The_grid_holds_every_state()
    {
        var states = grid.GroupBy(i => InstallationStanding.StateOf(i.Stint, now, Options)).ToDictionary(g => g.Key, g => g.Count());
        // 16 (last seen × offline file) per released/decommissioned pair: a release in effect (2 of 4) with or without a
        // decommissioning counts as released; a release still settling (1 of 4) is as if none.
        Assert.Equal(64, states[InstallationState.Released]);
        Assert.Equal(32, states[InstallationState.Decommissioned]);
        // Present: seen within the period (2 of 4 last-seen times) or an offline file still current (1 of 4).
        Assert.Equal(20, states[InstallationState.Active]);
        Assert.Equal(12, states[InstallationState.Stale]);
    }

    [Theory]
    [InlineData(InstallationState.Active)]
    [InlineData(InstallationState.Stale)]
    [InlineData(InstallationState.Released)]
    [InlineData(InstallationState.Decommissioned)]
    public async Task The_list_filter_for_a_state_finds_exactly_the_installations_the_rule_puts_in_it(InstallationState state)
    {
        await using var db = await portal.DbAsync();
        var found = await db
            .Installations.Where(i => i.LicenseId == license.Id)
            .InState(state, ActivityCut.At(now, Options))
            .Select(i => i.Id)
            .OrderBy(id => id)
            .ToArrayAsync();

        Assert.Equal(Where(i => InstallationStanding.StateOf(i, now, Options) == state), found);
    }

    [Fact]
    public async Task Active_in_sql_is_the_rule_s_active()
    {
        var found = await IdsAsync($"""{InstallationQueries.ActiveSql("i", "$seenSince", "$now")}""");

        Assert.Equal(Where(i => InstallationStanding.IsActive(i, now, Options)), found);
    }

    [Fact]
    public async Task A_check_in_starts_a_new_stint_in_sql_exactly_where_the_rule_starts_one()
    {
        var found = await IdsAsync(CheckInService.StintEnded("i"));

        Assert.Equal(Where(i => InstallationStanding.StartsNewStint(i, now, Options)), found);
    }

    [Fact]
    public async Task The_allowance_in_sql_is_the_rule_s_allowance()
    {
        var failover = await portal.NewLicenseAsync(license.CustomerId, failover: true);
        await using var db = await portal.DbAsync();
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText =
            $"""SELECT l."Id", {InstallationQueries.AllowanceSql("l")} FROM "Licenses" l WHERE l."Id" IN ({license.Id}, {failover.Id})""";
        var allowance = new Dictionary<int, long>();
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                allowance[reader.GetInt32(0)] = reader.GetInt64(1);

        Assert.Equal(InstallationStanding.Allowance(hasFailover: false), allowance[license.Id]);
        Assert.Equal(InstallationStanding.Allowance(hasFailover: true), allowance[failover.Id]);
    }

    /// <summary>The grid's ids for which the SQL condition <paramref name="condition"/> on the row "i" holds.</summary>
    private async Task<long[]> IdsAsync(string condition)
    {
        await using var db = await portal.DbAsync();
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        var dialect = SqlDialect.Of(db);
        command.CommandText = dialect.Sql(
            $"""SELECT i."Id" FROM "Installations" i WHERE i."LicenseId" = $license AND {condition} ORDER BY i."Id" """
        );
        var seenSince = now - Options.ActiveWithin;
        foreach (
            var (name, value) in new (string, object)[]
            {
                ("$license", license.Id),
                ("$seenSince", seenSince),
                ("$staleBefore", seenSince),
                ("$now", now),
            }
        )
        {
            if (!command.CommandText.Contains(dialect.ParameterName(name)))
                continue;
            var parameter = command.CreateParameter();
            (parameter.ParameterName, parameter.Value) = (dialect.ParameterName(name), dialect.Bind(value));
            command.Parameters.Add(parameter);
        }
        var ids = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            ids.Add(reader.GetInt64(0));
        return [.. ids];
    }
}
