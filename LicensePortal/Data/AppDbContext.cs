using LicensePortal.Features.Audit;
using LicensePortal.Features.Catalog;
using LicensePortal.Features.Customers;
using LicensePortal.Features.Fraud;
using LicensePortal.Features.Installations;
using LicensePortal.Features.Licenses;
using LicensePortal.Features.Outbox;
using LicensePortal.Features.Quotes;
using LicensePortal.Features.Renewals;
using LicensePortal.Features.Transfers;
using LicensePortal.Infrastructure;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Data;

public class AppDbContext : IdentityDbContext<ApplicationUser>, IDataProtectionKeyContext
{
    public AppDbContext(DbContextOptions<AppDbContext> options)
        : base(options) { }

    /// <summary>For a provider's own context type (<see cref="PostgresAppDbContext"/>), which keeps its own migrations.</summary>
    protected AppDbContext(DbContextOptions options)
        : base(options) { }

    public DbSet<Product> Products => Set<Product>();
    public DbSet<ProductRelease> Releases => Set<ProductRelease>();
    public DbSet<Edition> Editions => Set<Edition>();
    public DbSet<Level> Levels => Set<Level>();
    public DbSet<PriceList> PriceLists => Set<PriceList>();
    public DbSet<PriceListEntry> PriceListEntries => Set<PriceListEntry>();
    public DbSet<Customer> Customers => Set<Customer>();
    public DbSet<CustomerContact> CustomerContacts => Set<CustomerContact>();
    public DbSet<License> Licenses => Set<License>();
    public DbSet<Installation> Installations => Set<Installation>();
    public DbSet<InstallationStint> InstallationStints => Set<InstallationStint>();
    public DbSet<InstallationRelease> InstallationReleases => Set<InstallationRelease>();
    public DbSet<AuditEntry> AuditLog => Set<AuditEntry>();
    public DbSet<LicenseEvent> LicenseEvents => Set<LicenseEvent>();
    public DbSet<Quote> Quotes => Set<Quote>();
    public DbSet<QuoteItem> QuoteItems => Set<QuoteItem>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();
    public DbSet<Counter> Counters => Set<Counter>();
    public DbSet<FraudCase> FraudCases => Set<FraudCase>();
    public DbSet<CallAttempt> CallAttempts => Set<CallAttempt>();
    public DbSet<OverAllowancePeriod> OverAllowancePeriods => Set<OverAllowancePeriod>();
    public DbSet<TransferRequest> TransferRequests => Set<TransferRequest>();
    public DbSet<ProtectionReminder> ProtectionReminders => Set<ProtectionReminder>();

    /// <summary>The data-protection key ring, shared by every instance and kept across restarts (DataProtectionSetup).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<ApplicationUser>(b =>
        {
            b.Property(u => u.DisplayName).HasMaxLength(100);
            b.Property(u => u.Title).HasMaxLength(100);
        });
        builder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every time is stored in UTC; read it back marked as UTC, so APIs print it with its Z.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcConverter>();
    }

    private sealed class UtcConverter()
        : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTime, DateTime>(
            v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
            v => DateTime.SpecifyKind(v, DateTimeKind.Utc)
        );

    public override int SaveChanges(bool acceptAllChangesOnSuccess) => SaveChangesAsync(acceptAllChangesOnSuccess).GetAwaiter().GetResult();

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        StampVersions();
        if (!ChangeTracker.Entries<AuditEntry>().Any(e => e.State == EntityState.Added))
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        // New audit rows are sealed into the chain in the same transaction that adds them (AuditChain): these rows, no others.
        await using var own = Database.CurrentTransaction is null ? await Database.BeginTransactionAsync(cancellationToken) : null;
        await this.LockAuditChainAsync(cancellationToken);
        List<AuditEntry> added =
        [
            .. ChangeTracker.Entries<AuditEntry>().Where(e => e.State == EntityState.Added).Select(e => e.Entity),
            .. auditsAfterInsert.Select(w => w.Row),
        ];
        var saved = await SaveWithAuditRowsAsync(acceptAllChangesOnSuccess, cancellationToken);
        foreach (var row in added)
            AuditWritten(row.Id);
        await this.SealAuditLogAsync(cancellationToken);
        if (own is not null)
            await own.CommitAsync(cancellationToken);
        return saved;
    }

    private readonly List<(AuditEntry Row, Action Complete)> auditsAfterInsert = [];

    // The audit rows this context inserted and has not sealed yet (AuditChain seals these, and only these).
    private readonly List<long> writtenAuditIds = [];

    internal void AuditWritten(long id) => writtenAuditIds.Add(id);

    internal List<long> TakeWrittenAuditIds()
    {
        var ids = writtenAuditIds.ToList();
        writtenAuditIds.Clear();
        return ids;
    }

    // A pooled context is reused: ids a rolled-back transaction left must not be sealed by the next user.
    public override void Dispose()
    {
        writtenAuditIds.Clear();
        base.Dispose();
    }

    public override ValueTask DisposeAsync()
    {
        writtenAuditIds.Clear();
        return base.DisposeAsync();
    }

    /// <summary>
    /// Holds <paramref name="row"/> back until the rows it names are inserted, then completes and inserts it (AuditWrites).
    /// Both inserts run in the one transaction SaveChangesAsync holds; a failed save keeps the row waiting, so saving
    /// again (after fixing what failed) still writes it.
    /// </summary>
    internal void AuditAfterInsert(AuditEntry row, Action complete) => auditsAfterInsert.Add((row, complete));

    private async Task<int> SaveWithAuditRowsAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken)
    {
        if (auditsAfterInsert.Count == 0)
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        // The first save must accept its changes, or the second would insert its new rows again.
        if (!acceptAllChangesOnSuccess)
            throw new NotSupportedException("A save with audit rows that wait for new ids accepts its changes.");
        var waiting = auditsAfterInsert.ToList();
        foreach (var (row, _) in waiting)
            Entry(row).State = EntityState.Detached;
        int saved;
        try
        {
            saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess: true, cancellationToken);
        }
        catch
        {
            foreach (var (row, _) in waiting)
                Entry(row).State = EntityState.Added;
            throw;
        }
        auditsAfterInsert.Clear();
        foreach (var (row, complete) in waiting)
        {
            complete();
            AuditLog.Add(row);
        }
        return saved + await base.SaveChangesAsync(acceptAllChangesOnSuccess: true, cancellationToken);
    }

    private void StampVersions()
    {
        foreach (var entry in ChangeTracker.Entries<IVersioned>())
        {
            if (entry.State is EntityState.Added or EntityState.Modified)
                entry.Entity.Version = Guid.NewGuid();
        }
    }
}
