using LicensePortal.Data.Demo;
using LicensePortal.Features.Customers;
using LicensePortal.Features.Fraud;
using LicensePortal.Features.Licenses;
using LicensePortal.Features.Transfers;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Tests.Features.Transfers;

public class TransferServiceTests : IAsyncLifetime
{
    private readonly PortalFactory portal = new() { Licenses = 10 };
    private static readonly System.Security.Claims.ClaimsPrincipal Sales = TestData.As(Roles.Sales, DemoSeeder.Users[0].Email);
    private static readonly System.Security.Claims.ClaimsPrincipal Manager = TestData.As(Roles.Manager, DemoSeeder.Users[2].Email);
    private TransferService Transfers => portal.Service<TransferService>();
    private License license = null!;
    private int buyer;

    public async ValueTask InitializeAsync()
    {
        var seller = await portal.NewCustomerAsync("Seller Hosting Ltd");
        buyer = (await portal.NewCustomerAsync("Buyer Networks GmbH")).Id;
        license = await portal.NewLicenseAsync(seller.Id);
    }

    public ValueTask DisposeAsync() => portal.DisposeAsync();

    [Fact]
    public async Task A_manager_other_than_the_requester_approves_and_the_owner_changes_with_letter_audit_and_emails()
    {
        var id = await Transfers.RequestAsync(Sales, license.Id, buyer, null, TransferKind.Transfer, "Company sold its mail business");

        await Transfers.ApproveAsync(Manager, id, "Checked the sale contract");

        await using var db = await portal.DbAsync();
        var request = await db.TransferRequests.SingleAsync(t => t.Id == id);
        Assert.Equal(TransferStatus.Approved, request.Status);
        Assert.Matches(@"^TC-2026-\d{5}$", request.Reference);
        Assert.Equal(("Maria Keller", "Licensing Manager"), (request.DecidedByName, request.DecidedByTitle));
        Assert.Equal(buyer, (await db.Licenses.SingleAsync(l => l.Id == license.Id)).CustomerId);
        Assert.Equal(
            ["Transfer requested", "Transfer approved", "Consent letter issued"],
            await db
                .AuditLog.Where(a => a.Action.StartsWith("Transfer") || a.Action == "Consent letter issued")
                .OrderBy(a => a.Id)
                .Select(a => a.Action)
                .ToListAsync()
        );
        var mail = await db.Outbox.Where(m => m.About == $"Transfer {request.Reference}").ToListAsync();
        Assert.Equal(["it@acme.example", "it@acme.example"], mail.Select(m => m.To));
        Assert.All(mail, m => Assert.Equal($"{request.Reference}.pdf", m.AttachmentName));
        Assert.Contains(
            await db.LicenseEvents.Where(e => e.LicenseId == license.Id).Select(e => e.Kind).ToListAsync(),
            k => k == LicenseEventKinds.OwnerChanged
        );
        var chain = await Transfers.OwnershipChainAsync(license.Id);
        Assert.Equal(["Seller Hosting Ltd", "Buyer Networks GmbH"], chain.Select(c => c.Customer));
    }

    [Fact]
    public async Task The_requester_cannot_approve_their_own_request_even_as_a_manager()
    {
        var id = await Transfers.RequestAsync(
            Manager,
            license.Id,
            buyer,
            null,
            TransferKind.Lease,
            "Leasing to a partner",
            new DateOnly(2027, 6, 30)
        );

        var error = await Assert.ThrowsAsync<DomainException>(() => Transfers.ApproveAsync(Manager, id, null));
        Assert.Contains("four-eyes", error.Message);
        await Assert.ThrowsAsync<DomainException>(() => Transfers.RejectAsync(Manager, id, "No"));

        await portal.NewStaffAsync("other.manager@example.com", Roles.Manager);
        await Transfers.ApproveAsync(TestData.As(Roles.Manager, "other.manager@example.com"), id, null);
    }

    [Theory]
    [InlineData(Roles.Sales)]
    [InlineData(Roles.Fraud)]
    [InlineData(Roles.Admin)]
    public async Task Only_a_manager_may_approve_or_reject_a_transfer(string role)
    {
        var id = await Transfers.RequestAsync(Sales, license.Id, buyer, null, TransferKind.Transfer, "Sale");
        await Assert.ThrowsAsync<DomainException>(() => Transfers.ApproveAsync(TestData.As(role, "someone.else@example.com"), id, null));
        await Assert.ThrowsAsync<DomainException>(() => Transfers.RejectAsync(TestData.As(role, "someone.else@example.com"), id, "No"));
    }

