using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace LicensePortal.Data;

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
        PostgresAppDbContext.Configure(
            options,
            Environment.GetEnvironmentVariable("LICENSEPORTAL_POSTGRES")
                ?? "Host=localhost;Database=licenseportal;Username=postgres;Password=postgres"
        );
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
