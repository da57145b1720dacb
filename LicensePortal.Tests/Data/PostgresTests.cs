using System.Net;
using LicensePortal.Data;
using LicensePortal.Data.Demo;
using LicensePortal.Features.Fraud;
using LicensePortal.Features.Licenses;
using LicensePortal.Features.Quotes;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LicensePortal.Tests.Data;

/// <summary>
/// The real portal on PostgreSQL, with demo data, when <c>LICENSEPORTAL_TEST_POSTGRES</c> holds a connection string to a
/// server (see <see cref="PostgresServer"/>). Each test makes its own database and drops it. What only these tests show
/// (two instances on one database, the monitor's advisory lock) needs no second run on the PostgreSQL pass.
/// </summary>
[Trait("Provider", "Postgres")]
public class PostgresTests
{
    [Fact]
    public async Task Migrations_are_applied_and_demo_users_sign_in_over_http()
    {
        await using var pg = await PostgresPortal.StartAsync();

        await using (var db = await pg.Portal.DbAsync())
        {
            Assert.IsType<PostgresAppDbContext>(db);
            Assert.Empty(await db.Database.GetPendingMigrationsAsync(TestContext.Current.CancellationToken));
            Assert.Contains(
                await db.Database.GetAppliedMigrationsAsync(TestContext.Current.CancellationToken),
                m => m.EndsWith("_InitialPostgres")
            );
            Assert.Equal(300, await db.Licenses.CountAsync(TestContext.Current.CancellationToken));
        }
        foreach (var user in DemoSeeder.Users)
        {
            var client = await pg.Portal.SignedInAsync(user.Email);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/", TestContext.Current.CancellationToken)).StatusCode);
        }
        // No backup age on PostgreSQL: its backups are the operator's.
        var admin = await pg.Portal.SignedInAsync(DemoSeeder.Users.First(u => u.Role == Roles.Admin).Email);
        var health = await admin.GetStringAsync("/health", TestContext.Current.CancellationToken);
        Assert.Contains("pg_dump", health);
        Assert.DoesNotContain("ageHours", health);
    }

