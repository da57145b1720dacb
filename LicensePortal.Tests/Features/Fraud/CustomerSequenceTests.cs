using LicensePortal.Data;
using LicensePortal.Features.Activation;
using LicensePortal.Features.Fraud;
using LicensePortal.Features.Installations;
using LicensePortal.Features.Licenses;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Tests.Features.Fraud;

/// <summary>
/// The sequences real customers produce over months, through the real API and monitor on a test
/// clock: servers released and back, switched off and back, decommissioned and back, fixed before
/// the deadline. None of these honest sequences may flag a key.
/// </summary>
public class CustomerSequenceTests : IAsyncLifetime
{
    private readonly PortalFactory portal = new() { Licenses = 10 };
    private static readonly System.Security.Claims.ClaimsPrincipal Agent = TestData.As(Roles.Fraud, "agent@example.com");
    private HttpClient api = null!;
    private License license = null!;
    private DateTime day0;

    public async ValueTask InitializeAsync()
    {
        api = portal.Client();
        license = await portal.NewLicenseAsync((await portal.NewCustomerAsync()).Id);
        day0 = portal.Clock.GetUtcNow().UtcDateTime;
    }

    public ValueTask DisposeAsync() => portal.DisposeAsync();

    private DateTime Day(double d) => day0.AddDays(d);

    /// <summary>Moves the clock to <paramref name="day"/>, one day at a time, with <paramref name="machines"/> checking in daily as running
    /// servers do.</summary>
    private async Task<ActivationClient.Answer?> RunUntilAsync(double day, params string[] machines)
    {
        ActivationClient.Answer? last = null;
        while (portal.Clock.GetUtcNow().UtcDateTime < Day(day))
        {
            var next = portal.Clock.GetUtcNow().UtcDateTime.AddDays(1);
            portal.Clock.Advance((next > Day(day) ? Day(day) : next) - portal.Clock.GetUtcNow().UtcDateTime);
            foreach (var m in machines)
                last = await api.CheckInAsync(license.Key, m);
        }
        return last;
    }

    private Task<MonitorResult> MonitorAsync() => portal.Service<FraudMonitor>().RunAsync();

    private async Task<List<FraudCase>> CasesAsync()
    {
        await using var db = await portal.DbAsync();
        return await db.FraudCases.Where(c => c.LicenseId == license.Id).OrderBy(c => c.Id).ToListAsync();
    }

    [Fact]
    public async Task A_server_released_on_day_12_and_back_on_day_200_has_17_days_left()
    {
        await api.CheckInAsync(license.Key, "A");
        await api.CheckInAsync(license.Key, "B");
        await RunUntilAsync(12, "A", "B");
        await api.ReleaseAsync(license.Key, "B");
        await RunUntilAsync(200, "A");
        await MonitorAsync();
        Assert.Empty(await CasesAsync());

        var back = await api.CheckInAsync(license.Key, "B");

        // 12 days together and the release's settle day: 13 of the 30 used.
        Assert.Equal(("grace", 2), (back.Status, back.ActiveInstallations));
        Assert.Equal(Day(200 + 17), back.GraceEndsAt);
        await MonitorAsync();
        Assert.Empty(await CasesAsync());
    }

    [Fact]
    public async Task On_day_380_the_first_12_days_have_left_the_look_back_and_the_whole_window_is_there_again()
    {
        await api.CheckInAsync(license.Key, "A");
        await api.CheckInAsync(license.Key, "B");
        await RunUntilAsync(12, "A", "B");
        await api.ReleaseAsync(license.Key, "B");
        await RunUntilAsync(380, "A");

        var back = await api.CheckInAsync(license.Key, "B");

        Assert.Equal(("grace", Day(380 + 30)), (back.Status, back.GraceEndsAt));
    }

    [Fact]
    public async Task A_standby_last_seen_on_day_8_and_back_on_day_90_counts_only_while_it_was_active()
    {
        await api.CheckInAsync(license.Key, "A");
        await api.CheckInAsync(license.Key, "B");
        await RunUntilAsync(8, "A", "B");
        // B is switched off: it counts as active for the 14 days after it was last seen, then goes stale.
        await RunUntilAsync(90, "A");
        await MonitorAsync();

        var back = await api.CheckInAsync(license.Key, "B");

        // 8 + 14 = 22 days over allowance before it went stale; the 68 days it was off never count.
        Assert.Equal(("grace", Day(90 + 8)), (back.Status, back.GraceEndsAt));
        await RunUntilAsync(97, "A", "B");
        Assert.Equal(0, (await MonitorAsync()).CasesOpened);
    }

