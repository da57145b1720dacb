namespace LicensePortal.Data.Backups;

public static class BackupSetup
{
    public static WebApplicationBuilder AddBackups(this WebApplicationBuilder builder)
    {
        builder
            .Services.AddOptions<BackupOptions>()
            .BindConfiguration(BackupOptions.Section)
            .Validate(o => o.IntervalHours >= 0 && o.MaxAgeHours >= 0, "Backup:IntervalHours and Backup:MaxAgeHours cannot be negative.")
            .Validate(o => o.Keep >= 1, "Backup:Keep must keep at least one backup.")
            .ValidateOnStart();
        builder.Services.AddSingleton<DatabaseBackups>();
        // The file lock and the schedule are about SQLite's file; PostgreSQL's backups are the operator's (pg_dump).
        if (SqlDialect.Configured(builder.Configuration) != DatabaseProvider.Sqlite)
            return builder;
        builder.Services.AddHostedService<PortalRunningLock>();
        builder.Services.AddHostedService<ScheduledBackups>();
        return builder;
    }
}