    [Fact]
    public async Task The_license_list_pages_and_searches_case_insensitively()
    {
        await using var pg = await PostgresPortal.StartAsync();
        var licenses = pg.Portal.Service<LicenseService>();
        List<int> ids;
        string customer;
        await using (var db = await pg.Portal.DbAsync())
        {
            ids = await db.Licenses.OrderBy(l => l.Id).Select(l => l.Id).ToListAsync(TestContext.Current.CancellationToken);
            customer = await db.Licenses.OrderBy(l => l.Id).Select(l => l.Customer!.Name).FirstAsync(TestContext.Current.CancellationToken);
        }

        var second = await licenses.ListAsync(
            new LicenseFilter(),
            new PageRequest(1, 50, null, false),
            TestContext.Current.CancellationToken
        );
        Assert.Equal(ids.Count, second.Total);
        Assert.Equal(ids.Skip(50).Take(50), second.Rows.Select(r => r.Id));

        var exact = await licenses.ListAsync(
            new LicenseFilter { Search = customer },
            new PageRequest(0, 500, null, false),
            TestContext.Current.CancellationToken
        );
        var lower = await licenses.ListAsync(
            new LicenseFilter { Search = customer.ToLowerInvariant() },
            new PageRequest(0, 500, null, false),
            TestContext.Current.CancellationToken
        );
        Assert.NotEmpty(exact.Rows);
        Assert.Equal(exact.Rows.Select(r => r.Id), lower.Rows.Select(r => r.Id));
        Assert.All(lower.Rows, r => Assert.Contains(customer, r.Customer, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_check_in_through_the_activation_api_answers_and_keeps_the_stint_that_ended()
    {
        await using var pg = await PostgresPortal.StartAsync();
        var license = await pg.Portal.NewLicenseAsync((await pg.Portal.NewCustomerAsync()).Id);
        var api = pg.Portal.Client();

        var first = await api.CheckInAsync(license.Key, "machine-a");
        Assert.Equal(("active", 1, 1), (first.Status, first.Allowance, first.ActiveInstallations));
        var second = await api.CheckInAsync(license.Key, "machine-b");
        Assert.Equal(("grace", 2), (second.Status, second.ActiveInstallations));
        Assert.Equal(HttpStatusCode.NoContent, (await api.ReleaseAsync(license.Key, "machine-b")).StatusCode);
        pg.Portal.Clock.Advance(TimeSpan.FromHours(1));
        // Within the release's settle time the check-in voids it: the same stint goes on, none is kept.
        Assert.Equal(2, (await api.CheckInAsync(license.Key, "machine-b")).ActiveInstallations);
        await using (var during = await pg.Portal.DbAsync())
            Assert.Empty(await during.InstallationStints.Where(s => s.LicenseId == license.Id).ToListAsync());
        Assert.Equal(HttpStatusCode.NoContent, (await api.ReleaseAsync(license.Key, "machine-b")).StatusCode);
        pg.Portal.Clock.Advance(TimeSpan.FromHours(25));
        // A new stint on a released machine: the database's trigger keeps the one that ended.
        var again = await api.CheckInAsync(license.Key.ToLowerInvariant(), "machine-b");
        Assert.Equal(2, again.ActiveInstallations);

        await using var db = await pg.Portal.DbAsync();
        var kept = Assert.Single(
            await db.InstallationStints.Where(s => s.LicenseId == license.Id).ToListAsync(TestContext.Current.CancellationToken)
        );
        Assert.Equal(PortalFactory.Now.UtcDateTime, kept.StartedAt);
        Assert.Equal(PortalFactory.Now.UtcDateTime.AddHours(25), kept.ReleasedAt); // the second release plus its settle time
        Assert.Equal(DateTimeKind.Utc, kept.StartedAt.Kind);
    }

    [Fact]
    public async Task An_offline_server_counts_for_check_ins_is_not_released_by_the_api_and_keeps_its_expiry_when_its_stint_ends()
    {
        await using var pg = await PostgresPortal.StartAsync();
        var license = await pg.Portal.NewLicenseAsync((await pg.Portal.NewCustomerAsync()).Id);
        var offline = pg.Portal.Service<LicensePortal.Features.Activation.OfflineActivationService>();
        var rep = TestData.As(LicensePortal.Infrastructure.Roles.Sales, BrowserPortal.Email(LicensePortal.Infrastructure.Roles.Sales));
        var api = pg.Portal.Client();

        var issued = await offline.ActivateAsync(
            rep,
            license.Id,
            LicensePortal.Verifier.OfflineActivation.Request(license.Key, "vault-1", "vault.example", "12.3", pg.Portal.Clock.GetUtcNow()),
            TestContext.Current.CancellationToken
        );
        pg.Portal.Clock.Advance(TimeSpan.FromDays(100));
        Assert.Equal(
            ("grace", 2),
            ((await api.CheckInAsync(license.Key, "online-2")) is var a ? (a.Status, a.ActiveInstallations) : default)
        );
        Assert.Equal(HttpStatusCode.Conflict, (await api.ReleaseAsync(license.Key, "vault-1")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await api.ReleaseAsync(license.Key, "online-2")).StatusCode);
        await pg
            .Portal.Service<LicensePortal.Features.Fraud.FraudMonitor>()
            .RunAsync(full: true, ct: TestContext.Current.CancellationToken);

        await offline.ReleaseAsync(rep, license.Id, issued.ReleaseCode, TestContext.Current.CancellationToken);
        pg.Portal.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(1, (await api.CheckInAsync(license.Key, "vault-1")).ActiveInstallations);

        await using var db = await pg.Portal.DbAsync();
        var kept = await db.InstallationStints.SingleAsync(s => s.LicenseId == license.Id, TestContext.Current.CancellationToken);
        Assert.Equal(issued.ExpiresAt, kept.OfflineUntil);
    }

    [Fact]
    public async Task Quote_numbers_come_from_the_counter()
    {
        await using var pg = await PostgresPortal.StartAsync();
        var quotes = pg.Portal.Service<QuoteService>();
        var customer = await pg.Portal.NewCustomerAsync();
        var license = await pg.Portal.NewLicenseAsync(customer.Id);
        var (edition, level) = await pg.Portal.ConfigAsync("SmarterMail", "Enterprise", "250 mailboxes");
        var sales = TestData.As(Roles.Sales);

        var numbers = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var id = await quotes.CreateDraftAsync(
                sales,
                customer.Id,
                [new QuoteRequestLine(license.Id, edition.Id, level.Id, false)],
                30,
                null
            );
            numbers.Add((await quotes.GetAsync(id)).Number);
        }

        await using var db = await pg.Portal.DbAsync();
        var counter = await db.Counters.SingleAsync(c => c.Name == "quote-2026", TestContext.Current.CancellationToken);
        Assert.Equal([.. Enumerable.Range((int)counter.Value - 2, 3).Select(n => $"Q-2026-{n:000000}")], numbers);
    }

    [Fact]
    public async Task Two_instances_on_one_database_make_no_duplicate_installation_case_email_or_number_and_share_sign_ins()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var pg = await PostgresPortal.StartAsync(licenses: 50);
        await using var second = pg.SecondInstance();
        PortalFactory[] instances = [pg.Portal, second];
        var license = await pg.Portal.NewLicenseAsync((await pg.Portal.NewCustomerAsync()).Id);
        var apis = instances.Select(i => i.Client()).ToArray();

        // Two servers check in daily through both instances at once, past the 30-day migration window.
        for (var day = 0; day <= 31; day++)
        {
            foreach (var instance in instances)
                if (day > 0)
                    instance.Clock.Advance(TimeSpan.FromDays(1));
            await Task.WhenAll(apis.SelectMany(api => new[] { api.CheckInAsync(license.Key, "a"), api.CheckInAsync(license.Key, "b") }));
        }
        // The monitor started on both at once, then each instance's outbox dispatcher round at once.
        var passes = await Task.WhenAll(instances.Select(i => i.Service<FraudMonitorRunner>().RunOnceAsync(null, ct)));
        await Task.WhenAll(instances.Select(i => i.Service<LicensePortal.Features.Outbox.OutboxService>().DispatchRoundAsync(ct)));
        // Quote numbers taken from both at once.
        var numbers = await Task.WhenAll(
            Enumerable
                .Range(0, 20)
                .Select(async n =>
                {
                    await using var db = await instances[n % 2].DbAsync();
                    return await db.NextAsync("quote-2026", ct);
                })
        );

        Assert.Contains(passes, p => !p.RunningElsewhere);
        await using (var db = await pg.Portal.DbAsync())
        {
            Assert.Equal(2, await db.Installations.CountAsync(i => i.LicenseId == license.Id, ct));
            Assert.Equal(1, await db.FraudCases.CountAsync(c => c.LicenseId == license.Id, ct));
            var notices = await db
                .Outbox.Where(m => m.Subject.Contains(license.Key))
                .Select(m => new
                {
                    m.To,
                    m.Subject,
                    m.Status,
                })
                .ToListAsync(ct);
            Assert.Equal(2, notices.Count);
            Assert.Equal(notices.Count, notices.Select(m => (m.To, m.Subject)).Distinct().Count());
            var delivered = instances
                .SelectMany(i => Directory.Exists(i.MailFolder) ? Directory.GetFiles(i.MailFolder, "*.eml") : [])
                .Count(file => File.ReadAllText(file).Contains(license.Key));
            Assert.Equal(notices.Count, delivered);
        }
        Assert.Equal(Enumerable.Range(1, 20).Select(n => (long)n), numbers.Order());

        // Signed in on one instance, the same cookie works on the other (the data-protection keys are in the database).
        var login = await SignInForm.PostLoginAsync(pg.Portal.Client(), DemoSeeder.Users[0].Email, PortalFactory.Password);
        Assert.Equal(HttpStatusCode.OK, (await second.GetWithCookieAsync("/licenses", login.SignInCookie(), ct)).StatusCode);
    }

    [Fact]
    public async Task Two_instances_started_at_once_on_an_empty_database_migrate_and_seed_it_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = PostgresServer.NewDatabaseName(Guid.NewGuid().ToString("N"));
        PostgresServer.Create(database, out var connectionString);
        // One key folder for both, as OPERATIONS.md says: they read each other's data-protection keys with its certificate.
        var keys = Path.Combine(Path.GetTempPath(), "licenseportal-tests", $"keys-{Guid.NewGuid():N}");
        var instances = Enumerable
            .Range(0, 2)
            .Select(_ => new PortalFactory
            {
                Licenses = 40,
                PostgresConnectionString = connectionString,
                SigningKeyFolder = keys,
            })
            .ToArray();
        try
        {
            // Both start, migrate, add the roles and seed the demo data at the same moment.
            await Task.WhenAll(instances.Select(instance => Task.Run(() => _ = instance.Server, ct)));

            await using var db = await instances[0].DbAsync();
            Assert.Equal(40, await db.Licenses.CountAsync(ct));
            Assert.Equal(Roles.All.Count, await db.Roles.CountAsync(ct));
            Assert.Equal(DemoSeeder.Users.Count, await db.Users.CountAsync(ct));
            foreach (var instance in instances)
                Assert.Equal(
                    HttpStatusCode.OK,
                    (await (await instance.SignedInAsync(DemoSeeder.Users[0].Email)).GetAsync("/licenses", ct)).StatusCode
                );
        }
        finally
        {
            foreach (var instance in instances)
                await instance.DisposeAsync();
            await PostgresServer.DropAsync(database);
        }
    }