    [Fact]
    public async Task A_cold_standby_switched_on_for_a_day_each_quarter_never_flags_the_key()
    {
        await api.CheckInAsync(license.Key, "A");
        for (var quarter = 1; quarter <= 4; quarter++)
        {
            await RunUntilAsync(quarter * 91, "A");
            Assert.Equal("grace", (await api.CheckInAsync(license.Key, "standby")).Status);
            await RunUntilAsync(quarter * 91 + 1, "A", "standby");
            await api.ReleaseAsync(license.Key, "standby");
            await MonitorAsync();
        }
        // The last release settles a day later.
        await RunUntilAsync(4 * 91 + 2, "A");
        Assert.Empty(await CasesAsync());
        Assert.Equal("active", (await api.CheckInAsync(license.Key, "A")).Status);
    }

    [Fact]
    public async Task A_decommissioned_server_that_checks_in_again_starts_a_new_stint_and_the_decommissioning_stays_on_record()
    {
        await api.CheckInAsync(license.Key, "A");
        await api.CheckInAsync(license.Key, "B");
        await RunUntilAsync(5, "A", "B");
        var caseId = await portal
            .Service<FraudCaseService>()
            .OpenAsync(Agent, license.Id, "Two servers reported by the customer's reseller");
        var b = (await portal.Service<FraudCaseService>().DetailAsync(Agent, caseId)).Installations.Single(i => i.MachineId == "B");
        await portal.Service<FraudCaseService>().DecommissionAsync(Agent, caseId, b.Id, "Customer says it is gone");
        await portal
            .Service<FraudCaseService>()
            .ResolveAsync(Agent, caseId, new Resolution(CaseOutcome.MigrationCompleted, "Old server gone"));
        await RunUntilAsync(40, "A");

        var back = await api.CheckInAsync(license.Key, "B");

        Assert.Equal(("grace", Day(40 + 25)), (back.Status, back.GraceEndsAt));
        await using var db = await portal.DbAsync();
        var stint = await db.InstallationStints.SingleAsync(s => s.LicenseId == license.Id);
        Assert.Equal((b.Id, (DateTime?)Day(5), Day(0)), (stint.InstallationId, stint.DecommissionedAt, stint.StartedAt));
        var detail = await portal.Service<LicenseDetailService>().DetailAsync(license.Id, TestData.As(Roles.Fraud));
        Assert.Contains(detail.Timeline, t => t.Kind == "Decommissioned");
        Assert.Contains(detail.Timeline, t => t.Kind == "Back");
        Assert.Equal(Day(40), detail.Installations.Single(i => i.MachineId == "B").StintStartedAt);
    }

    [Theory]
    [InlineData("silent 14 days", 14.0, false, false)]
    [InlineData("silent 15 days", 15.0, false, true)]
    [InlineData("released, back the next day", 1.0, true, true)]
    [InlineData("running, checking in again an hour later", 1.0 / 24, false, false)]
    public async Task The_check_in_sql_and_the_installations_own_rule_agree_on_when_a_new_stint_starts(
        string because,
        double afterDays,
        bool release,
        bool newStint
    )
    {
        await api.CheckInAsync(license.Key, "A");
        if (release)
            await api.ReleaseAsync(license.Key, "A");
        await using var db = await portal.DbAsync();
        var before = await db.Installations.AsNoTracking().SingleAsync(i => i.LicenseId == license.Id);
        portal.Clock.Advance(TimeSpan.FromDays(afterDays));

        await api.CheckInAsync(license.Key, "A");

        var after = await db.Installations.AsNoTracking().SingleAsync(i => i.LicenseId == license.Id);
        Assert.True((newStint ? Day(afterDays) : Day(0)) == after.StintStartedAt, because);
        Assert.Equal(newStint ? 1 : 0, await db.InstallationStints.CountAsync(s => s.LicenseId == license.Id));
        var stint = before.Stint;
        Assert.Equal(newStint, before.CheckIn(after.Hostname, after.ProductVersion, Day(afterDays), new InstallationOptions()));
        Assert.Equal(
            (after.StintStartedAt, after.LastSeenAt, after.ReleasedAt, after.DecommissionedAt),
            (before.StintStartedAt, before.LastSeenAt, before.ReleasedAt, before.DecommissionedAt)
        );
        var archived = await db.InstallationStints.SingleOrDefaultAsync(s => s.LicenseId == license.Id);
        Assert.Equal(newStint ? stint : null, archived?.Facts);
    }

