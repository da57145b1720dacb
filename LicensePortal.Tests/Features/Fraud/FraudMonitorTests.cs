using System.Net;
using LicensePortal.Features.Fraud;
using LicensePortal.Features.Licenses;
using LicensePortal.Features.Outbox;
using LicensePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Tests.Features.Fraud;

/// <summary>docs/RULES.md's installation and fraud rules, driven through the real API and monitor on a test clock.</summary>
public class FraudMonitorTests : IAsyncLifetime
{
    private readonly PortalFactory portal = new() { Licenses = 10 };
    private HttpClient api = null!;
    private License license = null!;

    public async ValueTask InitializeAsync()
    {
        api = portal.Client();
        license = await portal.NewLicenseAsync((await portal.NewCustomerAsync()).Id);
    }

    public ValueTask DisposeAsync() => portal.DisposeAsync();

    private Task<MonitorResult> MonitorAsync() => portal.Service<FraudMonitor>().RunAsync();

    /// <summary>Moves the clock a day at a time with both servers checking in daily, as running servers do.</summary>
    private async Task<ActivationClient.Answer> RunDaysAsync(int days, params string[] machines)
    {
        ActivationClient.Answer? last = null;
        for (var d = 0; d < days; d++)
        {
            portal.Clock.Advance(TimeSpan.FromDays(1));
            foreach (var m in machines)
                last = await api.CheckInAsync(license.Key, m);
        }
        return last!;
    }

    private async Task<List<FraudCase>> CasesAsync()
    {
        await using var db = await portal.DbAsync();
        return await db.FraudCases.Where(c => c.LicenseId == license.Id).ToListAsync();
    }

    private async Task<List<OutboxMessage>> MailAsync()
    {
        await using var db = await portal.DbAsync();
        return await db.Outbox.Where(m => m.About == $"License {license.Key}").OrderBy(m => m.Id).ToListAsync();
    }

    [Theory]
    [InlineData(29, false)]
    [InlineData(30, true)]
    [InlineData(31, true)]
    public async Task A_case_opens_when_the_30_day_migration_window_is_used_up(int day, bool caseOpened)
    {
        Assert.Equal("active", (await api.CheckInAsync(license.Key, "old-server")).Status);
        var grace = await api.CheckInAsync(license.Key, "new-server");
        Assert.Equal("grace", grace.Status);
        Assert.Equal(PortalFactory.Now.UtcDateTime.AddDays(30), grace.GraceEndsAt);

        var answer = await RunDaysAsync(day, "old-server", "new-server");
        var result = await MonitorAsync();

        Assert.Equal(caseOpened ? 1 : 0, result.CasesOpened);
        Assert.Equal(caseOpened ? 1 : 0, (await CasesAsync()).Count);
        if (!caseOpened)
        {
            Assert.Equal("grace", answer.Status);
            return;
        }
        var opened = (await CasesAsync()).Single();
        Assert.Equal(CaseState.CustomerNotified, opened.State);
        // The deadline counts from the end of the window (day 30), whenever the monitor ran after it.
        Assert.Equal(PortalFactory.Now.UtcDateTime.AddDays(30 + 14), opened.DeadlineAt);
        var mail = await MailAsync();
        Assert.Equal(["it@acme.example", "fraud-team@smartertools.example"], mail.Select(m => m.To));
        Assert.Contains("will be disabled", mail[0].Body);
        var flagged = await api.CheckInAsync(license.Key, "old-server");
        Assert.Equal(("flagged", opened.DeadlineAt), (flagged.Status, flagged.DisableAt));
    }

    [Theory]
    [InlineData(13, false)]
    [InlineData(14, true)]
    [InlineData(15, true)]
    public async Task An_unresolved_case_disables_the_key_14_days_after_it_opened(int day, bool disabled)
    {
        await api.CheckInAsync(license.Key, "old-server");
        await api.CheckInAsync(license.Key, "new-server");
        await RunDaysAsync(30, "old-server", "new-server");
        await MonitorAsync();

        await RunDaysAsync(day, "old-server", "new-server");
        var result = await MonitorAsync();

        Assert.Equal(disabled ? 1 : 0, result.KeysDisabled);
        var answer = await api.CheckInAsync(license.Key, "old-server");
        Assert.Equal(disabled ? "disabled" : "flagged", answer.Status);
        var mail = await MailAsync();
        Assert.Equal(disabled ? 3 : 2, mail.Count);
        if (disabled)
        {
            Assert.Contains("has been disabled", mail[2].Subject);
            var closed = (await CasesAsync()).Single();
            Assert.Equal((CaseState.KeyDisabled, CaseOutcome.KeyDisabled), (closed.State, closed.Outcome));
        }
    }

