using LicensePortal.Features.Outbox;
using LicensePortal.Features.Quotes;
using LicensePortal.Features.Transfers;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LicensePortal.Tests.Features.Outbox;

public class OutboxServiceTests : IAsyncLifetime
{
    /// <summary>A mail server that is down until told otherwise, and counts what reached it.</summary>
    private sealed class FlakyDelivery : IEmailDelivery
    {
        public bool Up { get; set; }
        public List<string> Delivered { get; } = [];
        public string Describe => "test";

        /// <summary>Stops the dispatcher right after the server took a message, as a crash or a restart would.</summary>
        public CancellationTokenSource? StopAfterHandOver { get; set; }

        /// <summary>While set and not completed, the server takes the connection and then hangs, as an overloaded one does.</summary>
        public TaskCompletionSource? Hang { get; set; }

        public async Task DeliverAsync(OutboxMessage message, CancellationToken ct)
        {
            if (Hang is { } hang)
                await hang.Task.WaitAsync(ct);
            if (!Up)
                throw new InvalidOperationException("Connection refused by mail.example:587");
            lock (Delivered)
                Delivered.Add(message.Subject);
            StopAfterHandOver?.Cancel();
        }
    }

    private sealed class Portal(FlakyDelivery delivery) : PortalFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(s =>
            {
                s.RemoveAll<IEmailDelivery>();
                s.AddSingleton<IEmailDelivery>(delivery);
            });
        }
    }

    private readonly FlakyDelivery delivery = new();
    private readonly Portal portal;

    // The dispatcher polls once an hour here: anything delivered sooner was delivered because something woke it.
    public OutboxServiceTests() => portal = new Portal(delivery) { Licenses = 10, Settings = { ["Email:PollSeconds"] = "3600" } };

    private OutboxWakeup Wakeup => portal.Services.GetRequiredService<OutboxWakeup>();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => portal.DisposeAsync();

    private async Task<long> QueueAsync(string subject)
    {
        await using var db = await portal.DbAsync();
        var message = OutboxService.Enqueue(db, portal.Clock.GetUtcNow().UtcDateTime, "it@acme.example", subject, "Hello", "Test");
        await db.SaveChangesAsync();
        return message.Id;
    }

    private async Task<OutboxMessage> ReadAsync(long id)
    {
        await using var db = await portal.DbAsync();
        return await db.Outbox.SingleAsync(m => m.Id == id);
    }

    [Fact]
    public async Task A_message_handed_over_just_before_the_portal_stopped_is_never_handed_over_again_by_itself()
    {
        var id = await QueueAsync("Quote 7");
        var outbox = portal.Service<OutboxService>();
        delivery.Up = true;
        using var stop = delivery.StopAfterHandOver = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => outbox.DispatchRoundAsync(stop.Token));
        delivery.StopAfterHandOver = null;
        portal.Clock.Advance(TimeSpan.FromHours(1));
        await outbox.DispatchRoundAsync(default);

        Assert.Equal(["Quote 7"], delivery.Delivered);
        Assert.Equal(OutboxStatus.Sending, (await ReadAsync(id)).Status);
        Assert.Equal("Handed over, not confirmed: check with the recipient, then retry", OutboxText.State(OutboxStatus.Sending, 1));

        var woken = Wakeup.Count;
        await outbox.RetryAsync(TestData.As(Roles.Manager), id);
        Assert.Equal(woken + 1, Wakeup.Count);
        await outbox.DispatchRoundAsync(default);
        await TestData.UntilAsync(async () => (await ReadAsync(id)).Status == OutboxStatus.Sent, "the retried message to be delivered");
        Assert.Equal(["Quote 7", "Quote 7"], delivery.Delivered);
    }

    [Fact]
    public void Every_attempt_at_a_message_carries_the_same_message_id_at_the_senders_domain() =>
        Assert.Equal("<outbox-42@smartertools.example>", SmtpEmailDelivery.MessageIdOf(42, "licensing@smartertools.example"));

    [Fact]
    public async Task A_failed_delivery_is_kept_and_retried_later_with_a_growing_delay()
    {
        var id = await QueueAsync("Quote 1");
        var outbox = portal.Service<OutboxService>();

        Assert.Equal(0, (await outbox.DispatchRoundAsync(default)).Sent);
        var first = await ReadAsync(id);
        Assert.Equal((OutboxStatus.Pending, 1, "Connection refused by mail.example:587"), (first.Status, first.Attempts, first.LastError));
        Assert.Equal(portal.Clock.GetUtcNow().UtcDateTime.AddMinutes(2), first.NextAttemptAt);

        Assert.Equal(0, (await outbox.DispatchRoundAsync(default)).Sent); // not due yet
        portal.Clock.Advance(TimeSpan.FromMinutes(2));
        await outbox.DispatchRoundAsync(default);
        Assert.Equal(portal.Clock.GetUtcNow().UtcDateTime.AddMinutes(4), (await ReadAsync(id)).NextAttemptAt);

        delivery.Up = true;
        portal.Clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(1, (await outbox.DispatchRoundAsync(default)).Sent);
        var sent = await ReadAsync(id);
        Assert.Equal((OutboxStatus.Sent, 3, (string?)null), (sent.Status, sent.Attempts, sent.LastError));
    }

    [Fact]
    public async Task After_the_last_attempt_a_message_is_failed_until_someone_retries_it()
    {
        var id = await QueueAsync("Quote 2");
        var outbox = portal.Service<OutboxService>();
        for (var i = 0; i < 6; i++)
        {
            await outbox.DispatchRoundAsync(default);
            portal.Clock.Advance(TimeSpan.FromDays(1));
        }
        Assert.Equal(OutboxStatus.Failed, (await ReadAsync(id)).Status);

        delivery.Up = true;
        await outbox.RetryAsync(TestData.As(Roles.Manager), id);
        var woken = Wakeup.Count;
        await outbox.DeliverNowAsync(TestData.As(Roles.Manager));
        Assert.Equal(woken + 1, Wakeup.Count);
        await outbox.DispatchRoundAsync(default); // the round the woken dispatcher runs

        await TestData.UntilAsync(async () => (await ReadAsync(id)).Status == OutboxStatus.Sent, "the retried message to be delivered");
        await using var db = await portal.DbAsync();
        var audit = await db.AuditLog.Where(a => a.EntityType == "Outbox").OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(
            [
                ("Outbox message retried", id.ToString(), "manager@demo.licenseportal.test"),
                ("Outbox delivered now", "due", "manager@demo.licenseportal.test"),
            ],
            audit.Select(a => (a.Action, a.EntityId, a.UserName))
        );
        Assert.StartsWith("{\"Status\":\"Failed\"", audit[0].Before);
        // The retry already woke the dispatcher, so whether the message was still due when "deliver now" counted is a race.
        Assert.Matches("^\\{\"Due\":[01]\\}$", audit[1].After);
    }

    [Fact]
    public async Task Sending_a_quote_returns_while_the_mail_server_hangs_and_only_wakes_the_dispatcher()
    {
        var customer = await portal.NewCustomerAsync();
        var license = await portal.NewLicenseAsync(customer.Id);
        var (edition, level) = await portal.ConfigAsync("SmarterMail", "Enterprise", "250 mailboxes");
        var quotes = portal.Service<QuoteService>();
        var id = await quotes.CreateDraftAsync(
            TestData.As(Roles.Sales),
            customer.Id,
            [new QuoteRequestLine(license.Id, edition.Id, level.Id, false)],
            30,
            null
        );
        delivery.Up = true;
        delivery.Hang = new(TaskCreationOptions.RunContinuationsAsynchronously);
        var woken = Wakeup.Count;

        // Before, the click waited for the mail server: with one that hangs, it never came back.
        await quotes
            .SendAsync(TestData.As(Roles.Sales), id, "buyer@acme.example")
            .WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(woken + 1, Wakeup.Count);
        var number = (await quotes.GetAsync(id)).Number;
        var message = await QueuedAsync($"Quote {number}");
        Assert.Equal(QuoteStatus.Sent, (await quotes.GetAsync(id)).Status);
        Assert.Null(message.SentAt);
        Assert.Empty(delivery.Delivered);

        delivery.Hang.SetResult();
        await TestData.UntilAsync(
            async () => (await ReadAsync(message.Id)).Status == OutboxStatus.Sent,
            "the woken dispatcher to deliver the quote"
        );
        Assert.StartsWith($"Your quote {number} from ", Assert.Single(delivery.Delivered));
    }

    [Fact]
    public async Task Approving_a_transfer_returns_while_the_mail_server_hangs_and_only_wakes_the_dispatcher()
    {
        var seller = await portal.NewCustomerAsync("Seller Hosting Ltd");
        var buyer = await portal.NewCustomerAsync("Buyer Networks GmbH");
        var license = await portal.NewLicenseAsync(seller.Id);
        var transfers = portal.Service<TransferService>();
        var id = await transfers.RequestAsync(
            TestData.As(Roles.Sales),
            license.Id,
            buyer.Id,
            null,
            TransferKind.Transfer,
            "Company sold its mail business"
        );
        delivery.Up = true;
        delivery.Hang = new(TaskCreationOptions.RunContinuationsAsynchronously);
        var woken = Wakeup.Count;

        await transfers
            .ApproveAsync(TestData.As(Roles.Manager), id, null)
            .WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(woken + 1, Wakeup.Count);
        await using var db = await portal.DbAsync();
        var reference = await db.TransferRequests.Where(t => t.Id == id).Select(t => t.Reference).SingleAsync();
        var letters = await db.Outbox.Where(m => m.About == $"Transfer {reference}").ToListAsync();
        Assert.Equal(2, letters.Count);
        Assert.All(letters, m => Assert.Contains(m.Status, new[] { OutboxStatus.Pending, OutboxStatus.Sending }));
        Assert.Empty(delivery.Delivered);

        delivery.Hang.SetResult();
        await portal.DeliveredAsync($"Transfer {reference}");
        Assert.Equal(2, delivery.Delivered.Count);
    }

    [Fact]
    public async Task A_woken_dispatcher_delivers_at_once_without_waiting_for_its_poll_interval()
    {
        delivery.Up = true;
        _ = portal.Server;
        long id;
        await using (var db = await portal.DbAsync())
        {
            // Due a minute from now, so the dispatcher's first round at start-up leaves it.
            var message = OutboxService.Enqueue(
                db,
                portal.Clock.GetUtcNow().UtcDateTime.AddMinutes(1),
                "it@acme.example",
                "Woken",
                "Hello",
                "Test"
            );
            await db.SaveChangesAsync();
            id = message.Id;
        }
        // The dispatcher's first round at start-up is over and it waits for its hourly poll.
        await TestData.UntilAsync(() => Task.FromResult(Wakeup.Rounds >= 1), "the dispatcher's first round");
        portal.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(OutboxStatus.Pending, (await ReadAsync(id)).Status);

        Wakeup.Wake();

        // Polling once an hour, only the wake can deliver it within the wait.
        await TestData.UntilAsync(async () => (await ReadAsync(id)).Status == OutboxStatus.Sent, "the woken dispatcher to deliver");
        Assert.Equal(["Woken"], delivery.Delivered);
    }

    [Fact]
    public async Task Wakes_while_the_dispatcher_is_busy_fold_into_one_more_round()
    {
        var wakeup = new OutboxWakeup(TimeProvider.System);
        wakeup.Wake();
        wakeup.Wake();
        wakeup.Wake();

        Assert.True(await wakeup.WaitAsync(TimeSpan.FromHours(1), TestContext.Current.CancellationToken));
        Assert.False(await wakeup.WaitAsync(TimeSpan.FromMilliseconds(50), TestContext.Current.CancellationToken));
        Assert.Equal(3, wakeup.Count);
    }

    /// <summary>The message about <paramref name="about"/>: queued, and not delivered (the woken dispatcher may hold it, waiting on the
    /// server).</summary>
    private async Task<OutboxMessage> QueuedAsync(string about)
    {
        await using var db = await portal.DbAsync();
        var message = await db.Outbox.SingleAsync(m => m.About == about);
        Assert.Contains(message.Status, new[] { OutboxStatus.Pending, OutboxStatus.Sending });
        return message;
    }

    [Fact]
    public async Task Two_dispatchers_at_once_deliver_each_message_once()
    {
        delivery.Up = true;
        for (var i = 0; i < 20; i++)
            await QueueAsync($"Message {i}");

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => portal.Service<OutboxService>().DispatchRoundAsync(default))));

        Assert.Equal(20, delivery.Delivered.Count);
        Assert.Equal(20, delivery.Delivered.Distinct().Count());
    }
}

