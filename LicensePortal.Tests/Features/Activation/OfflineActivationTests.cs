using LicensePortal.Features.Activation;
using LicensePortal.Features.Fraud;
using LicensePortal.Features.Installations;
using LicensePortal.Features.Licenses;
using LicensePortal.Features.Licensing;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using LicensePortal.Verifier;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Tests.Features.Activation;

/// <summary>
/// Offline activation as staff do it on a license page and as the air-gapped server lives with it afterwards: the
/// request pasted, the file verified by the product, the server counted for a year without a check-in, released
/// with its code, and refused when the key is wrong, disabled or would be over its allowance.
/// </summary>
public class OfflineActivationTests : IAsyncLifetime
{
    private static readonly System.Security.Claims.ClaimsPrincipal Rep = TestData.As(Roles.Sales, BrowserPortal.Email(Roles.Sales));
    private readonly PortalFactory portal = new() { Licenses = 10 };
    private HttpClient api = null!;
    private License license = null!;

    public async ValueTask InitializeAsync()
    {
        api = portal.Client();
        license = await portal.NewLicenseAsync((await portal.NewCustomerAsync()).Id);
    }

    public ValueTask DisposeAsync() => portal.DisposeAsync();

    private DateTime Now => portal.Clock.GetUtcNow().UtcDateTime;

    private static readonly PageRequest Page = new(0, 25, null, false);

    private OfflineActivationService Offline => portal.Service<OfflineActivationService>();

    /// <summary>What the product on an air-gapped server writes.</summary>
    private string RequestFrom(string machine, string? key = null, string host = "mail-vault.bank.example") =>
        OfflineActivation.Request(key ?? license.Key, machine, host, "12.3.9142", portal.Clock.GetUtcNow());

    private async Task<int> ActiveAsync()
    {
        await using var db = await portal.DbAsync();
        return (await db.StandingAsync(license.Id, Now, new InstallationOptions())).ActiveInstallations;
    }

    private async Task<List<string>> AuditAsync()
    {
        await using var db = await portal.DbAsync();
        return await db.AuditLog.Where(a => a.EntityId == license.Key).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync();
    }

