using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using System.Text;
using LicensePortal.Data;
using LicensePortal.Features.Installations;
using LicensePortal.Features.Licensing;
using LicensePortal.Features.Quotes;
using LicensePortal.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LicensePortal.Features.Licenses;

/// <summary>One license in full, issuing new licenses, and the CSV export of the license list.</summary>
public sealed class LicenseDetailService(
    IDbContextFactory<AppDbContext> dbFactory,
    VendorCalendar calendar,
    IOptions<InstallationOptions> installationOptions,
    LicenseService licenses
)
{
    /// <summary>
    /// The license in full for <paramref name="reader"/>. Quotes belong to Sales and Managers (docs/RULES.md): anyone else
    /// gets no quotes, and the timeline's upgrades and renewals without the quote's number and amount.
    /// </summary>
    public async Task<LicenseDetail> DetailAsync(int id, ClaimsPrincipal reader, CancellationToken ct = default)
    {
        var readsQuotes = Policies.RolesFor[Policies.Sales].Any(reader.IsInRole);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var license =
            await db
                .Licenses.AsNoTracking()
                .Include(l => l.Customer)
                .Include(l => l.Product)
                .Include(l => l.Edition)
                .Include(l => l.Level)
                .FirstOrDefaultAsync(l => l.Id == id, ct)
            ?? throw new DomainException("That license no longer exists.");
        var now = calendar.UtcNow;
        var today = calendar.Today;
        var options = installationOptions.Value;
        var majors = await db.MajorsAsync(license.ProductId, ct);
        var installations = await db
            .Installations.AsNoTracking()
            .Where(i => i.LicenseId == id)
            .OrderByDescending(i => i.LastSeenAt)
            .ToListAsync(ct);
        var standing = await db.StandingAsync(id, now, options, ct);
        var stints = await db.InstallationStints.AsNoTracking().Where(s => s.LicenseId == id).ToListAsync(ct);
        var quotes = await db
            .QuoteItems.Where(i => readsQuotes && i.LicenseId == id)
            .OrderByDescending(i => i.QuoteId)
            .Select(i => new
            {
                i.QuoteId,
                Number = db.Quotes.Where(q => q.Id == i.QuoteId).Select(q => q.Number).First(),
                Quote = db.Quotes.Where(q => q.Id == i.QuoteId).Select(q => new { q.Status, q.ValidUntil }).First(),
                i.Subtotal,
            })
            .ToListAsync(ct);
        var events = await db.LicenseEvents.Where(e => e.LicenseId == id).ToListAsync(ct);
        var evidence = await ReleaseService.EvidenceAsync(db, id, now, options, ct);
        // Which release ended each stint, so a staff decision (a transfer, a lease's end) is not told as the product's.
        var releasedBy = await db
            .InstallationReleases.Where(r => r.LicenseId == id && r.EffectiveAt != null)
            .Select(r => new ReleaseEnd(r.InstallationId, r.EffectiveAt!.Value, r.Source))
            .ToListAsync(ct);
        var cases = await db
            .FraudCases.Where(c => c.LicenseId == id)
            .OrderByDescending(c => c.Id)
            .Select(c => new LicenseCase(c.Id, c.State, c.OpenedAt, c.Outcome))
            .ToListAsync(ct);
        var timeline = events
            .Select(e => new TimelineEntry(e.At, e.Kind, readsQuotes ? e.Description : WithoutQuote(e.Description), e.UserName))
            .Append(
                new TimelineEntry(
                    license.PurchasedOn.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
                    "Purchased",
                    $"Bought as {license.Product!.Name} {license.Major}.x for {license.PricePaid.Usd()}.",
                    null
                )
            )
            // A server activated offline on its first appearance has its "Activated offline" entry instead: it never checked in.
            .Concat(
                installations
                    .Where(i => !(i.OfflineUntil is not null && i.StintStartedAt == i.FirstSeenAt && i.LastSeenAt == i.FirstSeenAt))
                    .Select(i => new TimelineEntry(
                        i.FirstSeenAt,
                        "Installed",
                        $"First check-in from {i.Hostname} ({i.ProductVersion}).",
                        null
                    ))
            )
            .Concat(
                installations
                    .Where(i => i.StintStartedAt > i.FirstSeenAt)
                    .Select(i => new TimelineEntry(
                        i.StintStartedAt,
                        "Back",
                        $"{i.Hostname} checked in again and counts from then on.",
                        null
                    ))
            )
            .Concat(
                installations
                    .Where(i => i.ReleasedAt is not null)
                    .Select(i => new TimelineEntry(
                        i.ReleasedAt!.Value,
                        i.ReleasedAt > now ? "Release settling" : "Released",
                        i.ReleasedAt > now ? $"{i.Hostname} stops counting then, unless it checks in before."
                        : ReleasedBy(releasedBy, i.Id, i.ReleasedAt) switch
                        {
                            ReleaseSource.Product => $"{i.Hostname} released the key.",
                            ReleaseSource.ReleaseCode => $"{i.Hostname} released with its release code.",
                            _ => $"{i.Hostname} no longer counts.",
                        },
                        null
                    ))
            )
            .Concat(
                installations
                    .Where(i => i.DecommissionedAt is not null)
                    .Select(i => new TimelineEntry(
                        i.DecommissionedAt!.Value,
                        "Decommissioned",
                        $"{i.Hostname} was marked decommissioned and no longer counts.",
                        null
                    ))
            )
            .Concat(stints.Select(s => StintEnd(s, options)))
            .Concat(
                stints
                    .Where(s => s.StartedAt > installations.First(i => i.Id == s.InstallationId).FirstSeenAt)
                    .Select(s => new TimelineEntry(s.StartedAt, "Back", $"{s.Hostname} checked in again and counted from then on.", null))
            )
            .OrderByDescending(t => t.At)
            .ToList();
        return new(
            license,
            Entitlements.For(license.Major, license.ProtectionEndsOn, majors, today),
            standing,
            [.. installations.Select(i => InstallationView.Of(i, license, today, now, options))],
            [
                .. quotes.Select(q => new LicenseQuote(
                    q.QuoteId,
                    q.Number,
                    q.Quote.ValidUntil,
                    Quote.StateOn(q.Quote.Status, q.Quote.ValidUntil, today),
                    q.Subtotal
                )),
            ],
            timeline,
            cases,
            evidence
        );
    }

    private sealed record ReleaseEnd(long InstallationId, DateTime At, ReleaseSource Source);

    private static ReleaseSource? ReleasedBy(List<ReleaseEnd> ends, long installationId, DateTime? at) =>
        ends.FirstOrDefault(e => e.InstallationId == installationId && e.At == at)?.Source;

    /// <summary>How an earlier stint ended, for the timeline: the release or decommissioning stays on record after the machine came
    /// back.</summary>
    private static TimelineEntry StintEnd(InstallationStint s, InstallationOptions options) =>
        s.DecommissionedAt is { } d ? new(d, "Decommissioned", $"{s.Hostname} was marked decommissioned (it checked in again later).", null)
        : s.ReleasedAt is { } r ? new(r, "Released", $"{s.Hostname} released the key (it checked in again later).", null)
        : s.OfflineUntil is { } until && until >= s.LastSeenAt + options.ActiveWithin
            ? new(until, "Offline file expired", $"{s.Hostname}'s offline license file ran out (it was activated again later).", null)
        : new(
            InstallationStanding.EndOf(s.Facts, options),
            "Went silent",
            $"{s.Hostname} stopped checking in after {s.LastSeenAt:yyyy-MM-dd} (it checked in again later).",
            null
        );

    /// <summary>Issues a new license with a random key, its history entry and audit row in one transaction.</summary>
    public async Task<int> IssueAsync(ClaimsPrincipal actor, int customerId, IssueLicenseForm form)
    {
        actor.Demand(Policies.Sales, "Only sales staff and managers issue licenses.");
        var problems = new List<ValidationResult>();
        if (!Validator.TryValidateObject(form, new ValidationContext(form), problems, true))
            throw new DomainException(string.Join(" ", problems.Select(p => p.ErrorMessage)));

        await using var db = await dbFactory.CreateDbContextAsync();
        if (!await db.Customers.AnyAsync(c => c.Id == customerId))
            throw new DomainException("That customer no longer exists.");
        var product = await db.Products.FindAsync(form.ProductId) ?? throw new DomainException("That product no longer exists.");
        var majors = await db.MajorsAsync(product.Id, default);
        var today = calendar.Today;
        if (!majors.Any(m => m.Major == form.Major && m.ReleasedOn <= today))
            throw new DomainException($"{product.Name} {form.Major}.x has not been released.");
        if (ReleaseCalendar.IsLegacy(form.Major, majors, today))
            throw new DomainException($"{product.Name} {form.Major}.x is legacy and no longer sold.");
        var entry = await db.PriceListEntries.FirstOrDefaultAsync(e =>
            e.EditionId == form.EditionId
            && e.LevelId == form.LevelId
            && db.PriceLists.Any(p => p.Id == e.PriceListId && p.ProductId == product.Id && p.Major == form.Major)
        );
        if (entry is null)
            throw new DomainException($"The {product.Name} {form.Major}.x price list does not sell that edition at that level.");
        // A discount or extra protection is a second person's decision: a manager issues such a license.
        var listPrice = entry.LicensePrice + (form.HasFailover ? entry.FailoverPrice : 0);
        var belowList = decimal.Round(form.PricePaid, 2) < listPrice;
        var extraProtection = form.ProtectionMonths > ProtectionRenewal.Months;
        var exception = belowList || extraProtection;
        if (exception)
            await db.DemandCurrentAsync(
                actor,
                Policies.Manager,
                (
                    belowList
                        ? $"{form.PricePaid.Usd()} is below this license's list price of {listPrice.Usd()}"
                        : $"{form.ProtectionMonths} months of upgrade protection is more than the "
                            + $"{ProtectionRenewal.Months} a sale includes"
                ) + ": a manager issues such a license. Ask one to issue it."
            );

        var key = LicenseKey.New();
        while (await db.Licenses.AnyAsync(l => l.Key == key))
            key = LicenseKey.New();
        var now = calendar.UtcNow;
        var license = new License
        {
            Key = key,
            CustomerId = customerId,
            ProductId = product.Id,
            Major = form.Major,
            EditionId = form.EditionId,
            LevelId = form.LevelId,
            HasFailover = form.HasFailover,
            PurchasedOn = today,
            PricePaid = decimal.Round(form.PricePaid, 2),
            ProtectionEndsOn = form.ProtectionMonths > 0 ? today.AddMonths(form.ProtectionMonths) : null,
            Status = LicenseStatus.Active,
            CreatedAt = now,
        };
        db.Licenses.Add(license);
        db.LicenseEvents.Add(
            new LicenseEvent
            {
                License = license,
                At = now,
                Kind = LicenseEventKinds.Issued,
                UserName = actor.Identity?.Name ?? "",
                Description =
                    $"Issued as {product.Name} {form.Major}.x for {license.PricePaid.Usd()}"
                    + (belowList ? $", below its list price of {listPrice.Usd()} (a manager's decision)." : "."),
            }
        );
        db.Audit(
            actor,
            now,
            "License issued",
            "License",
            license.Key,
            null,
            new
            {
                license.Key,
                license.CustomerId,
                product.Name,
                license.Major,
                license.EditionId,
                license.LevelId,
                license.HasFailover,
                license.PricePaid,
                license.ProtectionEndsOn,
                ListPrice = listPrice,
                ApprovedByManager = exception,
            }
        );
        await db.SaveChangesAsync();
        return license.Id;
    }

    /// <summary>The list price of a configuration, to suggest as the price paid.</summary>
    public async Task<decimal?> ListPriceAsync(int productId, int major, int editionId, int levelId, bool failover)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var entry = await db.PriceListEntries.FirstOrDefaultAsync(e =>
            e.EditionId == editionId
            && e.LevelId == levelId
            && db.PriceLists.Any(p => p.Id == e.PriceListId && p.ProductId == productId && p.Major == major)
        );
        return entry is null ? null : entry.LicensePrice + (failover ? entry.FailoverPrice : 0);
    }

    /// <summary>Writes the filtered license list as CSV, a page at a time, so a million rows never sit in memory.</summary>
    public async Task ExportCsvAsync(LicenseFilter filter, Stream output, CancellationToken ct) => await WriteCsvAsync(filter, output, ct);

    /// <summary>
    /// An export by a person: who took which filter and how many keys is audited once the file is written.
    /// Nothing changes state, so the row is its own save; an export cut off half-way is audited with what was written.
    /// </summary>
    public async Task<int> ExportCsvAsync(ClaimsPrincipal actor, LicenseFilter filter, Stream output, CancellationToken ct)
    {
        var written = 0;
        try
        {
            written = await WriteCsvAsync(filter, output, ct);
        }
        finally
        {
            await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
            db.Audit(
                actor,
                calendar.UtcNow,
                "Licenses exported",
                "License",
                "export.csv",
                null,
                // The filters by name, each one that was set (the audit log leaves out the empty ones).
                new
                {
                    filter.Search,
                    Product = filter.ProductId,
                    filter.Status,
                    filter.Protection,
                    OverAllowance = filter.OverAllowance ? true : (bool?)null,
                    Customer = filter.CustomerId,
                    filter.Legacy,
                    filter.Major,
                    Failover = filter.HasFailover,
                    filter.Edition,
                    Level = filter.LevelId,
                    filter.DisabledSince,
                    Keys = written,
                }
            );
            await db.SaveChangesAsync(CancellationToken.None);
        }
        return written;
    }

    private async Task<int> WriteCsvAsync(LicenseFilter filter, Stream output, CancellationToken ct)
    {
        var written = 0;
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), bufferSize: 1 << 16);
        await writer.WriteLineAsync("key,customer,product,major,edition,level,failover,purchased_on,protection_ends_on,status,legacy");
        const int pageSize = PageRequest.MaxPageSize;
        for (var after = 0; ;)
        {
            var rows = (
                await licenses.ListAsync(filter with { AfterId = after }, new PageRequest(0, pageSize, null, false), ct, countTotal: false)
            ).Rows;
            foreach (var r in rows)
                await writer.WriteLineAsync(
                    string.Join(
                        ',',
                        CsvCell.Of(r.Key),
                        CsvCell.Of(r.Customer),
                        CsvCell.Of(r.Product),
                        r.Major.ToString(CultureInfo.InvariantCulture),
                        CsvCell.Of(r.Edition),
                        CsvCell.Of(r.Level),
                        r.HasFailover ? "yes" : "no",
                        r.PurchasedOn.ToString("yyyy-MM-dd"),
                        r.ProtectionEndsOn?.ToString("yyyy-MM-dd") ?? "",
                        r.Status,
                        r.IsLegacy ? "yes" : "no"
                    )
                );
            await writer.FlushAsync(ct);
            written += rows.Count;
            if (rows.Count < pageSize)
                break;
            after = rows[^1].Id;
        }
        return written;
    }

    /// <summary>"… by quote Q-2026-00012 ($549.00)." without the quote's number and amount.</summary>
    private static string WithoutQuote(string description) =>
        System.Text.RegularExpressions.Regex.Replace(description, @",? by quote [^\s(]+( \([^)]*\))?", "");
}
