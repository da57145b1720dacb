using LicensePortal.Data.Demo;
using LicensePortal.Features.Licenses;
using LicensePortal.Features.Transfers;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Tests.Features.Transfers;

/// <summary>What a transfer or a lease does to the license's installations and its migration window.</summary>
public class TransferInstallationTests : IAsyncLifetime
{
    private readonly PortalFactory portal = new() { Licenses = 10 };
    private static readonly System.Security.Claims.ClaimsPrincipal Sales = TestData.As(Roles.Sales, DemoSeeder.Users[0].Email);
    private static readonly System.Security.Claims.ClaimsPrincipal Manager = TestData.As(Roles.Manager, DemoSeeder.Users[2].Email);
    private TransferService Transfers => portal.Service<TransferService>();
    private HttpClient api = null!;
    private License license = null!;
    private int seller,
        buyer;

    public async ValueTask InitializeAsync()
    {
        api = portal.Client();
        seller = (await portal.NewCustomerAsync("Seller Hosting Ltd")).Id;
        buyer = (await portal.NewCustomerAsync("Buyer Networks GmbH")).Id;
        license = await portal.NewLicenseAsync(seller);
    }

    public ValueTask DisposeAsync() => portal.DisposeAsync();

    private DateTime Now => portal.Clock.GetUtcNow().UtcDateTime;

    [Fact]
    public async Task Approval_releases_the_old_owners_installations_and_the_new_owner_starts_with_the_full_window()
    {
        // The seller used 20 days of the window migrating its own servers.
        await api.CheckInAsync(license.Key, "seller-old");
        await api.CheckInAsync(license.Key, "seller-new");
        ActivationClient.Answer? last = null;
        for (var day = 1; day <= 20; day++)
        {
            portal.Clock.Advance(TimeSpan.FromDays(1));
            await api.CheckInAsync(license.Key, "seller-old");
            last = await api.CheckInAsync(license.Key, "seller-new");
        }
        Assert.Equal(Now.AddDays(10), last!.GraceEndsAt);

        var id = await Transfers.RequestAsync(Sales, license.Id, buyer, null, TransferKind.Transfer, "Mail business sold");
        await Transfers.ApproveAsync(Manager, id, null);

        await using (var db = await portal.DbAsync())
            Assert.All(await db.Installations.Where(i => i.LicenseId == license.Id).ToListAsync(), i => Assert.Equal(Now, i.ReleasedAt));
        Assert.Equal(
            ("active", 1),
            (await api.CheckInAsync(license.Key, "buyer-1")) is var a ? (a.Status, a.ActiveInstallations) : default
        );
        var second = await api.CheckInAsync(license.Key, "buyer-2");
        Assert.Equal(("grace", Now.AddDays(30)), (second.Status, second.GraceEndsAt));
    }

    [Fact]
    public async Task A_lease_needs_an_end_date_after_today_and_a_transfer_has_none()
    {
        var none = await Assert.ThrowsAsync<DomainException>(() =>
            Transfers.RequestAsync(Sales, license.Id, buyer, null, TransferKind.Lease, "Partner")
        );
        Assert.Contains("Give the date the lease ends", none.Message);
        var past = await Assert.ThrowsAsync<DomainException>(() =>
            Transfers.RequestAsync(Sales, license.Id, buyer, null, TransferKind.Lease, "Partner", new DateOnly(2026, 11, 26))
        );
        Assert.Contains("must end after today", past.Message);
        var transfer = await Assert.ThrowsAsync<DomainException>(() =>
            Transfers.RequestAsync(Sales, license.Id, buyer, null, TransferKind.Transfer, "Sold", new DateOnly(2027, 1, 1))
        );
        Assert.Contains("A transfer has no end date", transfer.Message);
    }

    [Fact]
    public async Task A_lease_returns_the_license_to_the_lessor_on_its_end_date_with_both_parties_emailed()
    {
        await api.CheckInAsync(license.Key, "seller-server");
        var id = await Transfers.RequestAsync(
            Sales,
            license.Id,
            buyer,
            null,
            TransferKind.Lease,
            "Seasonal partner",
            new DateOnly(2027, 1, 10)
        );
        await Transfers.ApproveAsync(Manager, id, null);
        var letter = PdfText.All((await Transfers.LetterAsync(Manager, id))!.Value.Pdf);
        Assert.Contains("Lease ends 10 January 2027", letter);
        Assert.Contains("The lease ends on 10 January 2027: on that date the license returns to Seller Hosting Ltd", letter);
        await api.CheckInAsync(license.Key, "lessee-server");

        portal.Clock.Advance(new DateTime(2027, 1, 9, 23, 0, 0, DateTimeKind.Utc) - Now);
        Assert.Equal(0, await Transfers.ReturnDueLeasesAsync());
        // 10 January begins at 07:00 UTC in the vendor's time zone (America/Phoenix, UTC-7).
        portal.Clock.Advance(TimeSpan.FromHours(8));
        Assert.Equal(1, await Transfers.ReturnDueLeasesAsync());
        Assert.Equal(0, await Transfers.ReturnDueLeasesAsync());

        await using var db = await portal.DbAsync();
        Assert.Equal(seller, (await db.Licenses.SingleAsync(l => l.Id == license.Id)).CustomerId);
        Assert.Equal(
            Now,
            (await db.Installations.SingleAsync(i => i.LicenseId == license.Id && i.MachineId == "lessee-server")).ReleasedAt
        );
        var reference = (await db.TransferRequests.SingleAsync(t => t.Id == id)).Reference;
        Assert.Equal(2, await db.Outbox.CountAsync(m => m.About == $"Transfer {reference}" && m.Subject.StartsWith("Lease")));
        Assert.True(await db.AuditLog.AnyAsync(a => a.Action == "Lease returned" && a.EntityId == license.Key));
        Assert.Equal(
            ["Seller Hosting Ltd", "Buyer Networks GmbH", "Seller Hosting Ltd"],
            (await Transfers.OwnershipChainAsync(license.Id)).Select(c => c.Customer)
        );
        Assert.Equal("active", (await api.CheckInAsync(license.Key, "seller-server")).Status);
    }
}