    [Fact]
    public async Task A_pasted_request_gives_a_file_the_product_verifies_and_the_server_counts_a_year_without_checking_in()
    {
        var result = await Offline.ActivateAsync(Rep, license.Id, $"From the customer's email:\n{RequestFrom("vault-1")}\nRegards");

        var keys = await api.PublishedKeysAsync();
        Assert.Equal(
            LicenseFileVerdict.Valid,
            OfflineActivation.Verify(keys, result.File, license.Key, "vault-1", portal.Clock.GetUtcNow(), out var grant)
        );
        Assert.Equal(result.ReleaseCode, grant!.ReleaseCode);
        Assert.Equal(Now.AddDays(365), result.ExpiresAt);
        Assert.Equal("mail-vault.bank.example.license", result.FileName);
        Assert.Equal(1, await ActiveAsync());
        Assert.Equal(["Server activated offline"], await AuditAsync());

        // A year without a single check-in: the server counts on its last day, and not once the file has expired.
        portal.Clock.Advance(TimeSpan.FromDays(365) - TimeSpan.FromMinutes(1));
        Assert.Equal(1, await ActiveAsync());
        Assert.Empty((await portal.Service<InstallationService>().ListAsync(InstallationState.Stale, license.Key, Page)).Rows);
        var rows = await portal.Service<InstallationService>().ListAsync(InstallationState.Active, license.Key, Page);
        Assert.Equal(Now.AddMinutes(1), Assert.Single(rows.Rows).OfflineUntil);
        portal.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, await ActiveAsync());
        var stale = await portal.Service<InstallationService>().ListAsync(InstallationState.Stale, license.Key, Page);
        Assert.Equal("mail-vault.bank.example", Assert.Single(stale.Rows).Hostname);
    }

    [Fact]
    public async Task An_offline_server_counts_for_the_activation_API_too_and_a_second_server_online_is_a_migration()
    {
        await Offline.ActivateAsync(Rep, license.Id, RequestFrom("vault-1"));
        portal.Clock.Advance(TimeSpan.FromDays(60));

        var answer = await api.CheckInAsync(license.Key, "new-online-server");

        Assert.Equal("grace", answer.Status);
        Assert.Equal(2, answer.ActiveInstallations);
    }

    [Fact]
    public async Task The_activation_api_does_not_release_a_server_whose_offline_file_is_valid_but_does_once_it_has_expired()
    {
        await Offline.ActivateAsync(Rep, license.Id, RequestFrom("vault-1"));

        var refused = await api.ReleaseAsync(license.Key, "vault-1");

        Assert.Equal(System.Net.HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("release code", await refused.Content.ReadAsStringAsync());
        Assert.NotNull(refused.Headers.GetValues("X-License-Signature").Single());
        Assert.Equal(1, await ActiveAsync());
        portal.Clock.Advance(TimeSpan.FromDays(366));
        Assert.Equal(System.Net.HttpStatusCode.NoContent, (await api.ReleaseAsync(license.Key, "vault-1")).StatusCode);
    }

    [Fact]
    public async Task A_rep_whose_role_was_taken_away_while_the_page_was_open_is_refused()
    {
        await using (var db = await portal.DbAsync())
        {
            var user = await db.Users.SingleAsync(u => u.Email == BrowserPortal.Email(Roles.Sales));
            var salesRole = await db.Roles.SingleAsync(r => r.Name == Roles.Sales);
            await db.UserRoles.Where(r => r.UserId == user.Id && r.RoleId == salesRole.Id).ExecuteDeleteAsync();
        }

        await Assert.ThrowsAsync<DomainException>(() => Offline.ActivateAsync(Rep, license.Id, RequestFrom("vault-1")));
        Assert.Equal(0, await ActiveAsync());
    }

    [Fact]
    public async Task A_license_at_its_allowance_is_refused_until_the_old_offline_server_is_released_with_its_code()
    {
        var first = await Offline.ActivateAsync(Rep, license.Id, RequestFrom("vault-1"));
        portal.Clock.Advance(TimeSpan.FromDays(200));

        var refused = await Assert.ThrowsAsync<DomainException>(() =>
            Offline.ActivateAsync(Rep, license.Id, RequestFrom("vault-2", host: "mail-vault2.bank.example"))
        );
        Assert.Contains("allows 1 server and 1 server already counts", refused.Message);
        // The same server asking again renews its file: it counts already.
        var renewed = await Offline.ActivateAsync(Rep, license.Id, RequestFrom("vault-1"));
        Assert.Equal(Now.AddDays(365), renewed.ExpiresAt);
        Assert.NotEqual(first.ReleaseCode, renewed.ReleaseCode);

        // The old code no longer releases it (a new file, a new code); the customer reads the new one out, typed loosely.
        var stale = await Assert.ThrowsAsync<DomainException>(() => Offline.ReleaseAsync(Rep, license.Id, first.ReleaseCode));
        Assert.Contains("No offline server of this license has that release code", stale.Message);
        var released = await Offline.ReleaseAsync(Rep, license.Id, $" {renewed.ReleaseCode.Replace("-", "").ToLowerInvariant()} ");
        Assert.Equal(new("mail-vault.bank.example", ReleaseVerdict.Counts, Now.AddHours(24)), released);
        // The code can be read from the file, so the server counts through the settle time.
        Assert.Equal(1, await ActiveAsync());
        var settling = await Assert.ThrowsAsync<DomainException>(() => Offline.ReleaseAsync(Rep, license.Id, renewed.ReleaseCode));
        Assert.Contains("is released already: it stops counting on", settling.Message);
        portal.Clock.Advance(TimeSpan.FromHours(24));
        Assert.Equal(0, await ActiveAsync());
        var again = await Assert.ThrowsAsync<DomainException>(() => Offline.ReleaseAsync(Rep, license.Id, renewed.ReleaseCode));
        Assert.Contains("was released already", again.Message);

        var moved = await Offline.ActivateAsync(Rep, license.Id, RequestFrom("vault-2", host: "mail-vault2.bank.example"));
        Assert.Equal("mail-vault2.bank.example", moved.Hostname);
        Assert.Equal(1, await ActiveAsync());
        Assert.Equal(
            ["Server activated offline", "Server activated offline", "Offline server released", "Server activated offline"],
            await AuditAsync()
        );
    }

    [Fact]
    public async Task A_released_offline_server_activated_again_keeps_its_earlier_stint_with_its_expiry()
    {
        var first = await Offline.ActivateAsync(Rep, license.Id, RequestFrom("vault-1"));
        portal.Clock.Advance(TimeSpan.FromDays(10));
        await Offline.ReleaseAsync(Rep, license.Id, first.ReleaseCode);
        portal.Clock.Advance(TimeSpan.FromDays(5));

        await Offline.ActivateAsync(Rep, license.Id, RequestFrom("vault-1"));

        await using var db = await portal.DbAsync();
        var earlier = await db.InstallationStints.SingleAsync(s => s.LicenseId == license.Id);
        Assert.Equal(first.ExpiresAt, earlier.OfflineUntil);
        Assert.Equal(Now.AddDays(-4), earlier.ReleasedAt); // the release plus its settle time
        var present = await db.Installations.SingleAsync(i => i.LicenseId == license.Id);
        Assert.Equal(Now, present.StintStartedAt);
        Assert.Null(present.ReleasedAt);
    }

    [Fact]
    public async Task A_third_release_code_in_a_year_waits_for_a_manager_who_alone_may_approve_it()
    {
        // Release code read from the file, another server activated, repeat: the loop the offline limits close.
        var released = new List<OfflineReleaseResult>();
        for (var round = 0; round < 3; round++)
        {
            var issued = await Offline.ActivateAsync(Rep, license.Id, RequestFrom($"vault-{round}", host: $"vault-{round}.bank.example"));
            portal.Clock.Advance(TimeSpan.FromDays(40));
            released.Add(await Offline.ReleaseAsync(Rep, license.Id, issued.ReleaseCode));
            portal.Clock.Advance(TimeSpan.FromDays(1));
        }

        Assert.Equal(
            [ReleaseVerdict.Counts, ReleaseVerdict.Counts, ReleaseVerdict.AwaitingApproval],
            released.Select(r => r.Verdict)
        );
        Assert.Contains("waits for a manager", released[2].Sentence);
        // The third server still counts, so a fourth cannot be activated.
        Assert.Equal(1, await ActiveAsync());
        await Assert.ThrowsAsync<DomainException>(() => Offline.ActivateAsync(Rep, license.Id, RequestFrom("vault-3")));

        var releases = portal.Service<ReleaseService>();
        var agent = TestData.As(Roles.Fraud, BrowserPortal.Email(Roles.Fraud));
        var queue = await releases.ReviewAsync(agent, Page);
        var waiting = Assert.Single(queue.Rows, r => r.Verdict == ReleaseVerdict.AwaitingApproval);
        var refused = await Assert.ThrowsAsync<DomainException>(() => releases.DecideAsync(agent, waiting.Id, approve: true));
        Assert.StartsWith("Only a manager", refused.Message);
        Assert.Equal(1, await ActiveAsync());

        var manager = TestData.As(Roles.Manager, BrowserPortal.Email(Roles.Manager));
        await releases.DecideAsync(manager, waiting.Id, approve: true);
        Assert.Equal(0, await ActiveAsync());
        var twice = await Assert.ThrowsAsync<DomainException>(() => releases.DecideAsync(manager, waiting.Id, approve: false));
        Assert.Contains("was decided already", twice.Message);
        Assert.Contains("Release approved", await AuditAsync());
    }

    [Fact]
    public async Task A_refused_release_code_leaves_the_server_counting_until_its_file_expires()
    {
        for (var round = 0; round < 3; round++)
        {
            var issued = await Offline.ActivateAsync(Rep, license.Id, RequestFrom($"vault-{round}"));
            portal.Clock.Advance(TimeSpan.FromDays(2));
            await Offline.ReleaseAsync(Rep, license.Id, issued.ReleaseCode);
            portal.Clock.Advance(TimeSpan.FromDays(1));
        }
        var manager = TestData.As(Roles.Manager, BrowserPortal.Email(Roles.Manager));
        var releases = portal.Service<ReleaseService>();
        var waiting = (await releases.ReviewAsync(manager, Page)).Rows.Single(r => r.Verdict == ReleaseVerdict.AwaitingApproval);

        await releases.DecideAsync(manager, waiting.Id, approve: false);

        Assert.Equal(1, await ActiveAsync());
        Assert.Empty((await releases.ReviewAsync(manager, Page)).Rows);
    }

    public static TheoryData<string, string> Refusals =>
        new()
        {
            { "not a request", "This is not an activation request" },
            {
                OfflineActivation.Armor(OfflineActivation.RequestBegin, "bm90IGpzb24=", OfflineActivation.RequestEnd),
                "The activation request is damaged"
            },
            { "", "This is not an activation request" },
        };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_malformed_request_is_refused_with_what_is_wrong_and_nothing_is_written(string text, string message)
    {
        var refused = await Assert.ThrowsAsync<DomainException>(() => Offline.ActivateAsync(Rep, license.Id, text));

        Assert.StartsWith(message, refused.Message);
        Assert.Equal(0, await ActiveAsync());
        Assert.Empty(await AuditAsync());
    }

    [Fact]
    public async Task A_request_made_with_another_key_or_for_a_disabled_key_is_refused()
    {
        var other = await portal.NewLicenseAsync(license.CustomerId);
        var foreign = await Assert.ThrowsAsync<DomainException>(() =>
            Offline.ActivateAsync(Rep, license.Id, RequestFrom("vault-1", key: other.Key))
        );
        Assert.Contains($"made with the key {other.Key}, not this license's {license.Key}", foreign.Message);

        await using (var db = await portal.DbAsync())
            await db.Licenses.Where(l => l.Id == license.Id).ExecuteUpdateAsync(s => s.SetProperty(l => l.Status, LicenseStatus.Disabled));
        var disabled = await Assert.ThrowsAsync<DomainException>(() => Offline.ActivateAsync(Rep, license.Id, RequestFrom("vault-1")));
        Assert.Contains("This key is disabled", disabled.Message);
        Assert.Equal(0, await ActiveAsync());
    }

    [Fact]
    public async Task Admins_cannot_activate_or_release_servers()
    {
        var admin = TestData.As(Roles.Admin, BrowserPortal.Email(Roles.Admin));
        var activation = await Assert.ThrowsAsync<DomainException>(() => Offline.ActivateAsync(admin, license.Id, RequestFrom("vault-1")));
        var release = await Assert.ThrowsAsync<DomainException>(() => Offline.ReleaseAsync(admin, license.Id, "ABCDE-23456"));

        Assert.StartsWith("Only sales, the fraud team and managers", activation.Message);
        Assert.StartsWith("Only sales, the fraud team and managers", release.Message);
        Assert.Equal(0, await ActiveAsync());
    }

    [Fact]
    public async Task Offline_servers_over_the_allowance_beyond_the_migration_window_open_a_case()
    {
        // A failover license: an offline pair, then a third server checks in online daily past the migration window.
        await using (var db = await portal.DbAsync())
            await db.Licenses.Where(l => l.Id == license.Id).ExecuteUpdateAsync(s => s.SetProperty(l => l.HasFailover, true));
        await Offline.ActivateAsync(Rep, license.Id, RequestFrom("vault-1"));
        await Offline.ActivateAsync(Rep, license.Id, RequestFrom("vault-2", host: "mail-vault2.bank.example"));
        var monitor = portal.Service<FraudMonitor>();
        await monitor.RunAsync(full: true);
        for (var day = 0; day < 32; day++)
        {
            await api.CheckInAsync(license.Key, "online-3");
            portal.Clock.Advance(TimeSpan.FromDays(1));
        }

        var pass = await monitor.RunAsync();

        Assert.Equal(1, pass.CasesOpened);
        await using var after = await portal.DbAsync();
        Assert.True(await after.FraudCases.AnyAsync(c => c.LicenseId == license.Id && FraudCase.OpenStates.Contains(c.State)));
    }

    [Fact]
    public async Task The_monitors_incremental_pass_looks_again_at_a_license_whose_offline_file_ran_out_since_the_last_pass()
    {
        await Offline.ActivateAsync(Rep, license.Id, RequestFrom("vault-1"));
        var lastPass = Now.AddDays(364);
        await using var db = await portal.DbAsync();

        async Task<List<int>> ChangedAsync(DateTime since, DateTime now)
        {
            var ids = new List<int>();
            foreach (var query in portal.Service<FraudMonitor>().ChangedSince(db, since, now))
                ids.AddRange(await query.ToListAsync());
            return ids;
        }

        // Nothing checks in or changes a row when the file runs out, yet the pass after it looks at the license.
        Assert.DoesNotContain(license.Id, await ChangedAsync(lastPass, lastPass.AddHours(12)));
        Assert.Contains(license.Id, await ChangedAsync(lastPass, lastPass.AddDays(2)));
    }
}
