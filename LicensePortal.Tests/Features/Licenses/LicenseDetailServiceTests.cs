using LicensePortal.Data.Demo;
using LicensePortal.Features.Licenses;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Tests.Features.Licenses;

public class LicenseDetailServiceTests : IAsyncLifetime
{
    private readonly PortalFactory portal = new() { Licenses = 450 };
    private LicenseDetailService Details => portal.Service<LicenseDetailService>();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => portal.DisposeAsync();

    private async Task<IssueLicenseForm> FormAsync(int major = 12, string edition = "Professional", string level = "250 mailboxes")
    {
        var (e, l) = await portal.ConfigAsync("SmarterMail", edition, level);
        return new IssueLicenseForm
        {
            ProductId = e.ProductId,
            Major = major,
            EditionId = e.Id,
            LevelId = l.Id,
            PricePaid = 499m,
            ProtectionMonths = 12,
        };
    }

    [Fact]
    public async Task Issuing_a_license_gives_it_a_random_readable_key_a_history_entry_and_an_audit_row()
    {
        var customer = await portal.NewCustomerAsync();

        var form = await FormAsync();
        form.PricePaid = 548m; // the demo list price of SmarterMail 12.x Professional 250

        var id = await Details.IssueAsync(TestData.As(Roles.Sales), customer.Id, form);

        var detail = await Details.DetailAsync(id, TestData.As(Roles.Sales));
        Assert.Equal(detail.License.Key, LicenseKey.Normalize(detail.License.Key));
        Assert.Equal(
            (new DateOnly(2026, 11, 26), new DateOnly(2027, 11, 26), 548m),
            (detail.License.PurchasedOn, detail.License.ProtectionEndsOn, detail.License.PricePaid)
        );
        Assert.Contains(detail.Timeline, t => t.Kind == LicenseEventKinds.Issued && t.UserName == "sales@demo.licenseportal.test");
        Assert.Equal("Next major free until 2027-11-26 with upgrade protection.", detail.Entitlement.Lines[1]);
        await using var db = await portal.DbAsync();
        Assert.True(await db.AuditLog.AnyAsync(a => a.Action == "License issued" && a.EntityId == detail.License.Key));
    }

    [Fact]
    public async Task Fraud_sees_no_quote_numbers_or_totals_on_the_license_page_which_sales_and_managers_do()
    {
        var customer = await portal.NewCustomerAsync();
        var license = await portal.NewLicenseAsync(customer.Id);
        var (e, l) = await portal.ConfigAsync("SmarterMail", "Enterprise", "250 mailboxes");
        var quotes = portal.Service<LicensePortal.Features.Quotes.QuoteService>();
        var sales = TestData.As(Roles.Sales);
        var quoteId = await quotes.CreateDraftAsync(sales, customer.Id, [new(license.Id, e.Id, l.Id, false)], 30, null);
        await quotes.AcceptAsync(TestData.As(Roles.Manager), quoteId);
        var number = (await quotes.GetAsync(quoteId)).Number;

        var forFraud = await Details.DetailAsync(license.Id, TestData.As(Roles.Fraud));
        var forManager = await Details.DetailAsync(license.Id, TestData.As(Roles.Manager));

        Assert.Empty(forFraud.Quotes);
        var upgraded = Assert.Single(forFraud.Timeline, t => t.Kind == LicenseEventKinds.Upgraded);
        Assert.DoesNotContain(number, upgraded.Description);
        Assert.DoesNotContain("$", upgraded.Description);
        Assert.EndsWith("Enterprise 250 mailboxes.", upgraded.Description);
        Assert.Equal(number, Assert.Single(forManager.Quotes).Number);
        Assert.Contains(number, Assert.Single(forManager.Timeline, t => t.Kind == LicenseEventKinds.Upgraded).Description);
    }

