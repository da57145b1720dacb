using LicensePortal.Features.Licenses;
using LicensePortal.Features.Outbox;
using LicensePortal.Features.Quotes;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Tests.Features.Quotes;

public class QuoteServiceTests : IAsyncLifetime
{
    private readonly PortalFactory portal = new() { Licenses = 50 };
    private static readonly System.Security.Claims.ClaimsPrincipal Sales = TestData.As(Roles.Sales);

    /// <summary>Another rep: the author of a quote does not accept it alone.</summary>
    private static readonly System.Security.Claims.ClaimsPrincipal Colleague = TestData.As(
        Roles.Sales,
        "colleague@demo.licenseportal.test"
    );
    private QuoteService Quotes => portal.Service<QuoteService>();

    public ValueTask InitializeAsync()
    {
        _ = portal.Server;
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => portal.DisposeAsync();

    private async Task<QuoteRequestLine> ToAsync(License license, string edition, string level, bool failover = false)
    {
        var (e, l) = await portal.ConfigAsync("SmarterMail", edition, level);
        return new QuoteRequestLine(license.Id, e.Id, l.Id, failover);
    }

    [Fact]
    public async Task Same_major_upgrade_costs_the_difference_on_that_majors_list()
    {
        var customer = await portal.NewCustomerAsync();
        var license = await portal.NewLicenseAsync(customer.Id);
        var from = await portal.PriceAsync("SmarterMail", 12, "Professional", "250 mailboxes");
        var to = await portal.PriceAsync("SmarterMail", 12, "Enterprise", "250 mailboxes");

        var id = await Quotes.CreateDraftAsync(Sales, customer.Id, [await ToAsync(license, "Enterprise", "250 mailboxes")], 30, null);

        var quote = await Quotes.GetAsync(id);
        Assert.Equal(to.LicensePrice - from.LicensePrice, quote.Total);
        Assert.Matches(@"^Q-2026-\d{6}$", quote.Number);
        Assert.Equal((new DateOnly(2026, 11, 26), new DateOnly(2026, 12, 25)), (quote.QuoteDate, quote.ValidUntil));
        Assert.Equal(QuoteStatus.Draft, quote.Status);
        Assert.Equal("Test Sales", quote.SalesRepName);
    }

    [Fact]
    public async Task Adding_failover_costs_the_add_on()
    {
        var customer = await portal.NewCustomerAsync();
        var license = await portal.NewLicenseAsync(customer.Id);
        var entry = await portal.PriceAsync("SmarterMail", 12, "Professional", "250 mailboxes");

        var preview = await Quotes.PreviewAsync(
            Sales,
            customer.Id,
            [await ToAsync(license, "Professional", "250 mailboxes", failover: true)]
        );

        Assert.Equal(entry.FailoverPrice, Assert.Single(preview).Price!.Total);
    }

    [Fact]
    public async Task Cross_major_with_current_protection_is_free_then_priced_on_the_current_list()
    {
        var customer = await portal.NewCustomerAsync();
        var license = await portal.NewLicenseAsync(customer.Id, major: 11, protection: new DateOnly(2027, 2, 1));
        var from = await portal.PriceAsync("SmarterMail", 12, "Professional", "250 mailboxes");
        var to = await portal.PriceAsync("SmarterMail", 12, "Enterprise", "250 mailboxes");

        var item = Assert.Single(await Quotes.PreviewAsync(Sales, customer.Id, [await ToAsync(license, "Enterprise", "250 mailboxes")]));

        Assert.Equal(to.LicensePrice - from.LicensePrice, item.Price!.Total);
        Assert.Equal(0m, item.Price.Lines[0].Amount);
        Assert.Contains("Covered by upgrade protection, current until 2027-02-01", item.Price.Lines[0].Reason);
    }

    [Fact]
    public async Task Cross_major_without_protection_reinstates_it_at_the_current_majors_price()
    {
        var customer = await portal.NewCustomerAsync();
        var license = await portal.NewLicenseAsync(customer.Id, major: 11, protection: new DateOnly(2025, 6, 30));
        var from = await portal.PriceAsync("SmarterMail", 12, "Professional", "250 mailboxes");
        var to = await portal.PriceAsync("SmarterMail", 12, "Enterprise", "250 mailboxes");

        var id = await Quotes.CreateDraftAsync(Sales, customer.Id, [await ToAsync(license, "Enterprise", "250 mailboxes")], 30, null);
        await Quotes.AcceptAsync(Colleague, id);

        var quote = await Quotes.GetAsync(id);
        Assert.Equal(from.ProtectionPrice + to.LicensePrice - from.LicensePrice, quote.Total);
        await using var db = await portal.DbAsync();
        var upgraded = await db.Licenses.SingleAsync(l => l.Id == license.Id);
        Assert.Equal((12, new DateOnly(2027, 11, 26)), (upgraded.Major, upgraded.ProtectionEndsOn));
    }

    [Fact]
    public async Task Refusals_are_shown_per_license_and_a_quote_with_one_cannot_be_saved()
    {
        var customer = await portal.NewCustomerAsync();
        var good = await portal.NewLicenseAsync(customer.Id);
        var down = await portal.NewLicenseAsync(customer.Id, edition: "Enterprise");
        var lines = new[] { await ToAsync(good, "Enterprise", "250 mailboxes"), await ToAsync(down, "Professional", "250 mailboxes") };

        var preview = await Quotes.PreviewAsync(Sales, customer.Id, lines);

        Assert.Null(preview[0].Problem);
        Assert.Equal("The edition can't go down from Enterprise to Professional: an upgrade only moves up.", preview[1].Problem);
        var error = await Assert.ThrowsAsync<DomainException>(() => Quotes.CreateDraftAsync(Sales, customer.Id, lines, 30, null));
        Assert.Contains("can't go down", error.Message);
        await using var db = await portal.DbAsync();
        Assert.False(await db.Quotes.AnyAsync(q => q.CustomerId == customer.Id));
    }

    [Fact]
    public async Task Another_customers_license_cannot_join_the_quote()
    {
        var customer = await portal.NewCustomerAsync();
        var other = await portal.NewCustomerAsync("Other Corp");
        var license = await portal.NewLicenseAsync(other.Id);

        var item = Assert.Single(await Quotes.PreviewAsync(Sales, customer.Id, [await ToAsync(license, "Enterprise", "250 mailboxes")]));
        Assert.Contains("belongs to another customer", item.Problem);
    }

    [Fact]
    public async Task Accepting_applies_every_upgrade_with_history_and_audit_rows()
    {
        var customer = await portal.NewCustomerAsync();
        var a = await portal.NewLicenseAsync(customer.Id);
        var b = await portal.NewLicenseAsync(customer.Id, level: "100 mailboxes");
        var id = await Quotes.CreateDraftAsync(
            Sales,
            customer.Id,
            [await ToAsync(a, "Enterprise", "250 mailboxes"), await ToAsync(b, "Professional", "500 mailboxes", true)],
            30,
            null
        );

        await Quotes.AcceptAsync(Colleague, id);

        await using var db = await portal.DbAsync();
        var (ent, l250) = await portal.ConfigAsync("SmarterMail", "Enterprise", "250 mailboxes");
        var (_, l500) = await portal.ConfigAsync("SmarterMail", "Professional", "500 mailboxes");
        var la = await db.Licenses.SingleAsync(l => l.Id == a.Id);
        var lb = await db.Licenses.SingleAsync(l => l.Id == b.Id);
        Assert.Equal((ent.Id, l250.Id, false), (la.EditionId, la.LevelId, la.HasFailover));
        Assert.Equal((l500.Id, true), (lb.LevelId, lb.HasFailover));
        var quote = await Quotes.GetAsync(id);
        Assert.Equal(QuoteStatus.Accepted, quote.Status);
        Assert.Equal(
            2,
            await db.LicenseEvents.CountAsync(e => (e.LicenseId == a.Id || e.LicenseId == b.Id) && e.Kind == LicenseEventKinds.Upgraded)
        );
        Assert.Contains(quote.Number, (await db.LicenseEvents.FirstAsync(e => e.LicenseId == a.Id)).Description);
        Assert.Equal(2, await db.AuditLog.CountAsync(x => x.Action == "License upgraded"));
        Assert.Equal(1, await db.AuditLog.CountAsync(x => x.Action == "Quote accepted" && x.EntityId == quote.Number));
    }

    [Fact]
    public async Task A_license_changed_after_the_quote_refuses_acceptance_and_changes_nothing()
    {
        var customer = await portal.NewCustomerAsync();
        var a = await portal.NewLicenseAsync(customer.Id);
        var b = await portal.NewLicenseAsync(customer.Id);
        var id = await Quotes.CreateDraftAsync(
            Sales,
            customer.Id,
            [await ToAsync(a, "Enterprise", "250 mailboxes"), await ToAsync(b, "Enterprise", "250 mailboxes")],
            30,
            null
        );
        await using (var db = await portal.DbAsync())
        {
            (await db.Licenses.SingleAsync(l => l.Id == b.Id)).HasFailover = true;
            await db.SaveChangesAsync();
        }

        var error = await Assert.ThrowsAsync<DomainException>(() => Quotes.AcceptAsync(Colleague, id));

        Assert.Contains($"License {b.Key} has changed since quote", error.Message);
        await using var check = await portal.DbAsync();
        Assert.Equal(a.EditionId, (await check.Licenses.SingleAsync(l => l.Id == a.Id)).EditionId);
        Assert.Equal(QuoteStatus.Draft, (await Quotes.GetAsync(id)).Status);
    }

    [Fact]
    public async Task A_quote_past_its_validity_reads_expired_and_cannot_be_accepted_or_sent()
    {
        var customer = await portal.NewCustomerAsync();
        var license = await portal.NewLicenseAsync(customer.Id);
        var id = await Quotes.CreateDraftAsync(Sales, customer.Id, [await ToAsync(license, "Enterprise", "250 mailboxes")], 30, null);

        portal.Clock.Advance(TimeSpan.FromDays(29));
        Assert.Equal(QuoteStatus.Draft, (await Quotes.GetAsync(id)).StateOn(Quotes.Today));
        portal.Clock.Advance(TimeSpan.FromDays(1));

        Assert.Equal(QuoteStatus.Expired, (await Quotes.GetAsync(id)).StateOn(Quotes.Today));
        var refusal = await Assert.ThrowsAsync<DomainException>(() => Quotes.AcceptAsync(Colleague, id));
        Assert.Contains("expired on 2026-12-26", refusal.Message);
        await Assert.ThrowsAsync<DomainException>(() => Quotes.SendAsync(Sales, id, "it@acme.example"));
        var expired = await Quotes.ListAsync(
            new QuoteFilter(Status: QuoteStatus.Expired, CustomerId: customer.Id),
            new PageRequest(0, 10, null, false)
        );
        Assert.Equal(QuoteStatus.Expired, Assert.Single(expired.Rows).State);
    }

    [Fact]
    public async Task Sending_queues_the_email_with_the_pdf_and_the_dispatcher_delivers_it_to_the_pickup_folder()
    {
        var customer = await portal.NewCustomerAsync();
        var license = await portal.NewLicenseAsync(customer.Id);
        var id = await Quotes.CreateDraftAsync(Sales, customer.Id, [await ToAsync(license, "Enterprise", "250 mailboxes")], 30, null);

        await Quotes.SendAsync(Sales, id, "buyer@acme.example");
        var quote = await Quotes.GetAsync(id);
        await portal.DeliveredAsync($"Quote {quote.Number}");

        Assert.Equal((QuoteStatus.Sent, "buyer@acme.example"), (quote.Status, quote.SentTo));
        await using var db = await portal.DbAsync();
        var message = await db.Outbox.SingleAsync(m => m.About == $"Quote {quote.Number}");
        Assert.Equal(
            (OutboxStatus.Sent, "buyer@acme.example", $"{quote.Number}.pdf"),
            (message.Status, message.To, message.AttachmentName)
        );
        Assert.StartsWith("%PDF", System.Text.Encoding.ASCII.GetString(message.Attachment!, 0, 4));
        var eml = Assert.Single(Directory.GetFiles(portal.MailFolder, "*.eml"));
        var text = await File.ReadAllTextAsync(eml);
        Assert.Contains("buyer@acme.example", text);
        Assert.Contains($"{quote.Number}.pdf", text);
    }

    [Fact]
    public async Task Cancelled_quotes_cannot_be_accepted()
    {
        var customer = await portal.NewCustomerAsync();
        var license = await portal.NewLicenseAsync(customer.Id);
        var id = await Quotes.CreateDraftAsync(Sales, customer.Id, [await ToAsync(license, "Enterprise", "250 mailboxes")], 30, null);

        await Quotes.CancelAsync(Sales, id);

        Assert.Contains("was cancelled", (await Assert.ThrowsAsync<DomainException>(() => Quotes.AcceptAsync(Colleague, id))).Message);
    }

    [Fact]
    public async Task Quote_numbers_count_up_without_gaps_or_repeats()
    {
        var customer = await portal.NewCustomerAsync();
        var license = await portal.NewLicenseAsync(customer.Id);
        var line = await ToAsync(license, "Enterprise", "250 mailboxes");

        var numbers = new List<string>();
        foreach (var _ in Enumerable.Range(0, 3))
            numbers.Add((await Quotes.GetAsync(await Quotes.CreateDraftAsync(Sales, customer.Id, [line], 30, null))).Number);

        var values = numbers.Select(n => int.Parse(n[^6..])).ToList();
        Assert.Equal([values[0], values[0] + 1, values[0] + 2], values);
    }

    [Fact]
    public async Task The_rep_who_wrote_a_quote_cannot_accept_it_alone_but_a_colleague_or_a_manager_can()
    {
        var customer = await portal.NewCustomerAsync();
        var license = await portal.NewLicenseAsync(customer.Id);
        var line = await ToAsync(license, "Enterprise", "250 mailboxes");
        var id = await Quotes.CreateDraftAsync(Sales, customer.Id, [line], 30, null);

        var refused = await Assert.ThrowsAsync<DomainException>(() => Quotes.AcceptAsync(Sales, id));
        Assert.Contains("another sales rep or a manager accepts it", refused.Message);
        Assert.Equal(QuoteStatus.Draft, (await Quotes.GetAsync(id)).Status);

        // A manager who wrote the quote may accept it: the manager is the second person.
        var manager = TestData.As(Roles.Manager);
        var own = await Quotes.CreateDraftAsync(manager, customer.Id, [line], 30, null);
        await Quotes.AcceptAsync(manager, own);
        Assert.Equal(QuoteStatus.Accepted, (await Quotes.GetAsync(own)).Status);
    }

    [Theory]
    [InlineData(Roles.Fraud)]
    [InlineData(Roles.Admin)]
    public async Task Other_roles_cannot_create_or_act_on_quotes(string role)
    {
        var user = TestData.As(role);
        var customer = await portal.NewCustomerAsync();
        var license = await portal.NewLicenseAsync(customer.Id);
        var line = await ToAsync(license, "Enterprise", "250 mailboxes");
        var id = await Quotes.CreateDraftAsync(Sales, customer.Id, [line], 30, null);

        await Assert.ThrowsAsync<DomainException>(() => Quotes.CreateDraftAsync(user, customer.Id, [line], 30, null));
        await Assert.ThrowsAsync<DomainException>(() => Quotes.PreviewAsync(user, customer.Id, [line]));
        await Assert.ThrowsAsync<DomainException>(() => Quotes.SendAsync(user, id, "x@example.com"));
        await Assert.ThrowsAsync<DomainException>(() => Quotes.AcceptAsync(user, id));
        await Assert.ThrowsAsync<DomainException>(() => Quotes.CancelAsync(user, id));
        await Assert.ThrowsAsync<DomainException>(() => Quotes.PdfAsync(user, id));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(366)]
    [InlineData(999)]
    public async Task A_validity_outside_1_to_365_days_is_refused_with_the_limit_and_no_quote_is_made(int days)
    {
        var customer = await portal.NewCustomerAsync();
        var license = await portal.NewLicenseAsync(customer.Id);

        var refused = await Assert.ThrowsAsync<DomainException>(async () =>
            await Quotes.CreateDraftAsync(Sales, customer.Id, [await ToAsync(license, "Enterprise", "250 mailboxes")], days, null)
        );

        Assert.Equal("A quote is valid for 1 to 365 days.", refused.Message);
        Assert.Equal(0, (await Quotes.ListAsync(new QuoteFilter(CustomerId: customer.Id), new PageRequest(0, 10, null, false))).Total);
    }

    [Fact]
    public async Task A_validity_of_365_days_is_accepted_as_typed()
    {
        var customer = await portal.NewCustomerAsync();
        var license = await portal.NewLicenseAsync(customer.Id);

        var id = await Quotes.CreateDraftAsync(Sales, customer.Id, [await ToAsync(license, "Enterprise", "250 mailboxes")], 365, null);

        Assert.Equal(new DateOnly(2027, 11, 25), (await Quotes.GetAsync(id)).ValidUntil);
    }

    [Theory]
    [InlineData("notes")]
    [InlineData("email address")]
    public async Task Typed_text_over_its_limit_is_refused_without_writing_and_at_its_limit_is_kept_whole(string field)
    {
        var customer = await portal.NewCustomerAsync();
        var license = await portal.NewLicenseAsync(customer.Id);
        var line = await ToAsync(license, "Enterprise", "250 mailboxes");
        var draft = field == "notes" ? 0 : await Quotes.CreateDraftAsync(Sales, customer.Id, [line], 30, null);

        if (field == "notes")
            await portal.RefusedOverAndKeptWholeAtAsync(
                field,
                QuoteTermsForm.MaxNotesLength,
                t => Quotes.CreateDraftAsync(Sales, customer.Id, [line], 30, t),
                db => db.Quotes.Where(q => q.CustomerId == customer.Id).Select(q => q.Notes).FirstOrDefaultAsync()
            );
        else
            await portal.RefusedOverAndKeptWholeAtAsync(
                field,
                QuoteTermsForm.MaxEmailLength,
                t => Quotes.SendAsync(Sales, draft, t),
                db => db.Quotes.Where(q => q.Id == draft).Select(q => q.SentTo).SingleAsync(),
                n => new string('a', n - "@acme.example".Length) + "@acme.example"
            );
    }
}
