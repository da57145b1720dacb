using LicensePortal.Features.Licenses;
using LicensePortal.Features.Licensing;
using LicensePortal.Features.Quotes;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Tests.Features.Quotes;

/// <summary>Major steps and protection renewals as quote lines, accepted over weeks and months of the fake clock.</summary>
public class QuoteRenewalTests : IAsyncLifetime
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

    private static QuoteRequestLine Renewal(License l) => new(l.Id, l.EditionId, l.LevelId, l.HasFailover, RenewProtection: true);

    private static QuoteRequestLine MajorStep(License l) => new(l.Id, l.EditionId, l.LevelId, l.HasFailover, ToCurrentMajor: true);

    private async Task<License> ReloadAsync(License l)
    {
        await using var db = await portal.DbAsync();
        return await db.Licenses.AsNoTracking().SingleAsync(x => x.Id == l.Id);
    }

    private async Task<int> QuoteAndAcceptAsync(int customerId, params QuoteRequestLine[] lines)
    {
        var id = await Quotes.CreateDraftAsync(Sales, customerId, lines, 30, null);
        await Quotes.AcceptAsync(Colleague, id);
        return id;
    }

    /// <summary>Moves the clock to noon UTC on the date (morning in the vendor's Phoenix).</summary>
    private void GoTo(DateOnly date) =>
        portal.Clock.Advance(date.ToDateTime(new TimeOnly(12, 0), DateTimeKind.Utc) - portal.Clock.GetUtcNow().UtcDateTime);

    [Fact]
    public async Task A_plain_major_step_with_current_protection_is_free_and_moves_the_license_on_acceptance()
    {
        var customer = await portal.NewCustomerAsync();
        var license = await portal.NewLicenseAsync(customer.Id, major: 11, protection: new DateOnly(2027, 2, 1));

        var id = await QuoteAndAcceptAsync(customer.Id, MajorStep(license));

        var quote = await Quotes.GetAsync(id);
        var line = Assert.Single(Assert.Single(quote.Items).Lines);
        Assert.Equal((QuoteLineKind.MajorUpgrade, 0m, 0m), (line.Kind, line.Amount, quote.Total));
        Assert.Equal("11.x Professional 250 mailboxes → 12.x Professional 250 mailboxes", quote.Items[0].Summary());
        var moved = await ReloadAsync(license);
        Assert.Equal(
            (12, license.EditionId, license.LevelId, new DateOnly(2027, 2, 1)),
            (moved.Major, moved.EditionId, moved.LevelId, moved.ProtectionEndsOn)
        );
        await using var db = await portal.DbAsync();
        var history = await db.LicenseEvents.SingleAsync(e => e.LicenseId == license.Id);
        Assert.Equal(LicenseEventKinds.Upgraded, history.Kind);
        Assert.Equal($"Moved from 11.x to 12.x (Professional 250 mailboxes) by quote {quote.Number} ($0.00).", history.Description);
        Assert.Equal(1, await db.AuditLog.CountAsync(a => a.Action == "License upgraded" && a.EntityId == license.Key));
        Assert.Equal(0, await db.AuditLog.CountAsync(a => a.Action == "Upgrade protection renewed" && a.EntityId == license.Key));
    }

    [Fact]
    public async Task A_plain_major_step_without_protection_reinstates_it_from_the_acceptance_date()
    {
        var customer = await portal.NewCustomerAsync();
        var license = await portal.NewLicenseAsync(customer.Id, major: 10, level: "500 mailboxes", protection: new DateOnly(2025, 6, 30));
        var protection = (await portal.PriceAsync("SmarterMail", 12, "Professional", "500 mailboxes")).ProtectionPrice;
        var id = await Quotes.CreateDraftAsync(Sales, customer.Id, [MajorStep(license)], 30, null);

        GoTo(new DateOnly(2026, 12, 10));
        await Quotes.AcceptAsync(Colleague, id);

        var quote = await Quotes.GetAsync(id);
        Assert.Equal(protection, quote.Total);
        Assert.True(quote.Items[0].RenewsProtection);
        var moved = await ReloadAsync(license);
        Assert.Equal((12, new DateOnly(2027, 12, 10)), (moved.Major, moved.ProtectionEndsOn));
        await using var db = await portal.DbAsync();
        var renewed = await db.LicenseEvents.SingleAsync(e => e.LicenseId == license.Id && e.Kind == LicenseEventKinds.ProtectionRenewed);
        Assert.Equal(
            $"Upgrade protection until 2027-12-10, reinstated: it lapsed on 2025-06-30, so it runs from 2026-12-10, by quote "
                + $"{quote.Number} (with the major upgrade).",
            renewed.Description
        );
    }

    [Fact]
    public async Task Renewing_before_protection_lapses_runs_on_from_the_old_end_date()
    {
        var customer = await portal.NewCustomerAsync();
        var license = await portal.NewLicenseAsync(customer.Id, protection: new DateOnly(2027, 1, 15));
        var protection = (await portal.PriceAsync("SmarterMail", 12, "Professional", "250 mailboxes")).ProtectionPrice;

        var id = await QuoteAndAcceptAsync(customer.Id, Renewal(license));

        var quote = await Quotes.GetAsync(id);
        var line = Assert.Single(quote.Items[0].Lines);
        Assert.Equal((QuoteLineKind.ProtectionRenewal, protection, protection), (line.Kind, line.Amount, quote.Total));
        Assert.Equal("12.x Professional 250 mailboxes · upgrade protection renewed", quote.Items[0].Summary());
        var renewed = await ReloadAsync(license);
        Assert.Equal((12, license.EditionId, new DateOnly(2028, 1, 15)), (renewed.Major, renewed.EditionId, renewed.ProtectionEndsOn));
        await using var db = await portal.DbAsync();
        var history = await db.LicenseEvents.SingleAsync(e => e.LicenseId == license.Id);
        Assert.Equal(LicenseEventKinds.ProtectionRenewed, history.Kind);
        Assert.Equal(
            $"Upgrade protection until 2028-01-15, renewed before it lapsed: on from 2027-01-15, by quote {quote.Number} "
                + $"({protection.Usd()}).",
            history.Description
        );
        var audit = await db.AuditLog.SingleAsync(a => a.Action == "Upgrade protection renewed" && a.EntityId == license.Key);
        Assert.Contains("2027-01-15", audit.Before);
        Assert.Contains("2028-01-15", audit.After);
        Assert.Equal(0, await db.AuditLog.CountAsync(a => a.Action == "License upgraded" && a.EntityId == license.Key));
    }

    [Fact]
    public async Task A_renewal_quoted_before_the_end_date_but_accepted_after_runs_from_the_acceptance_date()
    {
        var customer = await portal.NewCustomerAsync();
        var license = await portal.NewLicenseAsync(customer.Id, protection: new DateOnly(2026, 12, 5));
        var id = await Quotes.CreateDraftAsync(Sales, customer.Id, [Renewal(license)], 30, null);
        Assert.Equal(new DateOnly(2027, 12, 5), (await Quotes.GetAsync(id)).Items[0].ProtectionEndsOnAfter);

        GoTo(new DateOnly(2026, 12, 10));
        await Quotes.AcceptAsync(Colleague, id);

        Assert.Equal(new DateOnly(2027, 12, 10), (await ReloadAsync(license)).ProtectionEndsOn);
    }

    [Fact]
    public async Task The_end_date_is_the_vendors_day_even_when_it_is_already_the_next_day_in_UTC()
    {
        var customer = await portal.NewCustomerAsync();
        var license = await portal.NewLicenseAsync(customer.Id, protection: new DateOnly(2026, 12, 5));
        var id = await Quotes.CreateDraftAsync(Sales, customer.Id, [Renewal(license)], 30, null);

        // 03:00 UTC on 6 December is 20:00 on 5 December in Phoenix: still the end date there.
        GoTo(new DateOnly(2026, 12, 6));
        portal.Clock.Advance(TimeSpan.FromHours(-9));
        await Quotes.AcceptAsync(Colleague, id);

        Assert.Equal(new DateOnly(2027, 12, 5), (await ReloadAsync(license)).ProtectionEndsOn);
    }

    [Fact]
    public async Task Renewing_twice_early_adds_two_years_and_a_late_renewal_a_year_from_its_day()
    {
        var customer = await portal.NewCustomerAsync();
        var license = await portal.NewLicenseAsync(customer.Id, protection: new DateOnly(2027, 1, 15));

        await QuoteAndAcceptAsync(customer.Id, Renewal(license));
        license = await ReloadAsync(license);
        GoTo(new DateOnly(2027, 3, 1));
        await QuoteAndAcceptAsync(customer.Id, Renewal(license));
        license = await ReloadAsync(license);
        Assert.Equal(new DateOnly(2029, 1, 15), license.ProtectionEndsOn);

        // Months go by and it lapses; renewed late, the year starts on the day it is accepted.
        GoTo(new DateOnly(2029, 4, 20));
        await QuoteAndAcceptAsync(customer.Id, Renewal(license));

        Assert.Equal(new DateOnly(2030, 4, 20), (await ReloadAsync(license)).ProtectionEndsOn);
        await using var db = await portal.DbAsync();
        Assert.Equal(3, await db.LicenseEvents.CountAsync(e => e.LicenseId == license.Id && e.Kind == LicenseEventKinds.ProtectionRenewed));
        Assert.Equal(3, await db.AuditLog.CountAsync(a => a.Action == "Upgrade protection renewed" && a.EntityId == license.Key));
    }

    [Fact]
    public async Task An_upgrade_and_a_renewal_of_one_license_are_applied_together_with_a_row_each()
    {
        var customer = await portal.NewCustomerAsync();
        var license = await portal.NewLicenseAsync(customer.Id, major: 11, protection: new DateOnly(2027, 1, 15));
        var (ent, l250) = await portal.ConfigAsync("SmarterMail", "Enterprise", "250 mailboxes");
        var from = await portal.PriceAsync("SmarterMail", 12, "Professional", "250 mailboxes");
        var to = await portal.PriceAsync("SmarterMail", 12, "Enterprise", "250 mailboxes");

        var id = await QuoteAndAcceptAsync(customer.Id, new QuoteRequestLine(license.Id, ent.Id, l250.Id, false, RenewProtection: true));

        var quote = await Quotes.GetAsync(id);
        Assert.Equal(
            [0m, to.LicensePrice - from.LicensePrice, to.ProtectionPrice],
            quote.Items[0].Lines.OrderBy(l => l.Position).Select(l => l.Amount)
        );
        var after = await ReloadAsync(license);
        Assert.Equal((12, ent.Id, new DateOnly(2028, 1, 15)), (after.Major, after.EditionId, after.ProtectionEndsOn));
        await using var db = await portal.DbAsync();
        Assert.Equal(
            [LicenseEventKinds.ProtectionRenewed, LicenseEventKinds.Upgraded],
            (await db.LicenseEvents.Where(e => e.LicenseId == license.Id).Select(e => e.Kind).ToListAsync()).Order()
        );
    }

    [Fact]
    public async Task A_changed_license_refuses_the_whole_quote_and_no_renewal_is_applied()
    {
        var customer = await portal.NewCustomerAsync();
        var a = await portal.NewLicenseAsync(customer.Id, protection: new DateOnly(2027, 1, 15));
        var b = await portal.NewLicenseAsync(customer.Id, protection: new DateOnly(2027, 1, 20));
        var id = await Quotes.CreateDraftAsync(Sales, customer.Id, [Renewal(a), Renewal(b)], 30, null);
        await using (var db = await portal.DbAsync())
        {
            (await db.Licenses.SingleAsync(l => l.Id == b.Id)).HasFailover = true;
            await db.SaveChangesAsync();
        }

        await Assert.ThrowsAsync<DomainException>(() => Quotes.AcceptAsync(Colleague, id));

        Assert.Equal(new DateOnly(2027, 1, 15), (await ReloadAsync(a)).ProtectionEndsOn);
        await using var check = await portal.DbAsync();
        Assert.False(await check.LicenseEvents.AnyAsync(e => e.LicenseId == a.Id));
    }

    [Fact]
    public async Task The_builder_offers_each_licenses_protection_and_current_major()
    {
        var customer = await portal.NewCustomerAsync();
        var old = await portal.NewLicenseAsync(customer.Id, major: 11, protection: new DateOnly(2027, 1, 15));

        var (_, candidates) = await Quotes.CandidatesAsync(Sales, customer.Id);

        var c = Assert.Single(candidates);
        Assert.Equal((old.Id, 11, 12, (DateOnly?)new DateOnly(2027, 1, 15)), (c.LicenseId, c.Major, c.CurrentMajor, c.ProtectionEndsOn));
        Assert.Equal(Renewal(old), c.Renewal);
    }

    [Theory]
    [InlineData(Roles.Fraud)]
    [InlineData(Roles.Admin)]
    public async Task Other_roles_cannot_list_candidates_or_price_renewals(string role)
    {
        var customer = await portal.NewCustomerAsync();
        var license = await portal.NewLicenseAsync(customer.Id, protection: new DateOnly(2027, 1, 15));

        await Assert.ThrowsAsync<DomainException>(() => Quotes.CandidatesAsync(TestData.As(role), customer.Id));
        await Assert.ThrowsAsync<DomainException>(() => Quotes.PreviewAsync(TestData.As(role), customer.Id, [Renewal(license)]));
        await Assert.ThrowsAsync<DomainException>(() =>
            Quotes.CreateDraftAsync(TestData.As(role), customer.Id, [Renewal(license)], 30, null)
        );
    }

    [Theory]
    [InlineData(10, "2027-12-15", "2027-12-10")]
    [InlineData(20, "2027-12-20", "2027-12-20")]
    public async Task The_worked_example_of_the_rules_page_holds(int acceptedInDecember, string aEndsOn, string cEndsOn)
    {
        var customer = await portal.NewCustomerAsync("Worked Example Hosting");
        var a = await portal.NewLicenseAsync(customer.Id, protection: new DateOnly(2026, 12, 15));
        var b = await portal.NewLicenseAsync(customer.Id, major: 11, level: "500 mailboxes", protection: new DateOnly(2027, 1, 5));
        var c = await portal.NewLicenseAsync(customer.Id, major: 10, protection: new DateOnly(2025, 6, 30));
        var (ent, l250) = await portal.ConfigAsync("SmarterMail", "Enterprise", "250 mailboxes");

        var id = await Quotes.CreateDraftAsync(
            Sales,
            customer.Id,
            [Renewal(a), MajorStep(b), new QuoteRequestLine(c.Id, ent.Id, l250.Id, false)],
            30,
            null
        );
        var quote = await Quotes.GetAsync(id);
        Assert.Equal([137m, 0m, 137m, 549m], quote.Items.SelectMany(i => i.Lines.OrderBy(l => l.Position)).Select(l => l.Amount));
        Assert.Equal((823m, new DateOnly(2026, 12, 25)), (quote.Total, quote.ValidUntil));

        GoTo(new DateOnly(2026, 12, acceptedInDecember));
        await Quotes.AcceptAsync(Colleague, id);

        Assert.Equal(DateOnly.Parse(aEndsOn), (await ReloadAsync(a)).ProtectionEndsOn);
        Assert.Equal((12, new DateOnly(2027, 1, 5)), ((await ReloadAsync(b)).Major, (await ReloadAsync(b)).ProtectionEndsOn));
        var upgraded = await ReloadAsync(c);
        Assert.Equal((12, ent.Id, DateOnly.Parse(cEndsOn)), (upgraded.Major, upgraded.EditionId, upgraded.ProtectionEndsOn));
    }
}