    [Fact]
    public async Task Start_up_on_a_database_that_does_not_exist_says_to_create_it()
    {
        var missing = new Npgsql.NpgsqlConnectionStringBuilder(PostgresServer.Require())
        {
            Database = PostgresServer.NewDatabaseName("never_created"),
        };
        var options = new DbContextOptionsBuilder<PostgresAppDbContext>();
        PostgresAppDbContext.Configure(options, missing.ConnectionString);
        await using var db = new PostgresAppDbContext(options.Options);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            InstanceLock.TakeAsync(db, "start-up", TestContext.Current.CancellationToken)
        );

        Assert.Equal(
            $"The PostgreSQL database \"{missing.Database}\" does not exist: create it first (README, \"PostgreSQL\": createdb), then "
                + $"start the portal.",
            refused.Message
        );
    }

    [Fact]
    public async Task While_another_instance_runs_the_monitor_on_the_same_database_this_one_does_nothing()
    {
        await using var pg = await PostgresPortal.StartAsync();
        var runner = pg.Portal.Service<FraudMonitorRunner>();
        await using var otherInstance = await pg.Portal.DbAsync();

        await using (var held = await InstanceLock.TryTakeAsync(otherInstance, "fraud-monitor", TestContext.Current.CancellationToken))
        {
            Assert.NotNull(held);
            var skipped = await runner.RunOnceAsync(null, TestContext.Current.CancellationToken);
            Assert.True(skipped.RunningElsewhere);
            Assert.Equal(0, skipped.LicensesChecked);
        }

        var ran = await runner.RunOnceAsync(null, TestContext.Current.CancellationToken);
        Assert.False(ran.RunningElsewhere);
    }

    [Fact]
    public async Task The_fraud_monitor_runs_a_pass_and_a_second_changes_nothing()
    {
        // No demo licenses: the one below is all the monitor finds, so its counts are known.
        await using var pg = await PostgresPortal.StartAsync(licenses: 0);
        var customer = await pg.Portal.NewCustomerAsync();
        var license = await pg.Portal.NewLicenseAsync(customer.Id);
        var api = pg.Portal.Client();
        // Two servers checking in daily past the 30-day migration window: the monitor opens a case.
        for (var day = 0; day <= 31; day++)
        {
            if (day > 0)
                pg.Portal.Clock.Advance(TimeSpan.FromDays(1));
            await api.CheckInAsync(license.Key, "a");
            await api.CheckInAsync(license.Key, "b");
        }
        var monitor = pg.Portal.Service<FraudMonitor>();

        var pass = await monitor.RunAsync(ct: TestContext.Current.CancellationToken, full: true);
        var again = await monitor.RunAsync(ct: TestContext.Current.CancellationToken, full: true);

        // The first pass starts the migration and opens its case at once: the window ran out a day ago.
        Assert.Equal(
            (1, new MonitorCounts(PeriodsStarted: 1, PeriodsEnded: 0, CasesOpened: 1, KeysDisabled: 0, ResolvedByCustomer: 0)),
            (pass.LicensesChecked, pass.Counts)
        );
        // The second reads the license again (its migration and case are open) and changes nothing.
        Assert.Equal((1, default(MonitorCounts)), (again.LicensesChecked, again.Counts));
        await using var db = await pg.Portal.DbAsync();
        Assert.True(
            await db.FraudCases.AnyAsync(
                c => c.LicenseId == license.Id && FraudCase.OpenStates.Contains(c.State),
                TestContext.Current.CancellationToken
            )
        );
    }

    [Fact]
    public async Task Protection_reminders_go_out_once_and_a_lost_unique_race_is_recognised()
    {
        await using var pg = await PostgresPortal.StartAsync(licenses: 50);
        var customer = await pg.Portal.NewCustomerAsync("Renewal Hosting");
        var license = await pg.Portal.NewLicenseAsync(
            customer.Id,
            protection: DateOnly.FromDateTime(PortalFactory.Now.UtcDateTime).AddDays(30)
        );
        var sender = pg.Portal.Service<LicensePortal.Features.Renewals.ProtectionReminderSender>();

        await sender.SendDueAsync(ct: TestContext.Current.CancellationToken);
        await sender.SendDueAsync(ct: TestContext.Current.CancellationToken);

        await using var db = await pg.Portal.DbAsync();
        Assert.Equal(
            30,
            (await db.ProtectionReminders.SingleAsync(r => r.LicenseId == license.Id, TestContext.Current.CancellationToken)).DaysBefore
        );
        db.Counters.Add(new Counter { Name = "race", Value = 1 });
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        await using var other = await pg.Portal.DbAsync();
        other.Counters.Add(new Counter { Name = "race", Value = 2 });
        var lost = await Assert.ThrowsAsync<DbUpdateException>(() => other.SaveChangesAsync(TestContext.Current.CancellationToken));
        Assert.True(SaveExtensions.IsUniqueViolation(lost));
    }
}