    [Fact]
    public async Task Releasing_the_old_server_ends_the_migration_and_nothing_else_happens()
    {
        await api.CheckInAsync(license.Key, "old-server");
        await api.CheckInAsync(license.Key, "new-server");
        await RunDaysAsync(10, "old-server", "new-server");
        await MonitorAsync();

        Assert.Equal(System.Net.HttpStatusCode.NoContent, (await api.ReleaseAsync(license.Key, "old-server")).StatusCode);
        var answer = await RunDaysAsync(40, "new-server");
        await MonitorAsync();

        Assert.Equal("active", answer.Status);
        Assert.Empty(await CasesAsync());
        await using var db = await portal.DbAsync();
        var period = await db.OverAllowancePeriods.SingleAsync(p => p.LicenseId == license.Id);
        Assert.NotNull(period.EndedAt);
    }

    [Fact]
    public async Task A_second_migration_in_the_same_year_gets_only_what_is_left_of_the_window()
    {
        await api.CheckInAsync(license.Key, "old-server");
        await api.CheckInAsync(license.Key, "second-server");
        await RunDaysAsync(20, "old-server", "second-server");
        await api.ReleaseAsync(license.Key, "second-server");
        await RunDaysAsync(80, "old-server");
        await MonitorAsync();

        // 20 days together and the release's settle day: 21 used, 9 left.
        var grace = await api.CheckInAsync(license.Key, "third-server");
        Assert.Equal("grace", grace.Status);
        Assert.Equal(portal.Clock.GetUtcNow().UtcDateTime.AddDays(9), grace.GraceEndsAt);

        await RunDaysAsync(8, "old-server", "third-server");
        Assert.Equal(0, (await MonitorAsync()).CasesOpened);
        await RunDaysAsync(1, "old-server", "third-server");
        Assert.Equal(1, (await MonitorAsync()).CasesOpened);
    }

    [Fact]
    public async Task A_server_that_goes_stale_stops_counting_and_no_case_opens()
    {
        await api.CheckInAsync(license.Key, "old-server");
        await api.CheckInAsync(license.Key, "new-server");
        // The old server stops checking in on day 5: it counts until day 19, then goes stale.
        await RunDaysAsync(5, "old-server", "new-server");
        var answer = await RunDaysAsync(35, "new-server");
        await MonitorAsync();

        Assert.Equal(("active", 1), (answer.Status, answer.ActiveInstallations));
        Assert.Empty(await CasesAsync());
    }

    [Fact]
    public async Task Running_the_monitor_twice_at_once_opens_one_case_and_sends_each_email_once()
    {
        await api.CheckInAsync(license.Key, "old-server");
        await api.CheckInAsync(license.Key, "new-server");
        await RunDaysAsync(31, "old-server", "new-server");

        await Task.WhenAll(Task.Run(MonitorAsync), Task.Run(MonitorAsync));
        await MonitorAsync();

        Assert.Single(await CasesAsync());
        Assert.Equal(2, (await MailAsync()).Count);
        await using var db = await portal.DbAsync();
        Assert.Equal(1, await db.OverAllowancePeriods.CountAsync(p => p.LicenseId == license.Id && p.EndedAt == null));
    }

    [Fact]
    public async Task Two_passes_that_start_a_migration_at_once_record_it_once()
    {
        await api.CheckInAsync(license.Key, "old-server");
        await api.CheckInAsync(license.Key, "new-server");

        await Task.WhenAll(Task.Run(MonitorAsync), Task.Run(MonitorAsync), Task.Run(MonitorAsync));

        await using var db = await portal.DbAsync();
        Assert.Equal(1, await db.OverAllowancePeriods.CountAsync(p => p.LicenseId == license.Id));
    }

    [Fact]
    public async Task A_later_pass_opens_the_case_when_the_window_ends_between_check_ins()
    {
        await api.CheckInAsync(license.Key, "old-server");
        await api.CheckInAsync(license.Key, "new-server");
        await MonitorAsync(); // the first pass reads everything; later ones only what changed
        await RunDaysAsync(29, "old-server", "new-server");
        portal.Clock.Advance(TimeSpan.FromHours(20));
        await api.CheckInAsync(license.Key, "old-server");
        await api.CheckInAsync(license.Key, "new-server");
        Assert.Equal(0, (await MonitorAsync()).CasesOpened);

        // No check-in since that pass, but the window ends: the period's review time brings it back.
        portal.Clock.Advance(TimeSpan.FromHours(5));
        var result = await MonitorAsync();

        Assert.Equal(1, result.CasesOpened);
        Assert.True(result.LicensesChecked < 10, $"an incremental pass read {result.LicensesChecked} licenses");
    }
}

/// <summary>A pass in batches of two over six licenses that each need something different: three batches, each counted.</summary>
public class FraudMonitorBatchTests : IAsyncLifetime
{
    // No demo licenses: the six below are all the monitor finds.
    private readonly PortalFactory portal = new() { Licenses = 0, Settings = { ["Fraud:BatchSize"] = "2" } };

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => portal.DisposeAsync();

