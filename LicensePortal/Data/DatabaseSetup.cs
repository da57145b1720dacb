using LicensePortal.Data.Backups;
using LicensePortal.Features.Audit;
using LicensePortal.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Data;

public static class DatabaseSetup
{
    /// <summary>SQLite's default: copy the write-ahead log back into the database once it holds this many pages.</summary>
    public const int WalAutoCheckpointPages = 1000;

    public static WebApplicationBuilder AddDatabase(this WebApplicationBuilder builder)
    {
        var configured =
            builder.Configuration.GetConnectionString("DefaultConnection")
            ?? throw new InvalidOperationException("Connection string 'DefaultConnection' is not configured.");
        var dialect = SqlDialect.Of(SqlDialect.Configured(builder.Configuration));
        builder.Services.AddSingleton(dialect);

        // Pooled: services make a short-lived context per call, from every page and the monitor.
        if (dialect.IsSqlite)
        {
            var connectionString = ResolveSqlitePath(configured, builder.Environment.ContentRootPath);
            builder.Services.AddPooledDbContextFactory<AppDbContext>(options => options.UseSqlite(connectionString));
        }
        else
        {
            // Its own context type keeps PostgreSQL's migrations apart; everything else asks for an AppDbContext.
            builder.Services.AddPooledDbContextFactory<PostgresAppDbContext>(options =>
                PostgresAppDbContext.Configure(options, configured)
            );
            builder.Services.AddSingleton<IDbContextFactory<AppDbContext>>(sp => new AsAppDbContextFactory<PostgresAppDbContext>(
                sp.GetRequiredService<IDbContextFactory<PostgresAppDbContext>>()
            ));
        }
        // The scoped context that Identity's stores use.
        builder.Services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext());
        builder.Services.AddSingleton(sp => new WriteGate(sp.GetRequiredService<TimeProvider>(), dialect.QueuesWrites));
        builder.Services.AddHostedService<DatabaseMaintenance>();
        return builder;
    }

    private sealed class AsAppDbContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<AppDbContext>
        where TContext : AppDbContext
    {
        public AppDbContext CreateDbContext() => inner.CreateDbContext();

        public async Task<AppDbContext> CreateDbContextAsync(CancellationToken ct = default) => await inner.CreateDbContextAsync(ct);
    }

    /// <summary>
    /// Makes a relative "Data Source" absolute under the content root and creates its folder,
    /// so the app finds the same file whatever directory it was started from.
    /// </summary>
    public static string ResolveSqlitePath(string connectionString, string contentRoot)
    {
        var csb = new SqliteConnectionStringBuilder(connectionString);
        if (csb.DataSource is not ("" or ":memory:") && csb.Mode != SqliteOpenMode.Memory)
        {
            if (!Path.IsPathRooted(csb.DataSource))
                csb.DataSource = Path.GetFullPath(Path.Combine(contentRoot, csb.DataSource));
            // The database holds password hashes and the key ring: a new folder and file are the portal's account's only, from
            // the start (SQLite gives its -wal and -shm files the database file's mode).
            PrivateFiles.CreateFolder(Path.GetDirectoryName(csb.DataSource)!);
            PrivateFiles.EnsureExists(csb.DataSource);
        }
        // Microsoft.Data.Sqlite retries a busy database until the command timeout: this is the busy timeout.
        if (csb.DefaultTimeout < 5)
            csb.DefaultTimeout = 30;
        return csb.ConnectionString;
    }

    /// <summary>
    /// Applies the committed migrations and switches the file to write-ahead logging. An existing
    /// database that has migrations to apply is backed up first.
    /// </summary>
    public static async Task MigrateDatabaseAsync(this IServiceProvider services)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        // Instances started at once on one PostgreSQL database take turns: the first migrates, seals and adds the roles, the
        // next finds it done. (EF Core's own migration lock did not stop two of them applying the same migration.)
        await using var startUp = await InstanceLock.TakeAsync(db, "start-up", CancellationToken.None);
        await services.GetRequiredService<DatabaseBackups>().BackupBeforeMigratingAsync(db);
        await db.Database.MigrateAsync();
        if (SqlDialect.Of(db).AfterMigrateSql is { } afterMigrate)
            await db.Database.ExecuteSqlRawAsync(afterMigrate);
        // A log from before the chain is sealed once; one from before the key gets a keyed row after its unkeyed ones.
        await db.KeyTheChainAsync(services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime);
        await EnsureRolesAsync(services);
        // Two-factor secrets written in plain by an earlier version are encrypted (keys) and hashed (recovery codes).
        await services.GetRequiredService<Features.SignIn.TwoFactorSecrets>().ProtectStoredAsync(db);
    }

    /// <summary>
    /// Samples every index so SQLite's planner (or PostgreSQL's) knows which one narrows a query most; without
    /// statistics it may, for example, read all open cases through the state index instead of
    /// looking up a batch's licenses in the one-open-case-per-license index. The sample is
    /// bounded, so this takes a fraction of a second on a million licenses; it runs after seeding,
    /// and in the background ten minutes after start-up and then daily, so the statistics follow
    /// the data as it grows without delaying start-up. SQLite keeps them in the file.
    /// </summary>
    public static Task RefreshPlannerStatisticsAsync(this AppDbContext db, CancellationToken ct = default) =>
        db.Database.ExecuteSqlRawAsync(SqlDialect.Of(db).PlannerStatisticsSql, ct);

    private static async Task EnsureRolesAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role))
                await roles.CreateAsync(new IdentityRole(role));
        }
    }
}