/// <summary>A fresh PostgreSQL database with the portal started on it; dropped when disposed.</summary>
public sealed class PostgresPortal : IAsyncDisposable
{
    private readonly string database;

    private PostgresPortal(string database, string connectionString, int licenses)
    {
        this.database = database;
        Portal = new PortalFactory { Licenses = licenses, PostgresConnectionString = connectionString };
    }

    public PortalFactory Portal { get; }

    /// <summary>Another portal instance on the same database (no seeding: the first one did it), started.</summary>
    public PortalFactory SecondInstance()
    {
        var other = new PortalFactory
        {
            PostgresConnectionString = Portal.PostgresConnectionString,
            SigningKeyFolder = Portal.SigningKeyFolder,
            Settings = { ["Demo:Seed"] = "false" },
        };
        _ = other.Server;
        return other;
    }

    /// <summary>Skips the test when no server is configured on a developer's machine; with CI=true it fails instead, so CI never skips
    /// it.</summary>
    public static async Task<PostgresPortal> StartAsync(int licenses = 300)
    {
        var database = PostgresServer.NewDatabaseName(Guid.NewGuid().ToString("N"));
        PostgresServer.Create(database, out var connectionString);
        var pg = new PostgresPortal(database, connectionString, licenses);
        try
        {
            _ = pg.Portal.Server;
            return pg;
        }
        catch
        {
            // A portal that failed to start leaves no database behind either.
            await pg.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Portal.DisposeAsync();
        await PostgresServer.DropAsync(database);
    }
}
