using System.Security.Claims;
using LicensePortal.Data;
using LicensePortal.Features.Customers;
using LicensePortal.Features.Fraud;
using LicensePortal.Features.Installations;
using LicensePortal.Features.Licenses;
using LicensePortal.Features.Licensing;
using LicensePortal.Features.Outbox;
using LicensePortal.Features.Users;
using LicensePortal.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LicensePortal.Features.Transfers;

/// <summary>
/// Transfers and leases need a manager's written consent (docs/RULES.md, Transfers and leases). The four-eyes
/// rule — a manager who is not the requester — is enforced here, not only in the pages.
/// </summary>
public sealed class TransferService(
    IDbContextFactory<AppDbContext> dbFactory,
    VendorCalendar calendar,
    IOptions<VendorOptions> vendor,
    IOptions<InstallationOptions> installationOptions,
    OutboxWakeup outbox,
    ILogger<TransferService> logger
)
{
    public const string RequestPolicy = Policies.Licenses;

    /// <summary>The longest lease the portal records.</summary>
    public const int MaxLeaseYears = 10;
    public const int MaxReasonLength = 1000,
        MaxNoteLength = 1000;
    public const string ReasonMessage = "Give the reason for the transfer: it is printed on the consent letter.";
    public const string ChooseOwnerMessage = "Choose the new owner, or enter a new customer.";
    public const string LeaseEndMessage = "Give the date the lease ends: the license returns to its owner then.";

    public static readonly ClaimsPrincipal LeaseClock = new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "lease end")], "system"));

    /// <summary>Requests consent; the new owner is an existing customer or one entered on the spot (created in the same
    /// transaction).</summary>
    public async Task<int> RequestAsync(
        ClaimsPrincipal actor,
        int licenseId,
        int? toCustomerId,
        CustomerForm? newCustomer,
        TransferKind kind,
        string reason,
        DateOnly? leaseEndsOn = null
    )
    {
        actor.Demand(RequestPolicy, "Only sales, the fraud team and managers request transfers.");
        if (string.IsNullOrWhiteSpace(reason))
            throw new DomainException(ReasonMessage);
        TextLimit.Check(reason, MaxReasonLength, "reason");
        if (toCustomerId is null == newCustomer is null)
            throw new DomainException(ChooseOwnerMessage);
        CheckLeaseEnd(kind, leaseEndsOn, calendar.Today);
        var now = calendar.UtcNow;
        await using var db = await dbFactory.CreateDbContextAsync();
        var license =
            await db.Licenses.FirstOrDefaultAsync(l => l.Id == licenseId) ?? throw new DomainException("That license no longer exists.");
        await CheckTransferableAsync(db, license);
        if (toCustomerId == license.CustomerId)
            throw new DomainException("The license already belongs to that customer.");
        if (await db.TransferRequests.AnyAsync(t => t.LicenseId == licenseId && t.Status == TransferStatus.Pending))
            throw new DomainException($"{license.Key} already has a transfer request waiting for approval.");

        Customer? created = null;
        if (newCustomer is not null)
        {
            var problems = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
            if (!System.ComponentModel.DataAnnotations.Validator.TryValidateObject(newCustomer, new(newCustomer), problems, true))
                throw new DomainException(string.Join(" ", problems.Select(p => p.ErrorMessage)));
            created = new Customer { CreatedAt = now };
            newCustomer.ApplyTo(created);
            db.Customers.Add(created);
            db.Audit(actor, now, "Customer created", "Customer", () => created.Id, null, () => CustomerForm.From(created));
        }
        else if (!await db.Customers.AnyAsync(c => c.Id == toCustomerId))
        {
            throw new DomainException("That customer no longer exists.");
        }

        var request = new TransferRequest
        {
            LicenseId = licenseId,
            FromCustomerId = license.CustomerId,
            ToCustomerId = toCustomerId ?? 0,
            ToCustomer = created,
            Kind = kind,
            Reason = reason.Trim(),
            RequestedBy = actor.Identity?.Name ?? "",
            RequestedByName = actor.FindFirst(UserClaims.DisplayName)?.Value ?? actor.Identity?.Name ?? "",
            RequestedAt = now,
            Status = TransferStatus.Pending,
            LeaseEndsOn = kind == TransferKind.Lease ? leaseEndsOn : null,
        };
        db.TransferRequests.Add(request);
        db.Audit(
            actor,
            now,
            "Transfer requested",
            "License",
            () => license.Key,
            null,
            () =>
                new
                {
                    request.Id,
                    From = request.FromCustomerId,
                    To = request.ToCustomerId,
                    request.Kind,
                    request.Reason,
                    request.LeaseEndsOn,
                }
        );
        await db.SaveOrRefuseAsync($"{license.Key} already has a transfer request waiting for approval.");
        return request.Id;
    }

    /// <summary>A lease needs an end date after today and within <see cref="MaxLeaseYears"/> years; a transfer has none.</summary>
    private static void CheckLeaseEnd(TransferKind kind, DateOnly? leaseEndsOn, DateOnly today)
    {
        if (kind == TransferKind.Transfer && leaseEndsOn is not null)
            throw new DomainException("A transfer has no end date: choose Lease for a license that comes back.");
        if (kind != TransferKind.Lease)
            return;
        if (leaseEndsOn is not { } end)
            throw new DomainException(LeaseEndMessage);
        if (end <= today)
            throw new DomainException($"The lease must end after today ({today:d MMM yyyy}).");
        if (end > today.AddYears(MaxLeaseYears))
            throw new DomainException($"A lease can run for at most {MaxLeaseYears} years.");
    }

    /// <summary>
    /// Approves in one transaction: ownership changes, the old owner's installations are released
    /// as of now and the new owner starts with the full migration window, the consent letter is made
    /// and stored with its reference, audit rows are written, and both owners' emails with the letter are queued.
    /// </summary>
    /// <summary>
    /// Approves the request. While an offline license file of the license is still valid, the approver must acknowledge
    /// files valid until at least the latest one (<paramref name="offlineFilesAcknowledgedUntil"/>): the old owner's
    /// server can run until it expires.
    /// </summary>
    public async Task ApproveAsync(ClaimsPrincipal actor, int id, string? note, DateTime? offlineFilesAcknowledgedUntil = null)
    {
        var now = calendar.UtcNow;
        await using var db = await dbFactory.CreateDbContextAsync();
        var request = await DecidableAsync(db, actor, id);
        // After the role check: someone who may not decide is told that, not how long a note may be.
        TextLimit.Check(note, MaxNoteLength, "note");
        var license = await db
            .Licenses.Include(l => l.Product)
            .Include(l => l.Edition)
            .Include(l => l.Level)
            .SingleAsync(l => l.Id == request.LicenseId);
        await CheckTransferableAsync(db, license);
        if (license.CustomerId != request.FromCustomerId)
            throw new DomainException("The license changed owner since this request was made: reject it and make a new one.");
        var from = await db.Customers.SingleAsync(c => c.Id == request.FromCustomerId);
        var to = await db.Customers.SingleAsync(c => c.Id == request.ToCustomerId);
        var (name, title) = await ManagerAsync(actor);

        await using var tx = await db.Database.BeginTransactionAsync();
        request.Status = TransferStatus.Approved;
        request.Reference = $"TC-{now.Year}-{await db.NextAsync($"consent-{now.Year}"):00000}";
        request.DecidedBy = actor.Identity?.Name;
        request.DecidedByName = name;
        request.DecidedByTitle = title;
        request.DecidedAt = now;
        request.DecisionNote = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        request.EffectiveOn = calendar.Today;
        // A lease requested before leases had end dates, or whose end has passed, can't be approved as it stands.
        try
        {
            CheckLeaseEnd(request.Kind, request.LeaseEndsOn, request.EffectiveOn.Value);
        }
        catch (DomainException ex)
        {
            throw new DomainException($"{ex.Message} Reject this request and make a new one.");
        }
        request.Letter = ConsentLetterPdf.Render(request, license, from, to, vendor.Value, installationOptions.Value.MigrationWindowDays);
        var files = await db.ValidOfflineFilesAsync(license.Id, now);
        OfflineFiles.RequireAcknowledged(files, offlineFilesAcknowledgedUntil);
        var released = await ChangeOwnerAsync(db, license, to.Id, now);
        db.LicenseEvents.Add(
            new LicenseEvent
            {
                LicenseId = license.Id,
                At = now,
                Kind = LicenseEventKinds.OwnerChanged,
                UserName = actor.Identity?.Name ?? "",
                Description =
                    $"{(request.Kind == TransferKind.Lease ? $"Leased until {request.LeaseEndsOn:yyyy-MM-dd}" : "Transferred")} from "
                    + $"{from.Name} to {to.Name} "
                    + $"with written consent {request.Reference}; {released} installation(s) of {from.Name} released."
                    + (files.Count > 0 ? $" Acknowledged: {OfflineFiles.Describe(files)}." : ""),
            }
        );
        db.Audit(
            actor,
            now,
            "Transfer approved",
            "License",
            license.Key,
            new { Owner = from.Name },
            new
            {
                Owner = to.Name,
                request.Reference,
                request.Kind,
                request.LeaseEndsOn,
                InstallationsReleased = released,
                OfflineFilesValidUntil = files.Count > 0 ? files[0].ValidUntil : (DateTime?)null,
            }
        );
        db.Audit(
            actor,
            now,
            "Consent letter issued",
            "TransferRequest",
            request.Id,
            null,
            new { request.Reference, Bytes = request.Letter.Length }
        );
        var attachment = ($"{request.Reference}.pdf", "application/pdf", request.Letter);
        foreach (var party in new[] { from, to })
            OutboxService.Enqueue(
                db,
                now,
                party.Email,
                $"Written consent {request.Reference}: license {license.Key}",
                $"""
                Hello {party.Name},

                {vendor.Value.Name} consents to the {(
                    request.Kind == TransferKind.Lease ? $"lease (until {request.LeaseEndsOn:d MMMM yyyy})" : "transfer"
                )} of {license.Product!.Name} license {license.Key} from {from.Name} to {to.Name}, effective {request.EffectiveOn:d MMMM yyyy}.
                The consent letter {request.Reference} is attached; please keep it with your license records.

                {name}, {title}
                {vendor.Value.Name}
                """,
                $"Transfer {request.Reference}",
                attachment
            );
        await db.SaveOrRefuseAsync("Someone else decided this request at the same time.");
        await tx.CommitAsync();
        outbox.Wake();
    }

    public async Task RejectAsync(ClaimsPrincipal actor, int id, string note)
    {
        if (string.IsNullOrWhiteSpace(note))
            throw new DomainException("Say why the request is rejected: the requester reads it.");
        var now = calendar.UtcNow;
        await using var db = await dbFactory.CreateDbContextAsync();
        var request = await DecidableAsync(db, actor, id);
        // After the role check: someone who may not decide is told that, not how long a note may be.
        TextLimit.Check(note, MaxNoteLength, "note");
        var (name, title) = await ManagerAsync(actor);
        request.Status = TransferStatus.Rejected;
        request.DecidedBy = actor.Identity?.Name;
        request.DecidedByName = name;
        request.DecidedByTitle = title;
        request.DecidedAt = now;
        request.DecisionNote = note.Trim();
        db.Audit(
            actor,
            now,
            "Transfer rejected",
            "TransferRequest",
            request.Id,
            new { Status = TransferStatus.Pending },
            new { request.Status, Note = request.DecisionNote }
        );
        await db.SaveOrRefuseAsync("Someone else decided this request at the same time.");
    }

    public async Task<PageResult<TransferRow>> ListAsync(
        ClaimsPrincipal actor,
        TransferStatus? status,
        int? customerId,
        PageRequest page,
        CancellationToken ct = default
    )
    {
        actor.Demand(RequestPolicy, "Only sales, the fraud team and managers see transfers.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var q = db.TransferRequests.AsNoTracking();
        if (status is { } s)
            q = q.Where(t => t.Status == s);
        if (customerId is { } c)
            q = q.Where(t => t.FromCustomerId == c || t.ToCustomerId == c);
        var total = await q.CountAsync(ct);
        var rows = await q.OrderByDescending(t => t.Id)
            .Page(page)
            .Select(t => new TransferRow(
                t.Id,
                t.LicenseId,
                t.License!.Key,
                t.FromCustomer!.Name,
                t.FromCustomerId,
                t.ToCustomer!.Name,
                t.ToCustomerId,
                t.Kind,
                t.Reason,
                t.RequestedByName,
                t.RequestedAt,
                t.Status,
                t.Reference,
                t.DecidedByName,
                t.DecidedAt,
                t.DecisionNote,
                t.LeaseEndsOn,
                t.ReturnedAt,
                t.RequestedBy
            ))
            .ToListAsync(ct);
        return new(rows, total);
    }

    /// <summary>The license's offline files still valid now: approving a change of owner acknowledges them.</summary>
    public async Task<IReadOnlyList<ValidOfflineFile>> ValidOfflineFilesAsync(int licenseId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ValidOfflineFilesAsync(licenseId, calendar.UtcNow, ct);
    }

    /// <summary>The license's request waiting for approval, if any (there is at most one: a second is refused).</summary>
    public async Task<PendingTransfer?> PendingAsync(int licenseId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db
            .TransferRequests.AsNoTracking()
            .Where(t => t.LicenseId == licenseId && t.Status == TransferStatus.Pending)
            .Select(t => new PendingTransfer(
                t.Id,
                t.Kind,
                t.ToCustomer!.Name,
                t.ToCustomerId,
                t.RequestedByName,
                t.RequestedAt,
                t.LeaseEndsOn
            ))
            .FirstOrDefaultAsync(ct);
    }

    /// <summary>The stored letter: every download returns the same bytes.</summary>
    public async Task<(string Reference, byte[] Pdf)?> LetterAsync(ClaimsPrincipal actor, int id, CancellationToken ct = default)
    {
        actor.Demand(RequestPolicy, "Only sales, the fraud team and managers see consent letters.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var letter = await db
            .TransferRequests.Where(t => t.Id == id && t.Letter != null)
            .Select(t => new { t.Reference, t.Letter })
            .FirstOrDefaultAsync(ct);
        return letter is null ? null : (letter.Reference!, letter.Letter!);
    }

    /// <summary>The owners of a license in order, from the first to the present one; a lease that ended hands the license back.</summary>
    public async Task<IReadOnlyList<OwnershipStep>> OwnershipChainAsync(int licenseId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var license = await db
            .Licenses.Where(l => l.Id == licenseId)
            .Select(l => new
            {
                l.CustomerId,
                Customer = l.Customer!.Name,
                l.PurchasedOn,
            })
            .SingleAsync(ct);
        var transfers = await db
            .TransferRequests.Where(t => t.LicenseId == licenseId && t.Status == TransferStatus.Approved)
            .OrderBy(t => t.DecidedAt)
            .Select(t => new
            {
                t.FromCustomerId,
                From = t.FromCustomer!.Name,
                t.ToCustomerId,
                To = t.ToCustomer!.Name,
                t.EffectiveOn,
                t.Reference,
                t.Kind,
                t.ReturnedAt,
                t.DecidedAt,
                t.LeaseEndsOn,
            })
            .ToListAsync(ct);
        if (transfers.Count == 0)
            return [new(license.PurchasedOn, license.CustomerId, license.Customer, null, null)];
        var steps = transfers
            .Select(t => (At: t.DecidedAt!.Value, Step: new OwnershipStep(t.EffectiveOn, t.ToCustomerId, t.To, t.Reference, t.Kind)))
            .Concat(
                transfers
                    .Where(t => t.ReturnedAt is not null)
                    .Select(t =>
                        (
                            At: t.ReturnedAt!.Value,
                            Step: new OwnershipStep(t.LeaseEndsOn, t.FromCustomerId, t.From, t.Reference, TransferKind.Lease)
                        )
                    )
            )
            .OrderBy(s => s.At)
            .Select(s => s.Step);
        return [new(license.PurchasedOn, transfers[0].FromCustomerId, transfers[0].From, null, null), .. steps];
    }

    /// <summary>
    /// The license changes hands as of now: every installation of the owner so far is released (its
    /// history kept) and the new owner starts with the full migration window. Returns how many were released.
    /// </summary>
    private static async Task<int> ChangeOwnerAsync(AppDbContext db, License license, int newOwnerId, DateTime now)
    {
        var installations = await db
            .Installations.Where(i => i.LicenseId == license.Id && (i.ReleasedAt == null || i.ReleasedAt > now))
            .ToListAsync();
        foreach (var installation in installations)
            installation.ReleaseNow(now);
        license.CustomerId = newOwnerId;
        license.RestoreWindow(now);
        return installations.Count;
    }

    /// <summary>
    /// Returns every lease whose end date has come to its lessor: ownership goes back, the lessee's
    /// installations are released, the lessor starts with the full migration window, both parties are
    /// emailed, and it is audited — each lease in its own transaction. Run by <see cref="LeaseReturnService"/>.
    /// </summary>
    public async Task<int> ReturnDueLeasesAsync(CancellationToken ct = default)
    {
        var today = calendar.Today;
        await using var list = await dbFactory.CreateDbContextAsync(ct);
        var due = await list
            .TransferRequests.Where(t =>
                t.Kind == TransferKind.Lease && t.Status == TransferStatus.Approved && t.ReturnedAt == null && t.LeaseEndsOn <= today
            )
            .Select(t => t.Id)
            .ToListAsync(ct);
        var returned = 0;
        foreach (var id in due)
        {
            try
            {
                if (await ReturnLeaseAsync(id, ct))
                    returned++;
            }
            catch (DomainException ex)
            {
                logger.LogWarning("Lease {Id} was not returned: {Reason}", id, ex.Message);
            }
        }
        if (returned > 0)
            outbox.Wake();
        return returned;
    }

    private async Task<bool> ReturnLeaseAsync(int id, CancellationToken ct)
    {
        var now = calendar.UtcNow;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var lease = await db.TransferRequests.SingleAsync(t => t.Id == id, ct);
        var license = await db.Licenses.Include(l => l.Product).SingleAsync(l => l.Id == lease.LicenseId, ct);
        var lessor = await db.Customers.SingleAsync(c => c.Id == lease.FromCustomerId, ct);
        var lessee = await db.Customers.SingleAsync(c => c.Id == lease.ToCustomerId, ct);
        lease.ReturnedAt = now;
        if (license.CustomerId != lessee.Id)
        {
            // The license changed hands again since (with its own consent): the lease has nothing left to return.
            db.Audit(
                LeaseClock,
                now,
                "Lease ended",
                "TransferRequest",
                lease.Id,
                null,
                new { lease.Reference, Note = "The license no longer belonged to the lessee." }
            );
            await db.SaveOrRefuseAsync("The lease changed at the same time.", ct);
            return false;
        }
        var files = await db.ValidOfflineFilesAsync(license.Id, now, ct);
        var released = await ChangeOwnerAsync(db, license, lessor.Id, now);
        db.LicenseEvents.Add(
            new LicenseEvent
            {
                LicenseId = license.Id,
                At = now,
                Kind = LicenseEventKinds.OwnerChanged,
                UserName = LeaseClock.Identity!.Name!,
                Description =
                    $"The lease {lease.Reference} to {lessee.Name} ended on {lease.LeaseEndsOn:yyyy-MM-dd}: returned to {lessor.Name}; "
                    + $"{released} installation(s) of {lessee.Name} released."
                    + (files.Count > 0 ? $" Issued before files ended with the lease: {OfflineFiles.Describe(files)}." : ""),
            }
        );
        db.Audit(
            LeaseClock,
            now,
            "Lease returned",
            "License",
            license.Key,
            new { Owner = lessee.Name },
            new
            {
                Owner = lessor.Name,
                lease.Reference,
                InstallationsReleased = released,
            }
        );
        foreach (var party in new[] { lessor, lessee })
            OutboxService.Enqueue(
                db,
                now,
                party.Email,
                $"Lease {lease.Reference} has ended: license {license.Key}",
                $"""
                Hello {party.Name},

                The lease of {license.Product!.Name} license {license.Key} from {lessor.Name} to {lessee.Name} ended on {lease.LeaseEndsOn:d MMMM yyyy}, as set out in the consent letter {lease.Reference}.
                The license belongs to {lessor.Name} again. The installations of {lessee.Name} no longer count; {lessor.Name} can install it again with the full migration window.

                {vendor.Value.Name} licensing
                """,
                $"Transfer {lease.Reference}"
            );
        await db.SaveOrRefuseAsync("The lease changed at the same time.", ct);
        return true;
    }

    private static async Task CheckTransferableAsync(AppDbContext db, License license)
    {
        if (license.Status == LicenseStatus.Disabled)
            throw new DomainException($"{license.Key} is disabled: a disabled license can't be transferred.");
        if (await db.FraudCases.AnyAsync(c => c.LicenseId == license.Id && FraudCase.OpenStates.Contains(c.State)))
            throw new DomainException($"{license.Key} has an open fraud case: it can't be transferred until the case is closed.");
    }

    /// <summary>The approver must hold the Manager role and must not be the requester.</summary>
    private static async Task<TransferRequest> DecidableAsync(AppDbContext db, ClaimsPrincipal actor, int id)
    {
        await db.DemandCurrentAsync(actor, Policies.Manager, "Only a manager can approve or reject a transfer.");
        var request =
            await db.TransferRequests.FirstOrDefaultAsync(t => t.Id == id)
            ?? throw new DomainException("That transfer request no longer exists.");
        if (request.Status != TransferStatus.Pending)
            throw new DomainException($"The request was already {request.Status.ToString().ToLowerInvariant()}.");
        if (string.Equals(request.RequestedBy, actor.Identity?.Name, StringComparison.OrdinalIgnoreCase))
            throw new DomainException("You requested this transfer, so another manager must decide it (four-eyes rule).");
        return request;
    }

    private async Task<(string Name, string Title)> ManagerAsync(ClaimsPrincipal actor)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        // As Identity normalizes user names (UpperInvariantLookupNormalizer).
        var name = (actor.Identity?.Name ?? "").Normalize().ToUpperInvariant();
        var user = await db
            .Users.Where(u => u.NormalizedUserName == name)
            .Select(u => new { u.DisplayName, u.Title })
            .FirstOrDefaultAsync();
        return (
            user?.DisplayName ?? actor.FindFirst(UserClaims.DisplayName)?.Value ?? actor.Identity?.Name ?? "",
            user?.Title ?? "Licensing Manager"
        );
    }
}
