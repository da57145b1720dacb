using LicensePortal.Data.Demo;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LicensePortal.Tests.Infrastructure;

/// <summary>
/// The real app over a fresh SQLite file with demo data, on a fake clock. Each factory has its
/// own file, so tests that change data don't see each other. With <c>LICENSEPORTAL_TEST_PROVIDER=Postgres</c>
/// (<see cref="PostgresServer"/>) the file is a PostgreSQL database of its own instead, made at start (copied from a
/// seeded template when the factory has no settings of its own) and dropped in the background after dispose.
/// </summary>
public class PortalFactory : WebApplicationFactory<Program>
{
    public static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private readonly string directory = Path.Combine(Path.GetTempPath(), "licenseportal-tests", Guid.NewGuid().ToString("N"));

    public TestClock Clock { get; } = new(Now);

    public int Licenses { get; init; } = 300;

    /// <summary>The hosting environment; tests of what holds outside Development set "Production".</summary>
    public string Environment { get; init; } = "Development";

    /// <summary>Configuration a test sets on top of the defaults below.</summary>
    public Dictionary<string, string?> Settings { get; init; } = [];

    /// <summary>
    /// The portal's database on a PostgreSQL server instead of the SQLite file (<c>Database:Provider=Postgres</c>);
    /// the test owns the database (PostgresTests makes and drops one per test).
    /// </summary>
    public string? PostgresConnectionString { get; init; }

    /// <summary>The connection string the portal runs on when it is on PostgreSQL (given, or made for the PostgreSQL pass); null on
    /// SQLite.</summary>
    public string? PostgresConnection => PostgresConnectionString ?? ownConnectionString;

    // The database this factory made on the PostgreSQL pass (see PostgresServer), and whether it drops it.
    private string? ownDatabase,
        ownConnectionString;
    private bool dropOwnDatabase,
        explicitDatabasePath;

    /// <summary>The SQLite file; a test that restarts the portal gives the second factory the first one's file.</summary>
    public string DatabasePath
    {
        get => field ?? Path.Combine(directory, "portal.db");
        init
        {
            field = value;
            explicitDatabasePath = true;
        }
    }

    public string BackupFolder => Path.Combine(directory, "backups");

    /// <summary>The answer-signing keys; a test that restarts the portal gives the second factory the first one's folder.</summary>
    public string SigningKeyFolder
    {
        get => field ?? Path.Combine(directory, "signing-keys");
        init;
    }

