using LicensePortal.Data;
using LicensePortal.Data.Demo;
using LicensePortal.Features.Audit;
using LicensePortal.Features.Fraud;
using LicensePortal.Features.Outbox;
using LicensePortal.Features.Quotes;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LicensePortal.Tests.Features.Audit;

/// <summary>The audit log and the outbox name people and things the way staff do, and link to them.</summary>
public class AuditReadableTests : IAsyncLifetime
{
    private readonly PortalFactory portal = new() { Licenses = 20 };
    private static readonly PageRequest Page = new(0, 50, null, false);
    private static string Manager => DemoSeeder.Users.Single(u => u.Role == Roles.Manager).Email;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => portal.DisposeAsync();

    [Fact]
    public void A_diff_lists_only_the_fields_that_changed_as_old_to_new()
    {
        var changes = AuditText.Diff(
            """{"Status":"Draft","SentTo":null,"Total":120.5,"Note":"old","Same":"x"}""",
            """{"Status":"Sent","SentTo":"it@acme.example","Total":120.5,"Same":"x","ProtectionEndsOn":"2027-03-01","Failover":true}"""
        );

        Assert.Equal(
            ["Status: Draft → Sent", "Sent to: it@acme.example", "Protection ends on: 2027-03-01", "Failover: yes", "Note: old → —"],
            changes.Select(c => c.ToString())
        );
        Assert.Equal(
            ["Name: Acme", "Licenses: K1, K2"],
            AuditText.Diff(null, """{"Name":"Acme","Licenses":["K1","K2"]}""").Select(c => c.ToString())
        );
        Assert.Equal(
            ["Deadline: 8 Dec 2026, 10:28 UTC"],
            AuditText.Diff(null, """{"Deadline":"2026-12-08T10:28:00Z"}""").Select(c => c.ToString())
        );
        Assert.Equal(
            ["State: Customer notified → Contacting", "Outcome: Resolved by customer", "Customer: SmarterTools"],
            AuditText
                .Diff(
                    """{"State":"CustomerNotified"}""",
                    """{"State":"Contacting","Outcome":"ResolvedByCustomer","Customer":"SmarterTools"}"""
                )
                .Select(c => c.ToString())
        );
    }

    [Fact]
    public async Task Audit_rows_name_the_person_and_link_the_license_case_quote_and_customer()
    {
        var customer = await portal.NewCustomerAsync("Readable Hosting");
        var license = await portal.NewLicenseAsync(customer.Id);
        var manager = TestData.As(Roles.Manager, Manager);
        var caseId = await portal.Service<FraudCaseService>().OpenAsync(manager, license.Id, "Tip-off from a reseller");
        var (edition, level) = await portal.ConfigAsync("SmarterMail", "Enterprise", "250 mailboxes");
        var quoteId = await portal
            .Service<QuoteService>()
            .CreateDraftAsync(manager, customer.Id, [new QuoteRequestLine(license.Id, edition.Id, level.Id, false)], 30, null);
        string number;
        await using (var db = await portal.DbAsync())
        {
            number = await db.Quotes.Where(q => q.Id == quoteId).Select(q => q.Number).SingleAsync();
            db.Audit(
                manager,
                portal.Clock.GetUtcNow().UtcDateTime,
                "Customer changed",
                "Customer",
                customer.Id,
                new { Phone = "+1 1", City = "Portland" },
                new { Phone = "+1 2", City = "Portland" }
            );
            db.Audit(manager, portal.Clock.GetUtcNow().UtcDateTime, "Case looked at", "FraudCase", caseId, null, null);
            await db.SaveChangesAsync();
        }

        var rows = (await portal.Service<AuditLogService>().ListAsync(manager, new AuditFilter(User: "Maria"), Page)).Rows;

        Assert.All(rows, r => Assert.Equal("Maria Keller", r.Person));
        var opened = rows.Single(r => r.Action == "Fraud case opened");
        Assert.Equal(new EntityLink("License", license.Key, "Readable Hosting", $"/licenses/{license.Id}"), opened.Entity);
        Assert.Equal(
            new EntityLink("Fraud case", $"#{caseId}", $"{license.Key} · Readable Hosting", $"/fraud/cases/{caseId}"),
            rows.Single(r => r.Action == "Case looked at").Entity
        );
        Assert.Equal(
            new EntityLink("Quote", number, "Readable Hosting", $"/quotes/{quoteId}"),
            rows.Single(r => r.Action == "Quote created").Entity
        );
        var changed = rows.Single(r => r.Action == "Customer changed");
        Assert.Equal(new EntityLink("Customer", "Readable Hosting", null, $"/customers/{customer.Id}"), changed.Entity);
        Assert.Equal(["Phone: +1 1 → +1 2"], changed.Changes.Select(c => c.ToString()));
    }

