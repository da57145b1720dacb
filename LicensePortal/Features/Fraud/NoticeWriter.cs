using LicensePortal.Data;
using LicensePortal.Features.Audit;
using LicensePortal.Features.Licenses;
using LicensePortal.Features.Outbox;

namespace LicensePortal.Features.Fraud;

/// <summary>Writes fraud notices in bulk, in the transaction of the context it is made from.</summary>
internal sealed class NoticeWriter(AppDbContext db) : IAsyncDisposable
{
    private readonly BulkInsert<OutboxMessage> emails = new(db);
    private readonly BulkInsert<LicenseEvent> events = new(db);
    private readonly BulkInsert<AuditEntry> audit = new(db);

    public async Task AddAsync(FraudNotice notice)
    {
        foreach (var email in notice.Emails)
            await emails.AddAsync(email);
        await events.AddAsync(notice.Event);
        await audit.AddAsync(notice.Audit);
    }

    public async ValueTask DisposeAsync()
    {
        await emails.DisposeAsync();
        await events.DisposeAsync();
        await audit.DisposeAsync();
    }
}
