using LicensePortal.Data;
using LicensePortal.Features.Audit;
using LicensePortal.Features.Licenses;
using LicensePortal.Features.Outbox;

namespace LicensePortal.Features.Fraud;

/// <summary>The license a fraud notice is about, with its product and owner.</summary>
internal sealed record LicenseParty(int Id, string Key, string Product, string Customer, string Email, string Phone)
{
    public static LicenseParty Of(License license) =>
        new(license.Id, license.Key, license.Product!.Name, license.Customer!.Name, license.Customer.Email, license.Customer.Phone);
}

/// <summary>
/// What a change to a case writes besides the case and the key: the emails, the license's history
/// entry and the audit row. Built in one place, saved either through the change tracker (a staff
/// member's action) or in bulk (the monitor's batches).
/// </summary>
internal sealed record FraudNotice(IReadOnlyList<OutboxMessage> Emails, LicenseEvent Event, AuditEntry Audit)
{
    public void AddTo(AppDbContext db)
    {
        db.Outbox.AddRange(Emails);
        db.LicenseEvents.Add(Event);
        db.AuditLog.Add(Audit);
    }
}
