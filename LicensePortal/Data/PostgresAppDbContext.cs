using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace LicensePortal.Data;

/// <summary>
/// The portal's context on PostgreSQL. The model is <see cref="AppDbContext"/>'s; the type of its own is what
/// keeps PostgreSQL's migrations (Data/Migrations/Postgres) apart from SQLite's, as EF Core's "migrations with
/// multiple providers" suggests. Services still ask for <see cref="AppDbContext"/>; DatabaseSetup hands them this one.
/// </summary>
public sealed class PostgresAppDbContext(DbContextOptions<PostgresAppDbContext> options) : AppDbContext(options)
{
    static PostgresAppDbContext() => UseLegacyTimestamps();

    /// <summary>
    /// The portal keeps every time as a UTC <see cref="DateTime"/> without an offset, as SQLite stores it, and raw SQL
    /// binds such values as they are (some with Kind Utc, some Unspecified). Npgsql's default maps DateTime to
    /// <c>timestamp with time zone</c> and refuses Unspecified values there, and Utc ones in <c>timestamp without
    /// time zone</c>. Its legacy behaviour maps every DateTime to <c>timestamp without time zone</c> whatever its
    /// Kind, which stores exactly what SQLite stores: the UTC wall-clock time, never shifted by the session's time
    /// zone. The switch is process-wide and read once, so it is set before Npgsql first starts.
    /// </summary>
    public static void UseLegacyTimestamps() => AppContext.SetSwitch("Npgsql.EnableLegacyTimestampBehavior", true);

    /// <summary>The provider options both the app and <c>dotnet ef</c> use.</summary>
    public static void Configure(DbContextOptionsBuilder options, string connectionString)
    {
        UseLegacyTimestamps();
        // Auto-prepared: the monitor's bulk writes and the busiest pages run the same statements thousands of times.
        options.UseNpgsql(SqlDialect.Postgres.ForRepeatedCommands(connectionString)).AddInterceptors(CaseInsensitiveLikeInterceptor.Instance);
    }
}

/// <summary>
/// For <c>dotnet ef … --context PostgresAppDbContext</c>: needs no running server to add a migration
/// (<c>LICENSEPORTAL_POSTGRES</c> names one for <c>database update</c>). The Identity schema version is set as the
/// app sets it (IdentitySetup), or the model would differ from the app's.
/// </summary>
public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresAppDbContext>
{
    public PostgresAppDbContext CreateDbContext(string[] args)
    {
        var services = new ServiceCollection()
            .Configure<IdentityOptions>(o => o.Stores.SchemaVersion = IdentitySchemaVersions.Version3)
            .BuildServiceProvider();
        var options = new DbContextOptionsBuilder<PostgresAppDbContext>().UseApplicationServiceProvider(services);
        PostgresAppDbContext.Configure(options, Environment.GetEnvironmentVariable("LICENSEPORTAL_POSTGRES")
            ?? "Host=localhost;Database=licenseportal;Username=postgres;Password=postgres");
        return new PostgresAppDbContext(options.Options);
    }
}

/// <summary>
/// For <c>dotnet ef … --context AppDbContext</c>: SQLite, from the app's own configuration and set-up, as <c>dotnet ef</c>
/// built it from the app before PostgreSQL came. It has to be said: <see cref="IDesignTimeDbContextFactory{TContext}"/>
/// is covariant, so without it <c>dotnet ef</c> would make an AppDbContext with the PostgreSQL factory above.
/// </summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<AppDbContext>
{
    public AppDbContext CreateDbContext(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration["Database:Provider"] = nameof(DatabaseProvider.Sqlite);
        builder.AddDatabase();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.Configure<IdentityOptions>(o => o.Stores.SchemaVersion = IdentitySchemaVersions.Version3);
        return builder.Build().Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext();
    }
}