    [Theory]
    [InlineData(10, "Professional", "250 mailboxes", "legacy and no longer sold")]
    [InlineData(13, "Professional", "250 mailboxes", "has not been released")]
    [InlineData(12, "Free", "250 mailboxes", "does not sell that edition at that level")]
    public async Task Licenses_that_cannot_be_sold_are_refused(int major, string edition, string level, string message)
    {
        var customer = await portal.NewCustomerAsync();
        var error = await Assert.ThrowsAsync<DomainException>(async () =>
            await Details.IssueAsync(TestData.As(Roles.Sales), customer.Id, await FormAsync(major, edition, level))
        );
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public async Task Protection_of_61_months_and_a_negative_price_are_refused_together_with_their_limits()
    {
        var customer = await portal.NewCustomerAsync();
        var form = await FormAsync();
        form.ProtectionMonths = 61;
        form.PricePaid = -1m;

        var error = await Assert.ThrowsAsync<DomainException>(async () =>
            await Details.IssueAsync(TestData.As(Roles.Sales), customer.Id, form)
        );

        Assert.Equal("The price paid is $0.00 to $10,000,000.00. Upgrade protection is 0 to 60 months.", error.Message);
    }

    [Theory]
    [InlineData(0, 12)]
    [InlineData(1, 12)]
    [InlineData(499, 60)]
    public async Task A_license_below_list_price_or_with_extra_protection_is_issued_by_a_manager_not_by_sales(decimal below, int months)
    {
        var customer = await portal.NewCustomerAsync();
        var form = await FormAsync();
        var list = (await Details.ListPriceAsync(form.ProductId, form.Major, form.EditionId, form.LevelId, false))!.Value;
        form.PricePaid = below == 499 ? list : below;
        form.ProtectionMonths = months;

        var refused = await Assert.ThrowsAsync<DomainException>(() => Details.IssueAsync(TestData.As(Roles.Sales), customer.Id, form));
        Assert.Contains(
            below == 499
                ? "60 months of upgrade protection is more than the 12 a sale includes"
                : $"below this license's list price of {list.Usd()}",
            refused.Message
        );
        Assert.Contains("a manager issues such a license", refused.Message);
        await using (var db = await portal.DbAsync())
            Assert.False(await db.Licenses.AnyAsync(l => l.CustomerId == customer.Id));

        var id = await Details.IssueAsync(TestData.As(Roles.Manager), customer.Id, form);
        await using var check = await portal.DbAsync();
        var key = (await check.Licenses.SingleAsync(l => l.Id == id)).Key;
        Assert.Contains("\"ApprovedByManager\":true", (await check.AuditLog.SingleAsync(a => a.EntityId == key)).After);
    }

    [Fact]
    public async Task A_license_at_list_price_with_a_years_protection_is_issued_by_sales()
    {
        var customer = await portal.NewCustomerAsync();
        var form = await FormAsync();
        form.PricePaid = (await Details.ListPriceAsync(form.ProductId, form.Major, form.EditionId, form.LevelId, false))!.Value;

        Assert.True(await Details.IssueAsync(TestData.As(Roles.Sales), customer.Id, form) > 0);
    }

    [Fact]
    public async Task The_fraud_team_cannot_issue_licenses()
    {
        var customer = await portal.NewCustomerAsync();
        await Assert.ThrowsAsync<DomainException>(async () =>
            await Details.IssueAsync(TestData.As(Roles.Fraud), customer.Id, await FormAsync())
        );
    }

    [Fact]
    public async Task The_csv_export_streams_exactly_the_filtered_rows()
    {
        var list = await portal
            .Service<LicenseService>()
            .ListAsync(new LicenseFilter { Edition = "Enterprise", HasFailover = true }, new PageRequest(0, 200, null, false));
        var client = await portal.SignedInAsync(DemoSeeder.Users[0].Email);

        var response = await client.GetAsync("/licenses/export.csv?edition=Enterprise&failover=true");

        Assert.Equal("text/csv; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        var lines = (await response.Content.ReadAsStringAsync()).TrimEnd().Split('\n');
        Assert.StartsWith("key,customer,product,major,edition,level,failover", lines[0]);
        Assert.Equal(list.Total, lines.Length - 1);
        Assert.All(lines.Skip(1), l => Assert.Contains(",Enterprise,", l));
        Assert.Equal(list.Rows.Select(r => r.Key), lines.Skip(1).Select(l => l.Split(',')[0]));
    }

    [Fact]
    public async Task The_csv_export_neutralises_a_customer_name_a_spreadsheet_would_run_as_a_formula()
    {
        var customer = await portal.NewCustomerAsync("=HYPERLINK(\"http://evil.example\",\"Open\")");
        var license = await portal.NewLicenseAsync(customer.Id);
        var client = await portal.SignedInAsync(DemoSeeder.Users[0].Email);

        var lines = (await client.GetStringAsync($"/licenses/export.csv?customer={customer.Id}")).TrimEnd().Split('\n');

        Assert.Equal(2, lines.Length);
        Assert.StartsWith($"{license.Key},\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"Open\"\")\",", lines[1]);
    }

    [Fact]
    public async Task The_csv_export_of_every_license_runs_past_a_page_and_keeps_every_row_once()
    {
        var total = (await portal.Service<LicenseService>().ListAsync(new LicenseFilter(), new PageRequest(0, 1, null, false))).Total;
        var client = await portal.SignedInAsync(DemoSeeder.Users[0].Email);

        var lines = (await client.GetStringAsync("/licenses/export.csv")).TrimEnd().Split('\n').Skip(1).ToList();

        Assert.True(total > PageRequest.MaxPageSize);
        Assert.Equal(total, lines.Count);
        Assert.Equal(total, lines.Select(l => l.Split(',')[0]).Distinct().Count());
    }

    [Fact]
    public async Task The_license_page_shows_its_installations_and_standing()
    {
        await using var db = await portal.DbAsync();
        var withTwo = await db.Installations.GroupBy(i => i.LicenseId).Where(g => g.Count() == 2).Select(g => g.Key).FirstAsync();

        var detail = await Details.DetailAsync(withTwo, TestData.As(Roles.Sales));

        Assert.Equal(2, detail.Installations.Count);
        Assert.Equal(
            detail.Installations.Count(i => i.State == LicensePortal.Features.Installations.InstallationState.Active),
            detail.Standing.ActiveInstallations
        );
        Assert.Contains(detail.Timeline, t => t.Kind == "Installed");
    }
}