/// <summary>Offline license files cannot be revoked: they never outlive a lease, and a change of owner acknowledges them.</summary>
public class TransferOfflineFileTests : IAsyncLifetime
{
    private readonly PortalFactory portal = new() { Licenses = 10 };
    private static readonly System.Security.Claims.ClaimsPrincipal Sales = TestData.As(Roles.Sales, DemoSeeder.Users[0].Email);
    private static readonly System.Security.Claims.ClaimsPrincipal Manager = TestData.As(Roles.Manager, DemoSeeder.Users[2].Email);
    private TransferService Transfers => portal.Service<TransferService>();
    private LicensePortal.Features.Activation.OfflineActivationService Offline =>
        portal.Service<LicensePortal.Features.Activation.OfflineActivationService>();
    private License license = null!;
    private int seller,
        buyer;

    public async ValueTask InitializeAsync()
    {
        seller = (await portal.NewCustomerAsync("Seller Hosting Ltd")).Id;
        buyer = (await portal.NewCustomerAsync("Buyer Networks GmbH")).Id;
        license = await portal.NewLicenseAsync(seller);
    }

    public ValueTask DisposeAsync() => portal.DisposeAsync();

    private DateTime Now => portal.Clock.GetUtcNow().UtcDateTime;

    private string RequestFrom(string machine) =>
        LicensePortal.Verifier.OfflineActivation.Request(license.Key, machine, $"{machine}.example", "12.3.9142", portal.Clock.GetUtcNow());

    [Fact]
    public async Task A_transfer_while_an_offline_file_is_valid_needs_the_approver_to_acknowledge_its_expiry()
    {
        var file = await Offline.ActivateAsync(Sales, license.Id, RequestFrom("vault-1"));
        var id = await Transfers.RequestAsync(Sales, license.Id, buyer, null, TransferKind.Transfer, "Company sold its mail business");

        var files = await Transfers.ValidOfflineFilesAsync(license.Id);
        Assert.Equal([new("vault-1.example", file.ExpiresAt)], files);
        var refused = await Assert.ThrowsAsync<DomainException>(() => Transfers.ApproveAsync(Manager, id, "ok"));
        var expected = $"vault-1.example's offline license file stays valid until {file.ExpiresAt:d MMM yyyy, HH:mm} UTC";
        Assert.Contains(expected, refused.Message);
        await Assert.ThrowsAsync<DomainException>(() => Transfers.ApproveAsync(Manager, id, "ok", file.ExpiresAt.AddDays(-1)));
        await using (var db = await portal.DbAsync())
            Assert.Equal(seller, (await db.Licenses.SingleAsync(l => l.Id == license.Id)).CustomerId);

        await Transfers.ApproveAsync(Manager, id, "ok", file.ExpiresAt);

        await using var check = await portal.DbAsync();
        Assert.Equal(buyer, (await check.Licenses.SingleAsync(l => l.Id == license.Id)).CustomerId);
        var history = await check
            .LicenseEvents.Where(e => e.LicenseId == license.Id && e.Kind == LicenseEventKinds.OwnerChanged)
            .SingleAsync();
        Assert.Contains("Acknowledged: vault-1.example's offline license file stays valid", history.Description);
    }

    [Fact]
    public async Task An_offline_file_issued_during_a_lease_expires_when_the_lease_ends()
    {
        var leaseEnds = DateOnly.FromDateTime(Now).AddDays(90);
        var id = await Transfers.RequestAsync(Sales, license.Id, buyer, null, TransferKind.Lease, "Seasonal hosting", leaseEnds);
        await Transfers.ApproveAsync(Manager, id, "ok");

        var file = await Offline.ActivateAsync(Sales, license.Id, RequestFrom("lessee-vault"));

        var calendar = portal.Service<LicensePortal.Features.Licensing.VendorCalendar>();
        Assert.Equal(calendar.StartOfDayUtc(leaseEnds), file.ExpiresAt);
        Assert.True(file.ExpiresAt < Now.AddDays(365));
    }
}
