using System.Net;
using LicensePortal.Data.Demo;
using LicensePortal.Features.Quotes;
using LicensePortal.Features.Transfers;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Tests.Features;

/// <summary>The document downloads (quote PDF, consent letter, outbox attachment) check the role like the pages do.</summary>
public class DocumentAuthorizationTests : IAsyncLifetime
{
    private readonly PortalFactory portal = new() { Licenses = 10 };
    private int quoteId,
        transferId;
    private long quoteMessageId,
        letterMessageId;

    public async ValueTask InitializeAsync()
    {
        var sales = TestData.As(Roles.Sales, DemoSeeder.Users[0].Email);
        var customer = await portal.NewCustomerAsync();
        var buyer = await portal.NewCustomerAsync("Buyer Ltd");
        var license = await portal.NewLicenseAsync(customer.Id);
        var (enterprise, level) = await portal.ConfigAsync("SmarterMail", "Enterprise", "250 mailboxes");
        quoteId = await portal
            .Service<QuoteService>()
            .CreateDraftAsync(sales, customer.Id, [new QuoteRequestLine(license.Id, enterprise.Id, level.Id, false)], 30, null);
        await portal.Service<QuoteService>().SendAsync(sales, quoteId, "it@acme.example");
        transferId = await portal.Service<TransferService>().RequestAsync(sales, license.Id, buyer.Id, null, TransferKind.Transfer, "Sale");
        await portal.Service<TransferService>().ApproveAsync(TestData.As(Roles.Manager, DemoSeeder.Users[2].Email), transferId, null);
        await using var db = await portal.DbAsync();
        quoteMessageId = await db
            .Outbox.Where(m => m.AttachmentName != null && m.About.StartsWith("Quote "))
            .Select(m => m.Id)
            .FirstAsync();
        letterMessageId = await db
            .Outbox.Where(m => m.AttachmentName != null && m.About.StartsWith("Transfer "))
            .Select(m => m.Id)
            .FirstAsync();
    }

    public ValueTask DisposeAsync() => portal.DisposeAsync();

    public static TheoryData<string, string, bool> Matrix()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (var user in DemoSeeder.Users)
        {
            data.Add(user.Role, "quote", user.Role is Roles.Sales or Roles.Manager);
            data.Add(user.Role, "letter", user.Role is Roles.Sales or Roles.Fraud or Roles.Manager);
            // The outbox serves the same documents under the same rule.
            data.Add(user.Role, "quote-attachment", user.Role is Roles.Sales or Roles.Manager);
            data.Add(user.Role, "letter-attachment", user.Role is Roles.Sales or Roles.Fraud or Roles.Manager);
        }
        return data;
    }

    private string Path(string document) =>
        document switch
        {
            "quote" => $"/quotes/{quoteId}.pdf",
            "letter" => $"/transfers/{transferId}/letter.pdf",
            "quote-attachment" => $"/outbox/{quoteMessageId}/attachment",
            _ => $"/outbox/{letterMessageId}/attachment",
        };

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Each_role_downloads_its_documents_and_is_refused_the_others(string role, string document, bool allowed)
    {
        var client = await portal.SignedInAsync(DemoSeeder.Users.Single(u => u.Role == role).Email);

        var response = await client.GetAsync(Path(document));

        if (allowed)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/pdf", response.Content.Headers.ContentType!.MediaType);
        }
        else
        {
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/Account/AccessDenied", response.Headers.Location!.PathAndQuery, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [InlineData("quote")]
    [InlineData("letter")]
    [InlineData("quote-attachment")]
    [InlineData("letter-attachment")]
    public async Task Anonymous_users_get_no_document(string document)
    {
        var response = await portal.Client().GetAsync(Path(document));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/Login", response.Headers.Location!.PathAndQuery, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("/quotes/999999.pdf")]
    [InlineData("/transfers/999999/letter.pdf")]
    [InlineData("/outbox/999999/attachment")]
    public async Task A_document_that_does_not_exist_is_404_not_an_error(string path)
    {
        var client = await portal.SignedInAsync(DemoSeeder.Users[2].Email);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(path)).StatusCode);
    }
}
