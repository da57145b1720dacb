using Microsoft.EntityFrameworkCore;

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
        options
            .UseNpgsql(SqlDialect.Postgres.ForRepeatedCommands(connectionString))
            .AddInterceptors(CaseInsensitiveLikeInterceptor.Instance);
    }
}