    [Fact]
    public async Task A_customer_who_fixes_it_before_the_deadline_is_not_disabled_and_is_thanked()
    {
        await api.CheckInAsync(license.Key, "A");
        await api.CheckInAsync(license.Key, "B");
        await RunUntilAsync(31, "A", "B");
        Assert.Equal(1, (await MonitorAsync()).CasesOpened);
        var opened = (await CasesAsync()).Single();

        await api.ReleaseAsync(license.Key, "A");
        var answer = await RunUntilAsync(35, "B");
        Assert.Equal(("flagged", null), (answer!.Status, answer.DisableAt));
        var queue = await portal
            .Service<FraudCaseService>()
            .QueueAsync(Agent, new CaseFilter(CaseView.BackWithinAllowance, license.Key), new PageRequest(0, 10, null, false));
        Assert.Equal([opened.Id], queue.Rows.Select(r => r.Id));

        await RunUntilAsync(44, "B");
        var result = await MonitorAsync();

        Assert.Equal((0, 1), (result.KeysDisabled, result.ResolvedByCustomer));
        var closed = (await CasesAsync()).Single();
        Assert.Equal((CaseState.Resolved, CaseOutcome.ResolvedByCustomer), (closed.State, closed.Outcome));
        Assert.Equal("active", (await api.CheckInAsync(license.Key, "B")).Status);
        await using var db = await portal.DbAsync();
        Assert.True(await db.Outbox.AnyAsync(m => m.About == $"License {license.Key}" && m.Subject.StartsWith("Thank you")));
        Assert.True(await db.AuditLog.AnyAsync(a => a.Action == "Case resolved by the customer" && a.EntityId == opened.Id.ToString()));
        var resolved = await portal
            .Service<FraudCaseService>()
            .QueueAsync(Agent, new CaseFilter(CaseView.ResolvedByCustomer, license.Key), new PageRequest(0, 10, null, false));
        Assert.Equal([opened.Id], resolved.Rows.Select(r => r.Id));
        Assert.Equal(0, (await MonitorAsync()).CasesOpened);
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(2)]
    [InlineData(6)]
    public async Task The_disable_date_a_product_is_told_is_the_date_the_case_gets_whenever_the_monitor_runs(double monitorLateDays)
    {
        await api.CheckInAsync(license.Key, "A");
        await api.CheckInAsync(license.Key, "B");
        var told = await RunUntilAsync(30.01, "A", "B");
        Assert.Equal("flagged", told!.Status);

        portal.Clock.Advance(TimeSpan.FromDays(monitorLateDays));
        await MonitorAsync();

        var opened = (await CasesAsync()).Single();
        Assert.Equal(told.DisableAt, opened.DeadlineAt);
        Assert.Equal(Day(30 + 14), opened.DeadlineAt);
        Assert.Equal(told.DisableAt, (await api.CheckInAsync(license.Key, "A")).DisableAt);
    }

    [Fact]
    public async Task A_false_positive_restores_the_window_and_no_case_reopens_at_the_next_pass()
    {
        await api.CheckInAsync(license.Key, "A");
        await api.CheckInAsync(license.Key, "B");
        await RunUntilAsync(31, "A", "B");
        await MonitorAsync();
        var caseId = (await CasesAsync()).Single().Id;

        await portal
            .Service<FraudCaseService>()
            .ResolveAsync(Agent, caseId, new Resolution(CaseOutcome.FalsePositive, "B is A's cluster address, reported twice"));
        await MonitorAsync();

        Assert.Single(await CasesAsync());
        var answer = await api.CheckInAsync(license.Key, "B");
        Assert.Equal(("grace", Day(31 + 30)), (answer.Status, answer.GraceEndsAt));
        await using var db = await portal.DbAsync();
        Assert.True(await db.AuditLog.AnyAsync(a => a.Action == "Migration window restored" && a.EntityId == license.Key));
    }