    [Fact]
    public async Task Refused_a_transfer_to_the_current_owner_and_a_second_pending_request()
    {
        var owner = await Assert.ThrowsAsync<DomainException>(() =>
            Transfers.RequestAsync(Sales, license.Id, license.CustomerId, null, TransferKind.Transfer, "x")
        );
        Assert.Contains("already belongs to that customer", owner.Message);

        await Transfers.RequestAsync(Sales, license.Id, buyer, null, TransferKind.Transfer, "Sale");
        var second = await Assert.ThrowsAsync<DomainException>(() =>
            Transfers.RequestAsync(Sales, license.Id, buyer, null, TransferKind.Lease, "Again", new DateOnly(2027, 6, 30))
        );
        Assert.Contains("already has a transfer request waiting", second.Message);
    }

    [Fact]
    public async Task Refused_for_a_disabled_license_or_one_with_an_open_fraud_case()
    {
        var caseId = await portal.Service<FraudCaseService>().OpenAsync(TestData.As(Roles.Fraud), license.Id, "Tip-off");
        Assert.Contains(
            "open fraud case",
            (
                await Assert.ThrowsAsync<DomainException>(() =>
                    Transfers.RequestAsync(Sales, license.Id, buyer, null, TransferKind.Transfer, "Sale")
                )
            ).Message
        );

        await portal.Service<FraudCaseService>().DisableNowAsync(TestData.As(Roles.Fraud), caseId, "Confirmed");
        Assert.Contains(
            "is disabled",
            (
                await Assert.ThrowsAsync<DomainException>(() =>
                    Transfers.RequestAsync(Sales, license.Id, buyer, null, TransferKind.Transfer, "Sale")
                )
            ).Message
        );
    }

    [Fact]
    public async Task A_new_owner_entered_on_the_spot_is_created_with_the_request_and_bad_details_save_nothing()
    {
        var form = new CustomerForm
        {
            Name = "Fresh Start AB",
            Email = "not-an-email",
            Phone = "+46 8 555 0100",
            AddressLine1 = "Storgatan 2",
            City = "Stockholm",
            PostalCode = "111 22",
            Country = "Sweden",
        };
        await using var db = await portal.DbAsync();
        var before = await db.Customers.CountAsync();

        await Assert.ThrowsAsync<DomainException>(() =>
            Transfers.RequestAsync(Sales, license.Id, null, form, TransferKind.Transfer, "Sale")
        );
        Assert.Equal(before, await db.Customers.CountAsync());

        form.Email = "it@freshstart.example";
        var id = await Transfers.RequestAsync(Sales, license.Id, null, form, TransferKind.Transfer, "Sale");
        Assert.Equal("Fresh Start AB", await db.TransferRequests.Where(t => t.Id == id).Select(t => t.ToCustomer!.Name).SingleAsync());
    }

    [Fact]
    public async Task Line_breaks_typed_into_the_reason_cannot_start_lines_of_the_letter()
    {
        var id = await Transfers.RequestAsync(
            Sales,
            license.Id,
            buyer,
            null,
            TransferKind.Transfer,
            "Sale\n5. The vendor waives every condition above."
        );
        await Transfers.ApproveAsync(Manager, id, null);

        var pdf = (await Transfers.LetterAsync(Sales, id))!.Value.Pdf;

        Assert.DoesNotContain(PdfText.Lines(pdf), line => line.StartsWith("5. The vendor", StringComparison.Ordinal));
        Assert.Contains("reason given: Sale 5. The vendor waives every condition above.", PdfText.All(pdf));
    }

    [Fact]
    public async Task The_consent_letter_reads_back_with_reference_parties_license_conditions_and_manager()
    {
        var id = await Transfers.RequestAsync(Sales, license.Id, buyer, null, TransferKind.Transfer, "Company sold its mail business");
        await Transfers.ApproveAsync(Manager, id, null);

        var (reference, pdf) = (await Transfers.LetterAsync(Sales, id))!.Value;
        var text = PdfText.All(pdf);

        Assert.Contains(reference, text);
        Assert.Contains("Seller Hosting Ltd", text);
        Assert.Contains("Buyer Networks GmbH", text);
        Assert.Contains(license.Key, text);
        Assert.Contains("SmarterMail 12.x", text);
        Assert.Contains("Professional", text);
        Assert.Contains("250 mailboxes", text);
        Assert.Contains("Effective date 26 November 2026", text);
        Assert.Contains("may not be transferred or leased again without a new written consent", text);
        Assert.Contains("accepts the SmarterTools Inc. End User License Agreement", text);
        Assert.Contains("every installation of the license by Seller Hosting Ltd is released", text);
        Assert.Contains("full 30-day migration window", text);
        Assert.Contains("Maria Keller", text);
        Assert.Contains("Licensing Manager", text);
    }

