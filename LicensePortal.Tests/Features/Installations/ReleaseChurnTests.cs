using LicensePortal.Features.Fraud;
using LicensePortal.Features.Installations;
using LicensePortal.Features.Licenses;
using LicensePortal.Features.Licensing;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Tests.Features.Installations;

/// <summary>
/// A release is the product's word, trusted in moderation: the sequences a script holding a key runs to keep several
/// servers on one key (release right after each check-in, rotate releases past the settle time) and the ones an honest
/// customer produces (moving servers twice a year), over weeks on the test clock through the real API and monitor.
/// </summary>
public class ReleaseChurnTests : IAsyncLifetime
{
    private readonly PortalFactory portal = new() { Licenses = 10 };
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

    private DateTime Now => portal.Clock.GetUtcNow().UtcDateTime;

    private DateTime Day(double d) => day0.AddDays(d);

    private Task<MonitorResult> MonitorAsync() => portal.Service<FraudMonitor>().RunAsync();

    private async Task<List<FraudCase>> CasesAsync()
    {
        await using var db = await portal.DbAsync();
        return await db.FraudCases.Where(c => c.LicenseId == license.Id).ToListAsync();
    }

    private async Task<List<InstallationRelease>> ReleasesAsync()
    {
        await using var db = await portal.DbAsync();
        return await db.InstallationReleases.Where(r => r.LicenseId == license.Id).OrderBy(r => r.Id).ToListAsync();
    }

    [Fact]
    public async Task Four_servers_that_release_right_after_every_check_in_all_keep_counting_and_a_case_opens()
    {
        string[] servers = ["pirate-1", "pirate-2", "pirate-3", "pirate-4"];
        ActivationClient.Answer? last = null;
        var statuses = new HashSet<string>();
        // Every 6 hours each server checks in and its script releases it at once, for 40 days.
        while (Now < Day(40))
        {
            foreach (var server in servers)
            {
                last = await api.CheckInAsync(license.Key, server);
                statuses.Add(last.Status);
                await api.ReleaseAsync(license.Key, server);
            }
            portal.Clock.Advance(TimeSpan.FromHours(6));
            if (Now.TimeOfDay == day0.TimeOfDay)
                await MonitorAsync();
        }

        Assert.Equal(4, last!.ActiveInstallations);
        Assert.Equal("flagged", last.Status);
        Assert.Equal(["active", "flagged", "grace"], statuses.Order());
        Assert.Single(await CasesAsync());
    }

    [Fact]
    public async Task A_check_in_within_the_settle_time_voids_the_release_and_continues_the_same_stint()
    {
        await api.CheckInAsync(license.Key, "A");
        portal.Clock.Advance(TimeSpan.FromDays(3));
        await api.ReleaseAsync(license.Key, "A");
        portal.Clock.Advance(TimeSpan.FromHours(23));

        var answer = await api.CheckInAsync(license.Key, "A");

        Assert.Equal(("active", 1), (answer.Status, answer.ActiveInstallations));
        await using var db = await portal.DbAsync();
        var a = await db.Installations.SingleAsync(i => i.LicenseId == license.Id);
        Assert.Equal((Day(0), (DateTime?)null), (a.StintStartedAt, a.ReleasedAt));
        Assert.Empty(await db.InstallationStints.Where(s => s.LicenseId == license.Id).ToListAsync());
    }

    [Fact]
    public async Task Servers_rotated_past_the_settle_time_meet_the_release_limit_and_then_keep_counting()
    {
        // Two servers take turns on a one-server key: each runs two days, is released, and waits past the settle time.
        string[] servers = ["turn-1", "turn-2"];
        for (var turn = 0; turn < 6; turn++)
        {
            var server = servers[turn % 2];
            await api.CheckInAsync(license.Key, server);
            portal.Clock.Advance(TimeSpan.FromDays(1));
            await api.CheckInAsync(license.Key, server);
            portal.Clock.Advance(TimeSpan.FromDays(1));
            await api.CheckInAsync(license.Key, server);
            await api.ReleaseAsync(license.Key, server);
            portal.Clock.Advance(TimeSpan.FromHours(25));
        }

        var releases = await ReleasesAsync();
        Assert.Equal(
            [.. Enumerable.Repeat(ReleaseVerdict.Counts, 3), .. Enumerable.Repeat(ReleaseVerdict.OverLimit, 3)],
            releases.Select(r => r.Verdict)
        );
        Assert.All(releases.Skip(3), r => Assert.Null(r.EffectiveAt));
        // Both servers count now: the releases past the limit did not end them.
        var answer = await api.CheckInAsync(license.Key, "turn-1");
        Assert.Equal(("grace", 2), (answer.Status, answer.ActiveInstallations));

        // The fraud team heard once, on the license and by email, and sees the releases in its queue.
        await using var db = await portal.DbAsync();
        var told = await db
            .LicenseEvents.Where(e => e.LicenseId == license.Id && e.Kind == LicenseEventKinds.ReleaseLimitReached)
            .ToListAsync();
        Assert.Single(told);
        Assert.Single(await db.Outbox.Where(m => m.Subject == $"Release limit reached: {license.Key}").ToListAsync());
        var agent = TestData.As(Roles.Fraud, BrowserPortal.Email(Roles.Fraud));
        var queue = await portal.Service<ReleaseService>().ReviewAsync(agent, new PageRequest(0, 25, null, false));
        Assert.Equal(3, queue.Total);
        Assert.All(queue.Rows, r => Assert.Equal(ReleaseVerdict.OverLimit, r.Verdict));

        var detail = await portal.Service<LicenseDetailService>().DetailAsync(license.Id, TestData.As(Roles.Fraud));
        Assert.Equal((2, 6, true), (detail.Evidence.MachinesSeen, detail.Evidence.Releases.Count, detail.Evidence.LimitReached));
    }