    [Fact]
    public async Task After_an_additional_license_the_moved_server_checking_in_once_more_with_the_old_key_does_not_reopen_the_case()
    {
        var bought = await portal.NewLicenseAsync(license.CustomerId);
        await api.CheckInAsync(license.Key, "A");
        await api.CheckInAsync(license.Key, "B");
        await RunUntilAsync(31, "A", "B");
        await MonitorAsync();
        var service = portal.Service<FraudCaseService>();
        var caseId = (await CasesAsync()).Single().Id;
        var b = (await service.DetailAsync(Agent, caseId)).Installations.Single(i => i.MachineId == "B");
        await service.ResolveAsync(
            Agent,
            caseId,
            new Resolution(CaseOutcome.AdditionalLicensePurchased, "Bought a second key", bought.Id, b.Id)
        );

        // The customer changes B's key a day later; until then B still checks in with the old one.
        var late = await RunUntilAsync(32, "A", "B");
        Assert.Equal(("grace", Day(32 + 30)), (late!.Status, late.GraceEndsAt));
        await api.ReleaseAsync(license.Key, "B");
        Assert.Equal("active", (await api.CheckInAsync(bought.Key, "B")).Status);
        await RunUntilAsync(70, "A");
        await MonitorAsync();

        Assert.Single(await CasesAsync());
        Assert.Equal("active", (await api.CheckInAsync(license.Key, "A")).Status);
    }

    [Fact]
    public async Task A_case_opened_by_hand_is_left_to_an_agent_at_its_deadline_when_the_license_is_within_its_allowance()
    {
        await api.CheckInAsync(license.Key, "A");
        var caseId = await portal.Service<FraudCaseService>().OpenAsync(Agent, license.Id, "Key seen on a forum");
        await RunUntilAsync(15, "A");

        await MonitorAsync();

        Assert.True((await CasesAsync()).Single(c => c.Id == caseId).IsOpen);
        Assert.Equal("flagged", (await api.CheckInAsync(license.Key, "A")).Status);
        await using var db = await portal.DbAsync();
        Assert.False(await db.Outbox.AnyAsync(m => m.About == $"License {license.Key}" && m.Subject.StartsWith("Thank you")));
    }

    [Fact]
    public async Task A_stint_a_staff_action_ends_and_restarts_through_ef_is_kept_by_the_same_trigger()
    {
        await api.CheckInAsync(license.Key, "A");
        await api.ReleaseAsync(license.Key, "A");
        await using (var db = await portal.DbAsync())
        {
            var a = await db.Installations.SingleAsync(i => i.LicenseId == license.Id);
            portal.Clock.Advance(TimeSpan.FromDays(3));
            Assert.True(a.CheckIn("mail1.acme.example", "12.3", Day(3), new InstallationOptions()));
            await db.SaveChangesAsync();
        }

        await using var check = await portal.DbAsync();
        var kept = await check.InstallationStints.SingleAsync(s => s.LicenseId == license.Id);
        Assert.Equal((Day(0), (DateTime?)Day(1)), (kept.StartedAt, kept.ReleasedAt)); // the release plus its settle time
    }

    [Fact]
    public async Task A_case_opened_by_hand_says_the_agents_reason_to_the_team_and_the_customer()
    {
        await api.CheckInAsync(license.Key, "A");
        var caseId = await portal.Service<FraudCaseService>().OpenAsync(Agent, license.Id, "A reseller offered this key on a forum");

        var opened = (await CasesAsync()).Single(c => c.Id == caseId);
        Assert.Equal("Opened by hand: A reseller offered this key on a forum", opened.Reason);
        await using var db = await portal.DbAsync();
        var mail = await db.Outbox.Where(m => m.About == $"License {license.Key}").ToListAsync();
        Assert.All(mail, m => Assert.Contains("A reseller offered this key on a forum", m.Body));
        Assert.DoesNotContain(mail, m => m.Body.Contains("that time has run out"));
    }