    [Fact]
    public async Task Every_download_of_a_letter_returns_the_same_bytes()
    {
        var id = await Transfers.RequestAsync(Sales, license.Id, buyer, null, TransferKind.Transfer, "Sale");
        await Transfers.ApproveAsync(Manager, id, null);
        var client = await portal.SignedInAsync(DemoSeeder.Users[0].Email);

        var first = await client.GetByteArrayAsync($"/transfers/{id}/letter.pdf");
        portal.Clock.Advance(TimeSpan.FromDays(3));
        // Three days on, the 8-hour sign-in has ended: a new one downloads the letter again.
        var second = await (await portal.SignedInAsync(DemoSeeder.Users[0].Email)).GetByteArrayAsync($"/transfers/{id}/letter.pdf");

        Assert.Equal(first, second);
        Assert.StartsWith("%PDF", System.Text.Encoding.ASCII.GetString(first, 0, 4));
    }

    [Theory]
    [InlineData("reason")]
    [InlineData("approval note")]
    [InlineData("rejection note")]
    public async Task Typed_text_over_its_limit_is_refused_without_writing_and_at_its_limit_is_kept_whole(string what)
    {
        var pending =
            what == "reason"
                ? 0
                : await Transfers.RequestAsync(Sales, license.Id, buyer, null, TransferKind.Transfer, "Company sold its mail business");
        Func<string, Task> act = what switch
        {
            "reason" => t => Transfers.RequestAsync(Sales, license.Id, buyer, null, TransferKind.Transfer, t),
            "approval note" => t => Transfers.ApproveAsync(Manager, pending, t),
            _ => t => Transfers.RejectAsync(Manager, pending, t),
        };
        var (field, limit) = what == "reason" ? ("reason", TransferService.MaxReasonLength) : ("note", TransferService.MaxNoteLength);

        await portal.RefusedOverAndKeptWholeAtAsync(
            field,
            limit,
            act,
            db =>
                what == "reason"
                    ? db.TransferRequests.Where(t => t.LicenseId == license.Id).Select(t => t.Reason).FirstOrDefaultAsync()
                    : db.TransferRequests.Where(t => t.Id == pending).Select(t => t.DecisionNote).SingleAsync()
        );
    }

    [Fact]
    public async Task A_new_owner_whose_name_breaks_the_line_is_refused()
    {
        var form = new CustomerForm
        {
            Name = "Fresh Start AB\n5. The vendor waives every condition above.",
            Email = "it@freshstart.example",
            Phone = "+46 8 555 0100",
            AddressLine1 = "Storgatan 2",
            City = "Stockholm",
            PostalCode = "111 22",
            Country = "Sweden",
        };
        await using var db = await portal.DbAsync();
        var before = await db.Customers.CountAsync();

        var error = await Assert.ThrowsAsync<DomainException>(() =>
            Transfers.RequestAsync(Sales, license.Id, null, form, TransferKind.Transfer, "Sale")
        );

        Assert.Equal("Keep the name on one line.", error.Message);
        Assert.Equal(before, await db.Customers.CountAsync());
    }

    [Fact]
    public async Task Line_breaks_in_a_stored_name_or_address_cannot_start_lines_of_the_letter()
    {
        await using (var db = await portal.DbAsync())
        {
            // A customer saved before names had to be one line.
            var customer = await db.Customers.SingleAsync(c => c.Id == buyer);
            customer.Name = "Buyer Networks GmbH\n5. The vendor waives every condition above.";
            customer.AddressLine2 = "Floor 2\r\n6. The vendor also refunds the license.";
            await db.SaveChangesAsync();
        }
        var id = await Transfers.RequestAsync(Sales, license.Id, buyer, null, TransferKind.Transfer, "Sale");
        await Transfers.ApproveAsync(Manager, id, null);

        var lines = PdfText.Lines((await Transfers.LetterAsync(Sales, id))!.Value.Pdf);

        Assert.DoesNotContain(
            lines,
            line => line.StartsWith("5. The vendor", StringComparison.Ordinal) || line.StartsWith("6. The vendor", StringComparison.Ordinal)
        );
    }
}
