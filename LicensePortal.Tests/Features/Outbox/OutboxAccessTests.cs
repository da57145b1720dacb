using LicensePortal.Features.Outbox;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;

namespace LicensePortal.Tests.Features.Outbox;

/// <summary>The outbox list shows each role the messages whose documents it may read (docs/RULES.md, Who may do what).</summary>
public class OutboxAccessTests : IAsyncLifetime
{
    private readonly PortalFactory portal = new() { Licenses = 10 };

    public async ValueTask InitializeAsync()
    {
        await using var db = await portal.DbAsync();
        var now = PortalFactory.Now.UtcDateTime;
        OutboxService.Enqueue(db, now, "it@acme.example", "Your quote Q-2026-000001 from SmarterTools", "Hello", "Quote Q-2026-000001");
        OutboxService.Enqueue(db, now, "it@acme.example", "Written consent T-2026-0001: license A", "Hello", "Transfer T-2026-0001");
        OutboxService.Enqueue(db, now, "it@acme.example", "Action needed: license A", "Hello", "License A");
        OutboxService.Enqueue(db, now, "fraud-team@localhost", "Fraud case opened: A (Acme)", "Hello", "License A");
        OutboxService.Enqueue(db, now, "it@acme.example", "Protection ends", "Hello", "Protection reminder: license A");
        OutboxService.Enqueue(db, now, "ops@example.com", "Something else", "Hello", "Test");
        await db.SaveChangesAsync();
    }

    public ValueTask DisposeAsync() => portal.DisposeAsync();

    [Theory]
    [InlineData(
        Roles.Sales,
        "Action needed: license A|Protection ends|Written consent T-2026-0001: license A|Your quote Q-2026-000001 from SmarterTools"
    )]
    [InlineData(Roles.Fraud, "Action needed: license A|Fraud case opened: A (Acme)|Protection ends|Written consent T-2026-0001: license A")]
    [InlineData(
        Roles.Manager,
        "Action needed: license A|Fraud case opened: A (Acme)|Protection ends|Something else|Written consent T-2026-0001: license "
            + "A|Your quote Q-2026-000001 from SmarterTools"
    )]
    [InlineData(
        Roles.Admin,
        "Action needed: license A|Fraud case opened: A (Acme)|Protection ends|Something else|Written consent T-2026-0001: license "
            + "A|Your quote Q-2026-000001 from SmarterTools"
    )]
    public async Task Each_role_lists_only_the_messages_it_may_read(string role, string expected)
    {
        var page = await portal.Service<OutboxService>().ListAsync(TestData.As(role), null, null, new PageRequest(0, 50, null, false));

        Assert.Equal(expected, string.Join("|", page.Rows.Select(r => r.Subject).Order(StringComparer.Ordinal)));
        Assert.Equal(expected.Split('|').Length, page.Total);
    }

    [Theory]
    [InlineData("Quote Q-1", "Your quote", "it@acme.example", OutboxKind.Quote)]
    [InlineData("Transfer T-1", "Written consent", "it@acme.example", OutboxKind.Transfer)]
    [InlineData("License A", "Action needed: license A", "it@acme.example", OutboxKind.CustomerLicense)]
    [InlineData("Protection reminder: license A", "Protection ends", "it@acme.example", OutboxKind.CustomerLicense)]
    [InlineData("License A", "Fraud case opened: A (Acme)", "old-team@example.com", OutboxKind.FraudNotice)]
    [InlineData("License A", "Anything", "FRAUD-team@localhost", OutboxKind.FraudNotice)]
    [InlineData("Test", "Hello", "ops@example.com", OutboxKind.Other)]
    public void A_message_kind_comes_from_what_it_is_about(string about, string subject, string to, OutboxKind expected) =>
        Assert.Equal(expected, OutboxAccess.KindOf(about, subject, to, "fraud-team@localhost"));
}
