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
        var configured = builder.Configuration.GetConnectionString("DefaultConnection")
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
            builder.Services.AddPooledDbContextFactory<PostgresAppDbContext>(options => PostgresAppDbContext.Configure(options, configured));
            builder.Services.AddSingleton<IDbContextFactory<AppDbContext>>(sp =>
                new AsAppDbContextFactory<PostgresAppDbContext>(sp.GetRequiredService<IDbContextFactory<PostgresAppDbContext>>()));
        }
        // The scoped context that Identity's stores use.
        builder.Services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext());
        builder.Services.AddSingleton(sp => new WriteGate(sp.GetRequiredService<TimeProvider>(), dialect.QueuesWrites));
        builder.Services.AddHostedService<DatabaseMaintenance>();
        return builder;
    }

    private sealed class AsAppDbContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<AppDbContext> where TContext : AppDbContext
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
            Directory.CreateDirectory(Path.GetDirectoryName(csb.DataSource)!);
        }
        // Microsoft.Data.Sqlite retries a busy database until the command timeout: this is the busy timeout.
        if (csb.DefaultTimeout < 5) csb.DefaultTimeout = 30;
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
        if (SqlDialect.Of(db).AfterMigrateSql is { } afterMigrate) await db.Database.ExecuteSqlRawAsync(afterMigrate);
        // Rows the previous version wrote (or the migration carried over) join the audit chain in id order:
        // SQLite has no SHA-256 for a migration to do it in SQL.
        await db.SealAuditLogAsync();
        await EnsureRolesAsync(services);
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

/// <summary>Keeps the planner's statistics current: soon after start-up, then once a day.</summary>
public sealed class DatabaseMaintenance(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, ILogger<DatabaseMaintenance> logger) : BackgroundService
{
    public static readonly TimeSpan FirstRunAfter = TimeSpan.FromMinutes(10), Interval = TimeSpan.FromDays(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Delay(FirstRunAfter, clock, stoppingToken);
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                await using var db = await dbFactory.CreateDbContextAsync(stoppingToken);
                await db.RefreshPlannerStatisticsAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Refreshing the database statistics failed; it is tried again tomorrow.");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

/// <summary>
/// Lets one of this process's hot writers at a time into SQLite, which takes one writer at a time
/// anyway. Without it, concurrent check-ins meet SQLITE_BUSY, and Microsoft.Data.Sqlite answers
/// that by sleeping 150 ms before trying again (dotnet/efcore#36658): under load most threads
/// sleep while the database idles. Waiting here instead is asynchronous and first come, first
/// served. Used by the check-in, the release and the fraud monitor's batch writes; the database's
/// own locking still guards everything else and other processes. On PostgreSQL (<paramref name="queues"/>
/// false) every writer goes in at once: its row locks let them write in parallel.
/// </summary>
public sealed class WriteGate(TimeProvider clock, bool queues = true)
{
    private readonly SemaphoreSlim? gate = queues ? new(1, 1) : null;
    private int waiting;

    /// <summary>Writers waiting for their turn now.</summary>
    public int Waiting => Volatile.Read(ref waiting);

    public async Task<Entry> EnterAsync(CancellationToken ct)
    {
        if (gate is null) return default;
        await gate.WaitAsync(ct);
        return new Entry(gate);
    }

    /// <summary>
    /// A turn for a request that can be turned away: null at once when <paramref name="queueLimit"/> writers already wait,
    /// or when the turn has not come within <paramref name="wait"/>. Shedding load answers quickly instead of piling up.
    /// </summary>
    public async Task<Entry?> TryEnterAsync(int queueLimit, TimeSpan wait, CancellationToken ct)
    {
        if (gate is null) return default(Entry);
        // A free turn is taken at once, without the timer and linked token a wait needs (most check-ins on a quiet
        // portal). A released turn goes to the writer that waited longest, so this never jumps the queue.
        if (gate.Wait(0, ct)) return new Entry(gate);
        if (Interlocked.Increment(ref waiting) > queueLimit)
        {
            Interlocked.Decrement(ref waiting);
            return null;
        }
        try
        {
            using var timeout = new CancellationTokenSource(wait, clock);
            using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
            await gate.WaitAsync(either.Token);
            return new Entry(gate);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return null;
        }
        finally
        {
            Interlocked.Decrement(ref waiting);
        }
    }

    public readonly struct Entry(SemaphoreSlim? gate) : IDisposable
    {
        public void Dispose() => gate?.Release();
    }
}