    [Fact]
    public async Task An_unknown_user_or_a_removed_entity_shows_what_was_stored()
    {
        await using (var db = await portal.DbAsync())
        {
            db.Audit(
                TestData.As(Roles.Manager, "gone@example.com"),
                portal.Clock.GetUtcNow().UtcDateTime,
                "License issued",
                "License",
                "NO-SUCH-KEY",
                null,
                new { Major = 12 }
            );
            await db.SaveChangesAsync();
        }

        var row = Assert.Single(
            (await portal.Service<AuditLogService>().ListAsync(TestData.As(Roles.Admin), new AuditFilter(User: "gone@"), Page)).Rows
        );

        Assert.Equal("gone@example.com", row.Person);
        Assert.Equal(new EntityLink("License", "NO-SUCH-KEY", null, null), row.Entity);
        Assert.Equal("License NO-SUCH-KEY", row.Entity.ToString());
    }

    [Fact]
    public async Task The_outbox_names_the_recipient_links_what_a_message_concerns_and_says_its_state_in_words()
    {
        var customer = await portal.NewCustomerAsync("Outbox Readers Ltd");
        var license = await portal.NewLicenseAsync(customer.Id);
        await using (var db = await portal.DbAsync())
        {
            var now = portal.Clock.GetUtcNow().UtcDateTime;
            OutboxService.Enqueue(db, now, "it@acme.example", "About your key", "Hello", $"License {license.Key}");
            OutboxService.Enqueue(
                db,
                now,
                portal.Service<IOptions<EmailOptions>>().Value.FraudTeamAddress,
                "Reminder",
                "Hello",
                $"Protection reminder: license {license.Key}"
            );
            var failed = OutboxService.Enqueue(db, now, "nobody@example.com", "Lost", "Hello", "Something else");
            failed.Status = OutboxStatus.Failed;
            failed.Attempts = 6;
            await db.SaveChangesAsync();
        }

        var rows = (await portal.Service<OutboxService>().ListAsync(TestData.As(Roles.Manager), null, null, Page)).Rows.Take(3).ToList();

        var lost = rows[0];
        Assert.Null(lost.RecipientName);
        Assert.Null(lost.Concerns);
        Assert.Equal("Failed after 6 attempts", lost.State);
        var reminder = rows[1];
        Assert.Equal("Fraud team", reminder.RecipientName);
        Assert.Equal(new EntityLink("License", license.Key, "Outbox Readers Ltd", $"/licenses/{license.Id}"), reminder.Concerns);
        var first = rows[2];
        Assert.Equal("Outbox Readers Ltd", first.RecipientName);
        Assert.Equal("Waiting to be sent", first.State);
        Assert.Equal($"/licenses/{license.Id}", first.Concerns!.Href);
        Assert.Equal("Retrying after 2 failed attempts", OutboxText.State(OutboxStatus.Pending, 2));
        Assert.Equal("Delivered", OutboxText.State(OutboxStatus.Sent, 1));
    }
}