    /// <summary>Where delivered emails land as .eml files.</summary>
    public string MailFolder => Path.Combine(directory, "mail");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        Directory.CreateDirectory(directory);
        builder.UseEnvironment(Environment);
        if (PostgresConnectionString is null && PostgresServer.RunsSuite)
            UseOwnPostgresConnection();
        if (PostgresConnection is null)
            builder.UseSetting("ConnectionStrings:DefaultConnection", $"Data Source={DatabasePath}");
        else
        {
            builder.UseSetting("Database:Provider", "Postgres");
            builder.UseSetting("ConnectionStrings:DefaultConnection", PostgresConnection);
        }
        builder.UseSetting("Demo:Seed", "true");
        builder.UseSetting("Demo:Licenses", Licenses.ToString());
        builder.UseSetting("Email:PickupFolder", MailFolder);
        // Tests run the monitor and the protection reminders themselves, on their own clock.
        builder.UseSetting("Fraud:RunAtStartup", "false");
        builder.UseSetting("Renewals:RunAtStartup", "false");
        // Backups go beside the test's database; the backup tests schedule their own.
        builder.UseSetting("Backup:Folder", BackupFolder);
        builder.UseSetting("Activation:SigningKeyFolder", SigningKeyFolder);
        builder.UseSetting("Backup:IntervalHours", "0");
        // Tests move days in milliseconds; the rate-limit tests set their own limits.
        builder.UseSetting("Activation:PerKeyPerMinute", "1000000");
        builder.UseSetting("Activation:PerClientPerMinute", "1000000");
        builder.UseSetting("SignIn:AttemptsPerAddressPerMinute", "1000000");
        foreach (var (key, value) in Settings)
            builder.UseSetting(key, value);
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
            // A machine without a user profile (a container): keys the app does not store itself
            // live only as long as the process. Without this the framework would fall back to
            // ~/.aspnet on the test machine and hide a portal that forgot its key store.
            var perProcessKeys = new PerProcessKeys();
            services.PostConfigure<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>(o =>
                o.XmlRepository ??= perProcessKeys
            );
            services.AddTransient<Microsoft.AspNetCore.Hosting.IStartupFilter, ClientAddressFilter>();
        });
    }

    /// <summary>
    /// The PostgreSQL pass: the database stands for the SQLite file, so it is named after <see cref="DatabasePath"/>. A test that
    /// restarts the portal gives the second factory the first one's path, and so its database: a first factory on a path the
    /// test chose leaves its database for the restart, and the restart (which did not make it) drops it.
    /// </summary>
    private void UseOwnPostgresConnection()
    {
        if (ownConnectionString is not null)
            return;
        var name = PostgresServer.NewDatabaseName(
            Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(DatabasePath)))[..32]
        );
        var made = PostgresServer.Create(
            name,
            out var connectionString,
            SeedsPlainDemoData ? templates.GetOrAdd(Licenses, l => new(() => MakeTemplate(l))).Value : null
        );
        (ownDatabase, ownConnectionString, dropOwnDatabase) = (name, connectionString, !made || !explicitDatabasePath);
    }

    // Migrating and seeding take most of a portal's start on PostgreSQL, and every PortalFactory seeds the same demo data
    // for its number of licenses at the same time: a factory without settings of its own copies a database that has it.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, Lazy<string>> templates = new();

    private bool SeedsPlainDemoData =>
        Settings.Count == 0
        && Environment == "Development"
        && Clock.GetUtcNow() == Now
        && GetType()
            .GetMethod(nameof(ConfigureWebHost), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
            .DeclaringType == typeof(PortalFactory);

    private static string MakeTemplate(int licenses)
    {
        var name = PostgresServer.NewDatabaseName($"template_{licenses}_{Guid.NewGuid():N}");
        PostgresServer.Create(name, out var connectionString);
        PostgresServer.DropAtExit(name);
        var seeding = new PortalFactory { Licenses = licenses, PostgresConnectionString = connectionString };
        _ = seeding.Server;
        seeding.DisposeAsync().AsTask().GetAwaiter().GetResult();
        // Each copy makes its own data-protection keys, as each SQLite file does: one test's cookie never works on another's portal.
        using (var template = new Npgsql.NpgsqlConnection(connectionString))
        {
            template.Open();
            using var forget = new Npgsql.NpgsqlCommand("DELETE FROM \"DataProtectionKeys\"", template);
            forget.ExecuteNonQuery();
        }
        PostgresServer.ClearPools(connectionString);
        return name;
    }

    /// <summary>A service as a page would get it, from its own scope.</summary>
    public T Service<T>()
        where T : notnull => Services.CreateScope().ServiceProvider.GetRequiredService<T>();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (ownConnectionString is not null)
        {
            // Npgsql keeps idle connections for minutes; hundreds of finished portals would use up the server's connections.
            PostgresServer.ClearPools(ownConnectionString);
            if (dropOwnDatabase)
                PostgresServer.DropLater(ownDatabase!);
        }
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException) { }
    }

    public static string Password => new DemoOptions().Password;

    /// <summary>The header a test sends to come from a given address (the test server has none of its own).</summary>
    public const string ClientAddressHeader = "X-Test-Client-Address";

    private sealed class ClientAddressFilter : Microsoft.AspNetCore.Hosting.IStartupFilter
    {
        public Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> Configure(
            Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> next
        ) =>
            app =>
            {
                app.Use(
                    async (context, nextMiddleware) =>
                    {
                        if (context.Request.Headers.TryGetValue(ClientAddressHeader, out var address))
                            context.Connection.RemoteIpAddress = System.Net.IPAddress.Parse(address.ToString());
                        await nextMiddleware();
                    }
                );
                next(app);
            };
    }
}
