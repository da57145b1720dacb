using System.Security.Claims;
using LicensePortal.Data;
using LicensePortal.Features.Audit;
using LicensePortal.Features.Licenses;
using LicensePortal.Features.Licensing;
using LicensePortal.Features.Outbox;
using LicensePortal.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LicensePortal.Features.Renewals;

/// <summary>
/// Emails customers before their upgrade protection ends, on the configured days before the end
/// date (docs/RULES.md, Upgrades, renewals and reminders). Each reminder is a row unique per license, end date and days before,
/// inserted with the email, the license's history entry and the audit row in one transaction, so
/// two runs at once, or a run after a crash, never send one twice; a renewed license's new end date
/// gets reminders of its own. A customer whose licenses are due together gets one email listing them.
/// </summary>
public sealed class ProtectionReminderSender(
    IDbContextFactory<AppDbContext> dbFactory,
    VendorCalendar calendar,
    IOptions<RenewalOptions> options,
    IOptions<VendorOptions> vendor,
    WriteGate writes,
    ILogger<ProtectionReminderSender> logger
)
{
    public static readonly ClaimsPrincipal System = new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "protection reminders")], "system"));

    /// <summary>Licenses whose reminders are read and written together; a customer's licenses are never split.</summary>
    private const int BatchSize = 500;

    private sealed record Due(
        int LicenseId,
        string Key,
        int CustomerId,
        string Product,
        int Major,
        string Configuration,
        DateOnly EndsOn,
        int DaysBefore
    );

    private sealed record Owner(int Id, string Name, string Email);

    /// <summary>A manager starts a run from the work list; the background service runs <see cref="SendDueAsync"/> itself.</summary>
    public async Task<ReminderRun> RunNowAsync(ClaimsPrincipal actor, CancellationToken ct = default)
    {
        actor.Demand(Policies.Manager, "Only managers can send the protection reminders by hand.");
        return await SendDueAsync(actor, ct);
    }

    /// <summary>
    /// Sends every reminder due today (the vendor's date) that was not sent before. The background
    /// service runs it as the system; tests run it on their clock.
    /// </summary>
    internal async Task<ReminderRun> SendDueAsync(ClaimsPrincipal? by = null, CancellationToken ct = default)
    {
        var days = options.Value.Reminders();
        if (days.Count == 0)
            return new(0, 0, 0);
        var today = calendar.Today;
        var until = today.AddDays(days[0]);
        List<Due> due;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var ending = await db
                .Licenses.Where(l => l.Status == LicenseStatus.Active && l.ProtectionEndsOn >= today && l.ProtectionEndsOn <= until)
                .Select(l => new
                {
                    l.Id,
                    l.Key,
                    l.CustomerId,
                    Product = l.Product!.Name,
                    l.Major,
                    Edition = l.Edition!.Name,
                    Level = l.Level!.Name,
                    l.HasFailover,
                    EndsOn = l.ProtectionEndsOn!.Value,
                })
                .ToListAsync(ct);
            due =
            [
                .. ending
                    .Select(l => (l, Reminder: ProtectionReminders.Due(l.EndsOn, today, days)))
                    .Where(x => x.Reminder is not null)
                    .Select(x => new Due(
                        x.l.Id,
                        x.l.Key,
                        x.l.CustomerId,
                        x.l.Product,
                        x.l.Major,
                        $"{x.l.Edition} {x.l.Level}{(x.l.HasFailover ? " with failover" : "")}",
                        x.l.EndsOn,
                        x.Reminder!.Value
                    ))
                    .OrderBy(d => d.CustomerId)
                    .ThenBy(d => d.EndsOn)
                    .ThenBy(d => d.LicenseId),
            ];
        }

        int sent = 0,
            emails = 0;
        foreach (var batch in Batches(due))
        {
            var (s, e) = await SendBatchAsync(batch, by ?? System, today, ct);
            sent += s;
            emails += e;
        }
        var run = new ReminderRun(due.Count, sent, emails);
        if (sent > 0)
            logger.LogInformation("Protection reminders: {Run}", run);
        return run;
    }

    private static IEnumerable<List<Due>> Batches(List<Due> due)
    {
        var batch = new List<Due>();
        foreach (var customer in due.GroupBy(d => d.CustomerId))
        {
            batch.AddRange(customer);
            if (batch.Count < BatchSize)
                continue;
            yield return batch;
            batch = [];
        }
        if (batch.Count > 0)
            yield return batch;
    }

    private async Task<(int Sent, int Emails)> SendBatchAsync(List<Due> batch, ClaimsPrincipal actor, DateOnly today, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var ids = batch.Select(d => d.LicenseId).ToArray();
        // Most licenses read were reminded on an earlier run: skip them before taking the write lock.
        var already = (
            await db
                .ProtectionReminders.Where(r => EF.Parameter(ids).Contains(r.LicenseId))
                .Select(r => new
                {
                    r.LicenseId,
                    r.ProtectionEndsOn,
                    r.DaysBefore,
                })
                .ToListAsync(ct)
        ).Select(r => (r.LicenseId, r.ProtectionEndsOn, r.DaysBefore)).ToHashSet();
        var pending = batch.Where(d => !already.Contains((d.LicenseId, d.EndsOn, d.DaysBefore))).ToList();
        if (pending.Count == 0)
            return (0, 0);
        var customerIds = pending.Select(d => d.CustomerId).Distinct().ToArray();
        var owners = await db
            .Customers.Where(c => EF.Parameter(customerIds).Contains(c.Id))
            .Select(c => new Owner(c.Id, c.Name, c.Email))
            .ToDictionaryAsync(c => c.Id, ct);

        var now = calendar.UtcNow;
        await db.Database.OpenConnectionAsync(ct);
        using var entry = await writes.EnterAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        int sent = 0,
            emails = 0;
        await using (var reminders = new BulkInsert<ProtectionReminder>(db, orIgnore: true))
        await using (var outbox = new BulkInsert<OutboxMessage>(db))
        await using (var events = new BulkInsert<LicenseEvent>(db))
        await using (var audit = new BulkInsert<AuditEntry>(db))
        {
            foreach (var customer in pending.GroupBy(d => d.CustomerId))
            {
                var owner = owners[customer.Key];
                if (string.IsNullOrWhiteSpace(owner.Email))
                    continue;
                var inserted = new List<Due>();
                foreach (var d in customer)
                {
                    // Another run sent this one first, and its email with it.
                    if (
                        !await reminders.AddAsync(
                            new ProtectionReminder
                            {
                                LicenseId = d.LicenseId,
                                ProtectionEndsOn = d.EndsOn,
                                DaysBefore = d.DaysBefore,
                                SentAt = now,
                                SentTo = owner.Email,
                            }
                        )
                    )
                        continue;
                    inserted.Add(d);
                    await events.AddAsync(
                        new LicenseEvent
                        {
                            LicenseId = d.LicenseId,
                            At = now,
                            Kind = LicenseEventKinds.ProtectionReminder,
                            UserName = actor.Identity?.Name ?? "",
                            Description =
                                $"Reminder emailed to {owner.Email}: upgrade protection ends on {d.EndsOn:yyyy-MM-dd} "
                                + $"({d.DaysBefore}-day reminder).",
                        }
                    );
                    await audit.AddAsync(
                        AuditWrites.Entry(
                            actor,
                            now,
                            "Protection reminder sent",
                            "License",
                            d.Key,
                            null,
                            new
                            {
                                ProtectionEndsOn = d.EndsOn,
                                d.DaysBefore,
                                To = owner.Email,
                            }
                        )
                    );
                }
                if (inserted.Count == 0)
                    continue;
                await outbox.AddAsync(Email(owner, inserted, today, now));
                sent += inserted.Count;
                emails++;
            }
        }
        // The reminders' audit rows join the chain before they commit (AuditChain).
        if (sent > 0)
            await db.SealAuditLogAsync(ct);
        await tx.CommitAsync(ct);
        return (sent, emails);
    }

    private OutboxMessage Email(Owner owner, List<Due> licenses, DateOnly today, DateTime now)
    {
        var v = vendor.Value;
        static string Left(DateOnly end, DateOnly today) =>
            (end.DayNumber - today.DayNumber) switch
            {
                0 => "today",
                1 => "tomorrow",
                var n => $"in {n} days",
            };
        var one = licenses.Count == 1 ? licenses[0] : null;
        var subject = one is not null
            ? $"Upgrade protection for {one.Product} license {one.Key} ends on {one.EndsOn:d MMMM yyyy}"
            : $"Upgrade protection for {licenses.Count} of your licenses ends soon";
        var list = string.Join(
            "\n",
            licenses.Select(d =>
                $"  {d.Key} · {d.Product} {d.Major}.x {d.Configuration}: ends on {d.EndsOn:d MMMM yyyy} ({Left(d.EndsOn, today)})"
            )
        );
        var about = one is not null
            ? $"Protection reminder: license {one.Key}"
            : $"Protection reminder: {licenses.Count} licenses of {owner.Name}";
        return OutboxMessage.Create(
            now,
            owner.Email,
            subject,
            $"""
            Hello {owner.Name},

            The upgrade protection of {(one is not null ? "this license" : "these licenses")} ends soon:

            {list}

            Upgrade protection gives you every new major version at no charge. Renewed on or before its end date, it runs on for
            12 months from that date, so no day is lost. Once it has lapsed, a renewal runs from the day it is accepted, and moving
            to a new major version needs protection reinstated first.

            Reply to this email or call us on {v.Phone} and we will send you a renewal quote.

            {v.Name} licensing
            """,
            about.Length > 200 ? about[..200] : about
        );
    }
}
