using System.Security.Claims;
using LicensePortal.Data;
using LicensePortal.Features.Audit;
using LicensePortal.Features.Customers;
using LicensePortal.Features.Fraud;
using LicensePortal.Features.Licenses;
using LicensePortal.Features.Outbox;
using LicensePortal.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LicensePortal.Features.Transfers;

public sealed record TransferRow(int Id, int LicenseId, string LicenseKey, string From, int FromCustomerId, string To, int ToCustomerId, TransferKind Kind,
    string Reason, string RequestedByName, DateTime RequestedAt, TransferStatus Status, string? Reference, string? DecidedByName, DateTime? DecidedAt, string? DecisionNote);

public sealed record OwnershipStep(DateOnly? Since, int CustomerId, string Customer, string? Reference, TransferKind? Kind);

/// <summary>
/// Transfers and leases need a manager's written consent (DOMAIN.md, Transfers). The four-eyes
/// rule — a manager who is not the requester — is enforced here, not only in the pages.
/// </summary>
public sealed class TransferService(
    IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, IOptions<VendorOptions> vendor, IServiceScopeFactory scopes, OutboxService outbox)
{
    public const string RequestPolicy = Policies.Licenses;

    /// <summary>Requests consent; the new owner is an existing customer or one entered on the spot (created in the same transaction).</summary>
    public async Task<int> RequestAsync(ClaimsPrincipal actor, int licenseId, int? toCustomerId, CustomerForm? newCustomer, TransferKind kind, string reason)
    {
        actor.Demand(RequestPolicy, "Only sales, the fraud team and managers request transfers.");
        if (string.IsNullOrWhiteSpace(reason)) throw new DomainException("Give the reason for the transfer: it is printed on the consent letter.");
        if (toCustomerId is null == newCustomer is null) throw new DomainException("Choose the new owner, or enter a new customer.");
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync();
        await using var tx = await db.Database.BeginTransactionAsync();
        var license = await db.Licenses.FirstOrDefaultAsync(l => l.Id == licenseId) ?? throw new DomainException("That license no longer exists.");
        await CheckTransferableAsync(db, license);
        if (toCustomerId == license.CustomerId) throw new DomainException("The license already belongs to that customer.");
        if (await db.TransferRequests.AnyAsync(t => t.LicenseId == licenseId && t.Status == TransferStatus.Pending))
            throw new DomainException($"{license.Key} already has a transfer request waiting for approval.");

        int to;
        if (newCustomer is not null)
        {
            var problems = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
            if (!System.ComponentModel.DataAnnotations.Validator.TryValidateObject(newCustomer, new(newCustomer), problems, true))
                throw new DomainException(string.Join(" ", problems.Select(p => p.ErrorMessage)));
            var customer = new Customer { CreatedAt = now };
            newCustomer.ApplyTo(customer);
            db.Customers.Add(customer);
            await db.SaveChangesAsync();
            db.Audit(actor, now, "Customer created", "Customer", customer.Id, null, CustomerForm.From(customer));
            to = customer.Id;
        }
        else
        {
            to = await db.Customers.Where(c => c.Id == toCustomerId).Select(c => (int?)c.Id).FirstOrDefaultAsync() ?? throw new DomainException("That customer no longer exists.");
        }

        var request = new TransferRequest
        {
            LicenseId = licenseId, FromCustomerId = license.CustomerId, ToCustomerId = to, Kind = kind, Reason = reason.Trim(),
            RequestedBy = actor.Identity?.Name ?? "", RequestedByName = actor.FindFirst(UserClaims.DisplayName)?.Value ?? actor.Identity?.Name ?? "",
            RequestedAt = now, Status = TransferStatus.Pending,
        };
        db.TransferRequests.Add(request);
        await db.SaveOrRefuseAsync($"{license.Key} already has a transfer request waiting for approval.");
        db.Audit(actor, now, "Transfer requested", "License", license.Key, null, new { request.Id, From = request.FromCustomerId, To = to, request.Kind, request.Reason });
        await db.SaveChangesAsync();
        await tx.CommitAsync();
        return request.Id;
    }

    /// <summary>
    /// Approves in one transaction: ownership changes, the consent letter is made and stored with
    /// its reference, audit rows are written, and both owners' emails with the letter are queued.
    /// </summary>
    public async Task ApproveAsync(ClaimsPrincipal actor, int id, string? note)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync();
        var request = await DecidableAsync(db, actor, id);
        var license = await db.Licenses.Include(l => l.Product).Include(l => l.Edition).Include(l => l.Level).SingleAsync(l => l.Id == request.LicenseId);
        await CheckTransferableAsync(db, license);
        if (license.CustomerId != request.FromCustomerId) throw new DomainException("The license changed owner since this request was made: reject it and make a new one.");
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
        request.EffectiveOn = DateOnly.FromDateTime(now);
        request.Letter = ConsentLetterPdf.Render(request, license, from, to, vendor.Value);
        license.CustomerId = to.Id;
        db.LicenseEvents.Add(new LicenseEvent
        {
            LicenseId = license.Id, At = now, Kind = LicenseEventKinds.OwnerChanged, UserName = actor.Identity?.Name ?? "",
            Description = $"{(request.Kind == TransferKind.Lease ? "Leased" : "Transferred")} from {from.Name} to {to.Name} with written consent {request.Reference}.",
        });
        db.Audit(actor, now, "Transfer approved", "License", license.Key, new { Owner = from.Name }, new { Owner = to.Name, request.Reference, request.Kind });
        db.Audit(actor, now, "Consent letter issued", "TransferRequest", request.Id, null, new { request.Reference, Bytes = request.Letter.Length });
        var attachment = ($"{request.Reference}.pdf", "application/pdf", request.Letter);
        foreach (var party in new[] { from, to })
            OutboxService.Enqueue(db, now, party.Email, $"Written consent {request.Reference}: license {license.Key}",
                $"""
                Hello {party.Name},

                {vendor.Value.Name} consents to the {(request.Kind == TransferKind.Lease ? "lease" : "transfer")} of {license.Product!.Name} license {license.Key} from {from.Name} to {to.Name}, effective {request.EffectiveOn:d MMMM yyyy}.
                The consent letter {request.Reference} is attached; please keep it with your license records.

                {name}, {title}
                {vendor.Value.Name}
                """, $"Transfer {request.Reference}", attachment);
        await db.SaveOrRefuseAsync("Someone else decided this request at the same time.");
        await tx.CommitAsync();
        await outbox.DispatchDueAsync();
    }

    public async Task RejectAsync(ClaimsPrincipal actor, int id, string note)
    {
        if (string.IsNullOrWhiteSpace(note)) throw new DomainException("Say why the request is rejected: the requester reads it.");
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync();
        var request = await DecidableAsync(db, actor, id);
        var (name, title) = await ManagerAsync(actor);
        request.Status = TransferStatus.Rejected;
        request.DecidedBy = actor.Identity?.Name;
        request.DecidedByName = name;
        request.DecidedByTitle = title;
        request.DecidedAt = now;
        request.DecisionNote = note.Trim();
        db.Audit(actor, now, "Transfer rejected", "TransferRequest", request.Id, new { Status = TransferStatus.Pending }, new { request.Status, Note = request.DecisionNote });
        await db.SaveOrRefuseAsync("Someone else decided this request at the same time.");
    }

    public async Task<PageResult<TransferRow>> ListAsync(ClaimsPrincipal actor, TransferStatus? status, int? customerId, PageRequest page, CancellationToken ct = default)
    {
        actor.Demand(RequestPolicy, "Only sales, the fraud team and managers see transfers.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var q = db.TransferRequests.AsNoTracking();
        if (status is { } s) q = q.Where(t => t.Status == s);
        if (customerId is { } c) q = q.Where(t => t.FromCustomerId == c || t.ToCustomerId == c);
        var total = await q.CountAsync(ct);
        var rows = await q.OrderByDescending(t => t.Id).Page(page)
            .Select(t => new TransferRow(t.Id, t.LicenseId, t.License!.Key, t.FromCustomer!.Name, t.FromCustomerId, t.ToCustomer!.Name, t.ToCustomerId, t.Kind,
                t.Reason, t.RequestedByName, t.RequestedAt, t.Status, t.Reference, t.DecidedByName, t.DecidedAt, t.DecisionNote))
            .ToListAsync(ct);
        return new(rows, total);
    }

    /// <summary>The stored letter: every download returns the same bytes.</summary>
    public async Task<(string Reference, byte[] Pdf)?> LetterAsync(ClaimsPrincipal actor, int id, CancellationToken ct = default)
    {
        actor.Demand(RequestPolicy, "Only sales, the fraud team and managers see consent letters.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var letter = await db.TransferRequests.Where(t => t.Id == id && t.Letter != null).Select(t => new { t.Reference, t.Letter }).FirstOrDefaultAsync(ct);
        return letter is null ? null : (letter.Reference!, letter.Letter!);
    }

    /// <summary>The owners of a license in order, from the first to the present one.</summary>
    public async Task<IReadOnlyList<OwnershipStep>> OwnershipChainAsync(int licenseId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var license = await db.Licenses.Where(l => l.Id == licenseId).Select(l => new { l.CustomerId, Customer = l.Customer!.Name, l.PurchasedOn }).SingleAsync(ct);
        var transfers = await db.TransferRequests.Where(t => t.LicenseId == licenseId && t.Status == TransferStatus.Approved).OrderBy(t => t.DecidedAt)
            .Select(t => new { t.FromCustomerId, From = t.FromCustomer!.Name, t.ToCustomerId, To = t.ToCustomer!.Name, t.EffectiveOn, t.Reference, t.Kind }).ToListAsync(ct);
        if (transfers.Count == 0) return [new(license.PurchasedOn, license.CustomerId, license.Customer, null, null)];
        return [new(license.PurchasedOn, transfers[0].FromCustomerId, transfers[0].From, null, null),
            .. transfers.Select(t => new OwnershipStep(t.EffectiveOn, t.ToCustomerId, t.To, t.Reference, t.Kind))];
    }

    private static async Task CheckTransferableAsync(AppDbContext db, License license)
    {
        if (license.Status == LicenseStatus.Disabled) throw new DomainException($"{license.Key} is disabled: a disabled license can't be transferred.");
        if (await db.FraudCases.AnyAsync(c => c.LicenseId == license.Id && FraudCase.OpenStates.Contains(c.State)))
            throw new DomainException($"{license.Key} has an open fraud case: it can't be transferred until the case is closed.");
    }

    /// <summary>The approver must hold the Manager role and must not be the requester.</summary>
    private static async Task<TransferRequest> DecidableAsync(AppDbContext db, ClaimsPrincipal actor, int id)
    {
        actor.Demand(Policies.Manager, "Only a manager can approve or reject a transfer.");
        var request = await db.TransferRequests.FirstOrDefaultAsync(t => t.Id == id) ?? throw new DomainException("That transfer request no longer exists.");
        if (request.Status != TransferStatus.Pending) throw new DomainException($"The request was already {request.Status.ToString().ToLowerInvariant()}.");
        if (string.Equals(request.RequestedBy, actor.Identity?.Name, StringComparison.OrdinalIgnoreCase))
            throw new DomainException("You requested this transfer, so another manager must decide it (four-eyes rule).");
        return request;
    }

    private async Task<(string Name, string Title)> ManagerAsync(ClaimsPrincipal actor)
    {
        await using var scope = scopes.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<Data.ApplicationUser>>().FindByNameAsync(actor.Identity?.Name ?? "");
        return (user?.DisplayName ?? actor.FindFirst(UserClaims.DisplayName)?.Value ?? actor.Identity?.Name ?? "", user?.Title ?? "Licensing Manager");
    }

}

public static class TransfersFeature
{
    public static IServiceCollection AddTransfersFeature(this IServiceCollection services) => services.AddScoped<TransferService>();

    public static IEndpointConventionBuilder MapTransferEndpoints(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/transfers/{id:int}/letter.pdf", async (int id, ClaimsPrincipal user, TransferService transfers, CancellationToken ct) =>
            await transfers.LetterAsync(user, id, ct) is { } letter ? Results.File(letter.Pdf, "application/pdf", $"{letter.Reference}.pdf") : Results.NotFound())
        .RequireAuthorization(TransferService.RequestPolicy);
}