[Collection(SharedPortal.Name)]
public class EmailDeliveryTests(PortalFactory portal)
{
    [Fact]
    public async Task A_delivered_email_carries_its_outbox_message_id()
    {
        long id;
        await using (var db = await portal.DbAsync())
        {
            var message = OutboxService.Enqueue(
                db,
                portal.Clock.GetUtcNow().UtcDateTime,
                "ids@acme.example",
                "Message id check",
                "Hello",
                "Test"
            );
            await db.SaveChangesAsync();
            id = message.Id;
        }

        await portal.Service<OutboxService>().DispatchRoundAsync(default);

        var eml = Directory.GetFiles(portal.MailFolder, "*.eml").Select(File.ReadAllText).Single(t => t.Contains("Message id check"));
        Assert.Contains($"Message-ID: <outbox-{id}@smartertools.example>", eml);
        // Created readable by the portal's account only, in a folder only it enters; nothing staged is left behind.
        Assert.Empty(Directory.GetDirectories(portal.MailFolder));
        if (!OperatingSystem.IsWindows())
        {
            const UnixFileMode folder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
            Assert.Equal(folder, File.GetUnixFileMode(portal.MailFolder));
            foreach (var file in Directory.GetFiles(portal.MailFolder, "*.eml"))
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }
}