    [Fact]
    public async Task The_monitor_closes_cases_with_exactly_the_changes_the_case_methods_make()
    {
        await api.CheckInAsync(license.Key, "A");
        await api.CheckInAsync(license.Key, "B");
        await RunUntilAsync(31, "A", "B");
        await MonitorAsync();
        var before = (await CasesAsync()).Single();
        await RunUntilAsync(44.5, "A", "B");

        var expected = new FraudCase
        {
            Id = before.Id,
            State = before.State,
            DeadlineAt = before.DeadlineAt,
        };
        expected.CloseWithKeyDisabled(
            $"The case was not resolved by {before.DisableAt:yyyy-MM-dd HH:mm} UTC and the license was still over its allowance.",
            portal.Clock.GetUtcNow().UtcDateTime,
            "fraud monitor"
        );
        Assert.Equal(1, (await MonitorAsync()).KeysDisabled);

        var after = (await CasesAsync()).Single();
        Assert.Equal(
            (expected.State, expected.Outcome, expected.OutcomeNote, expected.ClosedAt, expected.ClosedBy),
            (after.State, after.Outcome, after.OutcomeNote, after.ClosedAt, after.ClosedBy)
        );
    }

    [Fact]
    public async Task The_monitors_write_guard_reads_the_installations_as_they_are_when_it_writes()
    {
        async Task<bool> OverAllowanceAsync()
        {
            await using var db = await portal.DbAsync();
            await db.Database.OpenConnectionAsync();
            await using var command = db.Database.GetDbConnection().CreateCommand();
            var dialect = SqlDialect.Of(db);
            command.CommandText = dialect.Sql($"SELECT {InstallationQueries.OverAllowanceSql("$license", "$since", "$now")}");
            var now = portal.Clock.GetUtcNow().UtcDateTime;
            foreach (
                var (name, value) in new (string, object)[]
                {
                    ("$license", license.Id),
                    ("$since", now - new InstallationOptions().ActiveWithin),
                    ("$now", now),
                }
            )
            {
                var parameter = command.CreateParameter();
                (parameter.ParameterName, parameter.Value) = (dialect.ParameterName(name), dialect.Bind(value));
                command.Parameters.Add(parameter);
            }
            return Convert.ToInt64(await command.ExecuteScalarAsync()) == 1;
        }
        await api.CheckInAsync(license.Key, "A");
        Assert.False(await OverAllowanceAsync());
        await api.CheckInAsync(license.Key, "B");
        Assert.True(await OverAllowanceAsync());

        await api.ReleaseAsync(license.Key, "B");

        Assert.True(await OverAllowanceAsync()); // B counts through the release's settle time
        portal.Clock.Advance(TimeSpan.FromHours(24));
        Assert.False(await OverAllowanceAsync());
        portal.Clock.Advance(TimeSpan.FromDays(14));
        await api.CheckInAsync(license.Key, "B");
        Assert.False(await OverAllowanceAsync()); // A went stale meanwhile
    }

    [Fact]
    public void The_open_states_in_sql_are_the_open_states_of_a_case()
    {
        Assert.Equal("\"State\" IN (0, 1, 2)", FraudCase.OpenStatesSql);
        Assert.Equal([CaseState.Open, CaseState.CustomerNotified, CaseState.Contacting], FraudCase.OpenStates);
        Assert.Contains(FraudCase.OpenStatesSql, CheckInService.CheckInSql);
    }

    [Fact]
    public async Task A_server_running_a_later_major_without_protection_is_told_an_upgrade_is_needed()
    {
        var response = await api.PostCheckInAsync(license.Key, "A", version: "13.0.1");
        var answer = await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<ActivationClient.Answer>(
            response.Content,
            new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)
        );
        Assert.Contains("an upgrade is needed", answer!.Message);
        Assert.DoesNotContain("upgrade is needed", (await api.CheckInAsync(license.Key, "A")).Message);
        var protectedLicense = await portal.NewLicenseAsync(license.CustomerId, protection: new DateOnly(2027, 6, 1));
        var covered = await api.PostCheckInAsync(protectedLicense.Key, "C", version: "13.0.1");
        Assert.DoesNotContain("upgrade is needed", await covered.Content.ReadAsStringAsync());
    }
}
