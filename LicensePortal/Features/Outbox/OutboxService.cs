using System.Security.Claims;
using LicensePortal.Data;
using LicensePortal.Features.Audit;
using LicensePortal.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LicensePortal.Features.Outbox;

/// <summary>
/// Emails go into the outbox in the same transaction as the change that causes them; a
/// dispatcher delivers them, retrying with a growing delay, and staff can see each one's state.
/// </summary>
public sealed class OutboxService(
    IDbContextFactory<AppDbContext> dbFactory,
    IEmailDelivery delivery,
    OutboxWakeup wakeup,
    IOptions<EmailOptions> options,
    TimeProvider clock,
    ILogger<OutboxService> logger
)
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    public string DeliveryDescription => delivery.Describe;

    /// <summary>
    /// Adds a message to the context; it is stored by the caller's SaveChanges. After committing, the caller
    /// wakes the dispatcher (<see cref="OutboxWakeup"/>): nothing is sent inside the caller's request.
    /// </summary>
    public static OutboxMessage Enqueue(
        AppDbContext db,
        DateTime now,
        string to,
        string subject,
        string body,
        string about,
        (string Name, string ContentType, byte[] Content)? attachment = null
    )
    {
        var message = OutboxMessage.Create(now, to, subject, body, about, attachment);
        db.Outbox.Add(message);
        return message;
    }

    /// <summary>Messages one round takes at most; a full round is followed by another at once.</summary>
    public const int BatchSize = 50;

    /// <summary>
    /// "Deliver now" from the outbox page: wakes the dispatcher instead of sending inside the click, so a slow
    /// mail server never holds up the page. Audited under the person who asked, with how many messages were due.
    /// </summary>
    public async Task<int> DeliverNowAsync(ClaimsPrincipal actor, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Only the messages this person may see are counted: a sales rep learns nothing of fraud notices from the number.
        var due = (
            await db
                .Outbox.Where(m => m.Status == OutboxStatus.Pending && m.NextAttemptAt <= now)
                .Select(m => new
                {
                    m.About,
                    m.Subject,
                    m.To,
                })
                .ToListAsync(ct)
        ).Count(m => OutboxAccess.MaySee(actor, OutboxAccess.KindOf(m.About, m.Subject, m.To, options.Value.FraudTeamAddress)));
        db.Audit(actor, now, "Outbox delivered now", "Outbox", "due", null, new { Due = due });
        await db.SaveChangesAsync(ct);
        wakeup.Wake();
        return due;
    }

    /// <summary>
    /// One round: delivers up to <see cref="BatchSize"/> due messages; Full when there may be more. Each is claimed first,
    /// so two dispatchers running at once never send the same message twice; a crash leaves it to be retried when its
    /// claim lapses.
    /// </summary>
    public async Task<(int Sent, bool Full)> DispatchRoundAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var due = await db
            .Outbox.Where(m => m.Status == OutboxStatus.Pending && m.NextAttemptAt <= now)
            .OrderBy(m => m.NextAttemptAt)
            .Select(m => new { m.Id, m.NextAttemptAt })
            .Take(BatchSize)
            .ToListAsync(ct);
        var sent = 0;
        foreach (var candidate in due)
        {
            // Claimed as Sending before it is handed over: if the portal stops between the hand-over and the save below,
            // the message stays Sending and no later pass hands it over a second time.
            var claimed = await db
                .Outbox.Where(m => m.Id == candidate.Id && m.Status == OutboxStatus.Pending && m.NextAttemptAt == candidate.NextAttemptAt)
                .ExecuteUpdateAsync(
                    s => s.SetProperty(m => m.NextAttemptAt, now + Lease).SetProperty(m => m.Status, OutboxStatus.Sending),
                    ct
                );
            if (claimed == 0)
                continue;
            var message = await db.Outbox.SingleAsync(m => m.Id == candidate.Id, ct);
            message.Attempts++;
            try
            {
                await delivery.DeliverAsync(message, ct);
                message.Status = OutboxStatus.Sent;
                message.SentAt = clock.GetUtcNow().UtcDateTime;
                message.LastError = null;
                sent++;
            }
            // Only the portal stopping ends a round; anything else (a timeout included) is a failed attempt to retry.
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                logger.LogWarning(
                    ex,
                    "Delivering outbox message {Id} to {To} failed (attempt {Attempt}).",
                    message.Id,
                    message.To,
                    message.Attempts
                );
                message.LastError = ex.Message.Length > 2000 ? ex.Message[..2000] : ex.Message;
                message.Status = OutboxStatus.Pending;
                if (message.Attempts >= options.Value.MaxAttempts)
                    message.Status = OutboxStatus.Failed;
                else
                    message.NextAttemptAt = now + TimeSpan.FromMinutes(options.Value.RetryAfterMinutes * Math.Pow(2, message.Attempts - 1));
            }
            await db.SaveChangesAsync(ct);
        }
        return (sent, due.Count == BatchSize);
    }

    /// <summary>The messages <paramref name="user"/> may see (OutboxAccess): sales never see the fraud team's notices.</summary>
    public async Task<PageResult<OutboxRow>> ListAsync(
        ClaimsPrincipal user,
        OutboxStatus? status,
        string? search,
        PageRequest page,
        CancellationToken ct = default
    )
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var team = options.Value.FraudTeamAddress;
        var messages = db.Outbox.AsNoTracking().VisibleTo(user, team);
        if (status is { } s)
            messages = messages.Where(m => m.Status == s);
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = $"%{search.Trim()}%";
            messages = messages.Where(m =>
                EF.Functions.Like(m.To, term) || EF.Functions.Like(m.Subject, term) || EF.Functions.Like(m.About, term)
            );
        }
        var total = await messages.CountAsync(ct);
        messages = page.Descending || page.SortBy is null ? messages.OrderByDescending(m => m.Id) : messages.OrderBy(m => m.Id);
        var rows = await messages
            .Page(page)
            .Select(m => new OutboxRow(
                m.Id,
                m.CreatedAt,
                m.To,
                m.Subject,
                m.About,
                m.Status,
                m.Attempts,
                m.SentAt,
                m.NextAttemptAt,
                m.LastError,
                m.AttachmentName,
                null,
                null
            ))
            .ToListAsync(ct);
        // The page's recipients and subjects are named in one query: a customer by the address the message went to.
        var about = rows.Select(r => EntityLabels.FromAbout(r.About)).ToList();
        var names = await EntityLabels.ResolveAsync(
            db,
            about.OfType<(string, string)>().Concat(rows.Select(r => (EntityLabels.Email, r.To))),
            ct
        );
        return new(
            [
                .. rows.Select(
                    (r, i) =>
                        r with
                        {
                            Kind = OutboxAccess.KindOf(r.About, r.Subject, r.To, team),
                            MayOpenAttachment = OutboxAccess.MayOpenAttachment(user, OutboxAccess.KindOf(r.About, r.Subject, r.To, team)),
                            RecipientName = string.Equals(r.To, team, StringComparison.OrdinalIgnoreCase)
                                ? "Fraud team"
                                : names.GetValueOrDefault((EntityLabels.Email, r.To))?.Label,
                            Concerns = about[i] is { } a ? EntityLabels.Link(names, a.Type, a.Id) : null,
                        }
                ),
            ],
            total
        );
    }

    public async Task<OutboxMessage?> GetAsync(long id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Outbox.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, ct);
    }

    /// <summary>A message's attachment, or whether it is missing or refused to <paramref name="user"/> by the document rule.</summary>
    public async Task<(OutboxMessage? Message, bool Allowed)> AttachmentAsync(ClaimsPrincipal user, long id, CancellationToken ct = default)
    {
        if (await GetAsync(id, ct) is not { Attachment: not null } m)
            return (null, false);
        return (m, OutboxAccess.MayOpenAttachment(user, OutboxAccess.KindOf(m.About, m.Subject, m.To, options.Value.FraudTeamAddress)));
    }

    /// <summary>Puts a failed message back in the queue for another round of attempts, audited with the retry, and wakes the
    /// dispatcher.</summary>
    public async Task RetryAsync(ClaimsPrincipal actor, long id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var message = await db.Outbox.FirstOrDefaultAsync(m => m.Id == id, ct);
        if (
            message is null
            || !OutboxAccess.MaySee(actor, OutboxAccess.KindOf(message.About, message.Subject, message.To, options.Value.FraudTeamAddress))
        )
            throw new DomainException("This message is not in your outbox.");
        // A failed message, or one a stopped portal left handed over but unconfirmed (once its claim has lapsed).
        if (!(message.Status == OutboxStatus.Failed || (message.Status == OutboxStatus.Sending && message.NextAttemptAt < now)))
            return;
        var before = new { Status = message.Status, message.Attempts };
        message.Status = OutboxStatus.Pending;
        message.Attempts = 0;
        message.NextAttemptAt = now;
        db.Audit(
            actor,
            now,
            "Outbox message retried",
            "Outbox",
            message.Id,
            before,
            new
            {
                Status = message.Status,
                message.To,
                message.Subject,
            }
        );
        await db.SaveChangesAsync(ct);
        wakeup.Wake();
    }
}