    [Fact]
    public async Task A_pass_in_batches_of_two_checks_each_license_once_and_counts_every_change_of_every_batch()
    {
        using var api = portal.Client();
        var customer = await portal.NewCustomerAsync();
        // In key order, so batches of two are (caseOpens, migrationStarts), (migrationEnds, keyDisabled), (resolved, untouched).
        var caseOpens = await portal.NewLicenseAsync(customer.Id);
        var migrationStarts = await portal.NewLicenseAsync(customer.Id);
        var migrationEnds = await portal.NewLicenseAsync(customer.Id);
        var keyDisabled = await portal.NewLicenseAsync(customer.Id);
        var resolved = await portal.NewLicenseAsync(customer.Id);
        var untouched = await portal.NewLicenseAsync(customer.Id);
        string[] Machines(License l, int day) =>
            l == caseOpens
                ? day >= 14
                    ? ["old", "new"]
                    : ["old"]
                : l == migrationStarts
                    ? day >= 44
                        ? ["old", "new"]
                        : ["old"]
                    : l == migrationEnds
                        ? day >= 40
                            ? ["new"]
                            : day >= 20
                                ? ["old", "new"]
                                : ["old"]
                        : l == resolved
                            ? day >= 35
                                ? ["new"]
                                : ["old", "new"]
                            : l == keyDisabled
                                ? ["old", "new"]
                                : ["old"];
        License[] all = [caseOpens, migrationStarts, migrationEnds, keyDisabled, resolved, untouched];
        var monitor = portal.Service<FraudMonitor>();

        MonitorResult? first = null;
        for (var day = 0; day <= 44; day++)
        {
            if (day > 0)
                portal.Clock.Advance(TimeSpan.FromDays(1));
            foreach (var l in all)
                foreach (var machine in Machines(l, day))
                    await api.CheckInAsync(l.Key, machine);
            if (day == 35)
                Assert.Equal(HttpStatusCode.NoContent, (await api.ReleaseAsync(resolved.Key, "old")).StatusCode);
            if (day == 40)
                Assert.Equal(HttpStatusCode.NoContent, (await api.ReleaseAsync(migrationEnds.Key, "old")).StatusCode);
            // Day 30: migrations of caseOpens and migrationEnds start; keyDisabled and resolved used up their window.
            if (day == 30)
                first = await monitor.RunAsync();
        }
        Assert.Equal(
            (4, new MonitorCounts(PeriodsStarted: 4, PeriodsEnded: 0, CasesOpened: 2, KeysDisabled: 0, ResolvedByCustomer: 0)),
            (first!.LicensesChecked, first.Counts)
        );

        var progress = new List<string>();
        var result = await monitor.RunAsync(new Progress(progress));

        // One line for the pass and one for each of the three batches.
        Assert.Equal(
            ["6 licenses to check.", "Checked 2 of 6 licenses.", "Checked 4 of 6 licenses.", "Checked 6 of 6 licenses."],
            progress
        );
        Assert.Equal(
            (6, new MonitorCounts(PeriodsStarted: 1, PeriodsEnded: 2, CasesOpened: 1, KeysDisabled: 1, ResolvedByCustomer: 1)),
            (result.LicensesChecked, result.Counts)
        );
        Assert.EndsWith(
            ": 1 case(s) opened, 1 key(s) disabled, 1 case(s) resolved by the customer, 1 migration(s) started, 2 ended.",
            result.ToString()
        );

        await using var db = await portal.DbAsync();
        var ids = all.Select(l => l.Id).ToArray();
        var cases = await db
            .FraudCases.Where(c => ids.Contains(c.LicenseId))
            .ToDictionaryAsync(c => c.LicenseId, c => (c.State, c.Outcome));
        Assert.Equal(3, cases.Count);
        Assert.Equal(CaseState.CustomerNotified, cases[caseOpens.Id].State);
        Assert.Equal((CaseState.KeyDisabled, CaseOutcome.KeyDisabled), cases[keyDisabled.Id]);
        Assert.Equal((CaseState.Resolved, CaseOutcome.ResolvedByCustomer), cases[resolved.Id]);
        var open = await db
            .OverAllowancePeriods.Where(p => ids.Contains(p.LicenseId) && p.EndedAt == null)
            .Select(p => p.LicenseId)
            .ToListAsync();
        Assert.Equal(new[] { caseOpens.Id, migrationStarts.Id, keyDisabled.Id }.Order(), open.Order());
        var ended = await db
            .OverAllowancePeriods.Where(p => ids.Contains(p.LicenseId) && p.EndedAt != null)
            .Select(p => p.LicenseId)
            .ToListAsync();
        Assert.Equal(new[] { migrationEnds.Id, resolved.Id }.Order(), ended.Order());
        var disabled = await db
            .Licenses.Where(l => ids.Contains(l.Id) && l.Status == LicenseStatus.Disabled)
            .Select(l => l.Id)
            .ToListAsync();
        Assert.Equal([keyDisabled.Id], disabled);
    }

    private sealed class Progress(List<string> lines) : IProgress<string>
    {
        public void Report(string value)
        {
            lock (lines)
                lines.Add(value);
        }
    }
}