    [Fact]
    public async Task Releases_count_again_once_the_earlier_ones_are_older_than_the_limit_period()
    {
        await api.CheckInAsync(license.Key, "A");
        for (var i = 0; i < 4; i++)
        {
            await api.ReleaseAsync(license.Key, "A");
            portal.Clock.Advance(TimeSpan.FromDays(2));
            await api.CheckInAsync(license.Key, "A");
        }
        portal.Clock.Advance(TimeSpan.FromDays(30));
        await api.CheckInAsync(license.Key, "A");

        await api.ReleaseAsync(license.Key, "A");

        var verdicts = (await ReleasesAsync()).Select(r => r.Verdict);
        Assert.Equal(
            [ReleaseVerdict.Counts, ReleaseVerdict.Counts, ReleaseVerdict.Counts, ReleaseVerdict.OverLimit, ReleaseVerdict.Counts],
            verdicts
        );
    }

    [Fact]
    public async Task An_honest_customer_who_moves_servers_twice_a_year_for_two_years_never_meets_a_case()
    {
        // Every move: the new server is installed, the old one released the same day; daily check-ins in between.
        var current = "server-0";
        await api.CheckInAsync(license.Key, current);
        var moves = new[] { 100, 280, 465, 645 };
        for (var day = 1; day <= 730; day++)
        {
            portal.Clock.Advance(TimeSpan.FromDays(1));
            var answer = await api.CheckInAsync(license.Key, current);
            Assert.Equal("active", answer.Status);
            if (moves.Contains(day))
            {
                var next = $"server-{Array.IndexOf(moves, day) + 1}";
                Assert.Equal("grace", (await api.CheckInAsync(license.Key, next)).Status);
                await api.ReleaseAsync(license.Key, current);
                current = next;
            }
            await MonitorAsync();
        }

        Assert.Empty(await CasesAsync());
        Assert.All(await ReleasesAsync(), r => Assert.Equal(ReleaseVerdict.Counts, r.Verdict));
        // Each move spends the settle day: two a year leave 28 of the 30 days.
        var detail = await portal.Service<LicenseDetailService>().DetailAsync(license.Id, TestData.As(Roles.Fraud));
        Assert.Equal(2, detail.Standing.DaysUsed, precision: 6);
    }

    [Fact]
    public async Task A_release_of_a_server_already_settling_or_gone_is_not_recorded_twice()
    {
        await api.CheckInAsync(license.Key, "A");
        await api.ReleaseAsync(license.Key, "A");
        await api.ReleaseAsync(license.Key, "A");
        portal.Clock.Advance(TimeSpan.FromDays(2));
        await api.ReleaseAsync(license.Key, "A");
        await api.ReleaseAsync(license.Key, "never-seen");
        Assert.Single(await ReleasesAsync());

        // Past the limit, a machine released again and again without checking in is one row, not a flood.
        for (var i = 0; i < 3; i++)
        {
            await api.CheckInAsync(license.Key, "A");
            await api.ReleaseAsync(license.Key, "A");
            portal.Clock.Advance(TimeSpan.FromDays(2));
        }
        await api.CheckInAsync(license.Key, "A");
        for (var i = 0; i < 5; i++)
            await api.ReleaseAsync(license.Key, "A");
        Assert.Equal(
            [ReleaseVerdict.Counts, ReleaseVerdict.Counts, ReleaseVerdict.Counts, ReleaseVerdict.OverLimit, ReleaseVerdict.OverLimit],
            (await ReleasesAsync()).Select(r => r.Verdict)
        );
    }
}
