using LicensePortal.Data;
using LicensePortal.Features.Outbox;
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

        public Task DeliverAsync(OutboxMessage message, CancellationToken ct)
        {
            if (!Up) throw new InvalidOperationException("Connection refused by mail.example:587");
            lock (Delivered) Delivered.Add(message.Subject);
            StopAfterHandOver?.Cancel();
            return Task.CompletedTask;
        }
    }

    private sealed class Portal(FlakyDelivery delivery) : PortalFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(s => { s.RemoveAll<IEmailDelivery>(); s.AddSingleton<IEmailDelivery>(delivery); });
        }
    }

    private readonly FlakyDelivery delivery = new();
    private readonly Portal portal;

    public OutboxServiceTests() => portal = new Portal(delivery) { Licenses = 10 };

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

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => outbox.DispatchDueAsync(stop.Token));
        delivery.StopAfterHandOver = null;
        portal.Clock.Advance(TimeSpan.FromHours(1));
        await outbox.DispatchDueAsync();

        Assert.Equal(["Quote 7"], delivery.Delivered);
        Assert.Equal(OutboxStatus.Sending, (await ReadAsync(id)).Status);
        Assert.Equal("Handed over, not confirmed: check with the recipient, then retry", OutboxText.State(OutboxStatus.Sending, 1));

        await outbox.RetryAsync(TestData.As(Roles.Manager), id);
        await outbox.DispatchDueAsync();
        Assert.Equal(["Quote 7", "Quote 7"], delivery.Delivered);
        Assert.Equal(OutboxStatus.Sent, (await ReadAsync(id)).Status);
    }

    [Fact]
    public void Every_attempt_at_a_message_carries_the_same_message_id_at_the_senders_domain() =>
        Assert.Equal("<outbox-42@smartertools.example>", SmtpEmailDelivery.MessageIdOf(42, "licensing@smartertools.example"));

    [Fact]
    public async Task A_failed_delivery_is_kept_and_retried_later_with_a_growing_delay()
    {
        var id = await QueueAsync("Quote 1");
        var outbox = portal.Service<OutboxService>();

        Assert.Equal(0, await outbox.DispatchDueAsync());
        var first = await ReadAsync(id);
        Assert.Equal((OutboxStatus.Pending, 1, "Connection refused by mail.example:587"), (first.Status, first.Attempts, first.LastError));
        Assert.Equal(portal.Clock.GetUtcNow().UtcDateTime.AddMinutes(2), first.NextAttemptAt);

        Assert.Equal(0, await outbox.DispatchDueAsync()); // not due yet
        portal.Clock.Advance(TimeSpan.FromMinutes(2));
        await outbox.DispatchDueAsync();
        Assert.Equal(portal.Clock.GetUtcNow().UtcDateTime.AddMinutes(4), (await ReadAsync(id)).NextAttemptAt);

        delivery.Up = true;
        portal.Clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(1, await outbox.DispatchDueAsync());
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
            await outbox.DispatchDueAsync();
            portal.Clock.Advance(TimeSpan.FromDays(1));
        }
        Assert.Equal(OutboxStatus.Failed, (await ReadAsync(id)).Status);

        delivery.Up = true;
        await outbox.RetryAsync(TestData.As(Roles.Manager), id);
        await outbox.DeliverNowAsync(TestData.As(Roles.Manager));

        Assert.Equal(OutboxStatus.Sent, (await ReadAsync(id)).Status);
        await using var db = await portal.DbAsync();
        var audit = await db.AuditLog.Where(a => a.EntityType == "Outbox").OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(
            [("Outbox message retried", id.ToString(), "manager@demo.licenseportal.test"), ("Outbox delivered now", "due", "manager@demo.licenseportal.test")],
            audit.Select(a => (a.Action, a.EntityId, a.UserName)));
        Assert.StartsWith("{\"Status\":\"Failed\"", audit[0].Before);
        Assert.Equal("{\"Due\":1,\"Delivered\":1}", audit[1].After);
    }

    [Fact]
    public async Task Two_dispatchers_at_once_deliver_each_message_once()
    {
        delivery.Up = true;
        for (var i = 0; i < 20; i++) await QueueAsync($"Message {i}");

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => portal.Service<OutboxService>().DispatchDueAsync())));

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
            var message = OutboxService.Enqueue(db, portal.Clock.GetUtcNow().UtcDateTime, "ids@acme.example", "Message id check", "Hello", "Test");
            await db.SaveChangesAsync();
            id = message.Id;
        }

        await portal.Service<OutboxService>().DispatchDueAsync();

        var eml = Directory.GetFiles(portal.MailFolder, "*.eml").Select(File.ReadAllText).Single(t => t.Contains("Message id check"));
        Assert.Contains($"Message-ID: <outbox-{id}@smartertools.example>", eml);
    }
}
