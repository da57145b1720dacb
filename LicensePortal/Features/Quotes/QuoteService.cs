using System.Security.Claims;
using LicensePortal.Data;
using LicensePortal.Features.Licenses;
using LicensePortal.Features.Licensing;
using LicensePortal.Features.Outbox;
using LicensePortal.Features.Users;
using LicensePortal.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LicensePortal.Features.Quotes;

/// <summary>Upgrade quotes: build, save, send, accept, cancel (docs/RULES.md, Upgrades, renewals and reminders).</summary>
public sealed class QuoteService(
    IDbContextFactory<AppDbContext> dbFactory,
    VendorCalendar calendar,
    IOptions<QuoteOptions> options,
    IOptions<VendorOptions> vendor,
    OutboxWakeup outbox
)
{
    private const string Conflict = "Someone else changed this quote or its licenses at the same time. Reload the page and try again.";

    public QuoteOptions Options => options.Value;

    /// <summary>The customer's active licenses a quote can cover.</summary>
    public async Task<(string Customer, IReadOnlyList<QuoteCandidate> Licenses)> CandidatesAsync(
        ClaimsPrincipal actor,
        int customerId,
        CancellationToken ct = default
    )
    {
        EnsureSales(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var customer =
            await db.Customers.Where(c => c.Id == customerId).Select(c => c.Name).FirstOrDefaultAsync(ct)
            ?? throw new DomainException("That customer no longer exists.");
        var licenses = await db
            .Licenses.Where(l => l.CustomerId == customerId && l.Status == LicenseStatus.Active)
            .OrderBy(l => l.Product!.Name)
            .ThenBy(l => l.Id)
            .Select(l => new QuoteCandidate(
                l.Id,
                l.Key,
                l.ProductId,
                l.Product!.Name,
                l.Major,
                l.EditionId,
                l.Edition!.Name,
                l.LevelId,
                l.Level!.Name,
                l.HasFailover,
                l.ProtectionEndsOn,
                null
            ))
            .ToListAsync(ct);
        var productIds = licenses.Select(l => l.ProductId).Distinct().ToList();
        var majors = (
            await db
                .Releases.Where(r => productIds.Contains(r.ProductId) && r.Minor == 0)
                .Select(r => new
                {
                    r.ProductId,
                    r.Major,
                    r.ReleasedOn,
                })
                .ToListAsync(ct)
        ).ToLookup(r => r.ProductId, r => new MajorRelease(r.Major, r.ReleasedOn));
        var today = calendar.Today;
        return (customer, [.. licenses.Select(l => l with { CurrentMajor = ReleaseCalendar.CurrentMajor(majors[l.ProductId], today) })]);
    }

    public async Task<IReadOnlyList<QuotePreviewItem>> PreviewAsync(
        ClaimsPrincipal actor,
        int customerId,
        IReadOnlyList<QuoteRequestLine> lines,
        CancellationToken ct = default
    )
    {
        EnsureSales(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await PriceAllAsync(db, customerId, lines, ct);
    }

    private async Task<List<QuotePreviewItem>> PriceAllAsync(
        AppDbContext db,
        int customerId,
        IReadOnlyList<QuoteRequestLine> lines,
        CancellationToken ct
    )
    {
        var ids = lines.Select(l => l.LicenseId).ToList();
        var licenses = await db
            .Licenses.AsNoTracking()
            .Include(l => l.Product)
            .Include(l => l.Edition)
            .Include(l => l.Level)
            .Where(l => ids.Contains(l.Id))
            .ToDictionaryAsync(l => l.Id, ct);
        var result = new List<QuotePreviewItem>();
        foreach (var line in lines)
        {
            if (!licenses.TryGetValue(line.LicenseId, out var license))
            {
                result.Add(new(line.LicenseId, "", null, "That license no longer exists."));
                continue;
            }
            try
            {
                if (license.CustomerId != customerId)
                    throw new DomainException($"{license.Key} belongs to another customer: a quote covers one customer's licenses.");
                if (license.Status == LicenseStatus.Disabled)
                    throw new DomainException($"{license.Key} is disabled: it can't be upgraded until it is re-enabled.");
                result.Add(
                    new(
                        license.Id,
                        license.Key,
                        await db.PriceUpgradeAsync(
                            license,
                            new(line.EditionId, line.LevelId, line.HasFailover, line.ToCurrentMajor, line.RenewProtection),
                            calendar.Today,
                            ct
                        ),
                        null,
                        license
                    )
                );
            }
            catch (DomainException ex)
            {
                result.Add(new(license.Id, license.Key, null, ex.Message));
            }
        }
        return result;
    }

    public async Task<int> CreateDraftAsync(
        ClaimsPrincipal actor,
        int customerId,
        IReadOnlyList<QuoteRequestLine> lines,
        int validityDays,
        string? notes
    )
    {
        EnsureSales(actor);
        if (lines.Count == 0)
            throw new DomainException("Add at least one license to the quote.");
        if (lines.Select(l => l.LicenseId).Distinct().Count() != lines.Count)
            throw new DomainException("Each license can appear only once in a quote.");
        if (validityDays is < QuoteTermsForm.MinValidityDays or > QuoteTermsForm.MaxValidityDays)
            throw new DomainException(QuoteTermsForm.ValidityMessage);
        TextLimit.Check(notes, QuoteTermsForm.MaxNotesLength, "notes");
        await using var db = await dbFactory.CreateDbContextAsync();
        var priced = await PriceAllAsync(db, customerId, lines, default);
        if (priced.FirstOrDefault(p => p.Problem is not null) is { } bad)
            throw new DomainException(bad.Problem!);

        var now = calendar.UtcNow;
        var today = calendar.Today;
        await using var tx = await db.Database.BeginTransactionAsync();
        var quote = new Quote
        {
            Number = $"Q-{today.Year}-{await db.NextAsync($"quote-{today.Year}"):000000}",
            CustomerId = customerId,
            QuoteDate = today,
            ValidUntil = today.AddDays(validityDays - 1),
            Status = QuoteStatus.Draft,
            SalesRepName = actor.FindFirst(UserClaims.DisplayName)?.Value ?? actor.Identity?.Name ?? "",
            SalesRepEmail = actor.Identity?.Name ?? "",
            Notes = string.IsNullOrWhiteSpace(notes) ? null : notes.Trim(),
            CreatedAt = now,
        };
        foreach (var (line, p) in lines.Zip(priced))
        {
            var (license, price) = (p.License!, p.Price!);
            var item = new QuoteItem
            {
                LicenseId = license.Id,
                LicenseKey = license.Key,
                ProductName = license.Product!.Name,
                LicenseVersion = license.Version,
                FromMajor = license.Major,
                FromDescription = price.From,
                ToMajor = price.ToMajor,
                ToEditionId = line.EditionId,
                ToLevelId = line.LevelId,
                ToFailover = line.HasFailover,
                ToDescription = price.To,
                ProtectionEndsOnAfter = price.ProtectionEndsOnAfter,
                RenewsProtection = price.RenewsProtection,
                Subtotal = price.Total,
            };
            item.Lines.AddRange(
                price.Lines.Select(
                    (l, i) =>
                        new QuoteLineItem
                        {
                            Position = i,
                            Kind = l.Kind,
                            Title = l.Title,
                            Reason = l.Reason,
                            FromPrice = l.FromPrice,
                            ToPrice = l.ToPrice,
                            Amount = l.Amount,
                        }
                )
            );
            quote.Items.Add(item);
        }
        quote.Total = quote.Items.Sum(i => i.Subtotal);
        db.Quotes.Add(quote);
        db.Audit(
            actor,
            now,
            "Quote created",
            "Quote",
            quote.Number,
            null,
            new
            {
                quote.Number,
                quote.CustomerId,
                quote.Total,
                quote.ValidUntil,
                Licenses = quote.Items.Select(i => i.LicenseKey).ToList(),
            }
        );
        await db.SaveChangesAsync();
        await tx.CommitAsync();
        return quote.Id;
    }

    public async Task<PageResult<QuoteRow>> ListAsync(QuoteFilter filter, PageRequest page, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var today = calendar.Today;
        var quotes = db.Quotes.AsNoTracking();
        var open = new[] { QuoteStatus.Draft, QuoteStatus.Sent };
        quotes = filter.Status switch
        {
            QuoteStatus.Expired => quotes.Where(q => open.Contains(q.Status) && q.ValidUntil < today),
            QuoteStatus.Draft or QuoteStatus.Sent => quotes.Where(q => q.Status == filter.Status && q.ValidUntil >= today),
            { } s => quotes.Where(q => q.Status == s),
            null => quotes,
        };
        if (filter.ExpiringSoon)
        {
            var soon = today.AddDays(options.Value.ExpiringSoonDays);
            quotes = quotes.Where(q => open.Contains(q.Status) && q.ValidUntil >= today && q.ValidUntil <= soon);
        }
        if (!string.IsNullOrWhiteSpace(filter.SalesRepEmail))
            quotes = quotes.Where(q => q.SalesRepEmail == filter.SalesRepEmail);
        if (filter.CustomerId is { } c)
            quotes = quotes.Where(q => q.CustomerId == c);
        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            var term = filter.Search.Trim();
            quotes = quotes.Where(q => q.Number.StartsWith(term.ToUpper()) || EF.Functions.Like(q.Customer!.Name, $"%{term}%"));
        }
        var total = await quotes.CountAsync(ct);
        quotes = (page.SortBy, page.Descending) switch
        {
            (nameof(QuoteRow.ValidUntil), false) => quotes.OrderBy(q => q.ValidUntil).ThenBy(q => q.Id),
            (nameof(QuoteRow.ValidUntil), true) => quotes.OrderByDescending(q => q.ValidUntil).ThenByDescending(q => q.Id),
            (nameof(QuoteRow.Number), false) => quotes.OrderBy(q => q.Id),
            _ => quotes.OrderByDescending(q => q.Id),
        };
        var rows = await quotes
            .Page(page)
            .Select(q => new QuoteRow(
                q.Id,
                q.Number,
                q.CustomerId,
                q.Customer!.Name,
                q.SalesRepName,
                q.QuoteDate,
                q.ValidUntil,
                q.Status,
                q.Total,
                q.Items.Count
            ))
            .ToListAsync(ct);
        return new([.. rows.Select(r => r with { State = Quote.StateOn(r.State, r.ValidUntil, today) })], total);
    }

    public async Task<Quote> GetAsync(int id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db
                .Quotes.AsNoTracking()
                .Include(q => q.Customer)
                    .ThenInclude(c => c!.Contacts)
                .Include(q => q.Items)
                    .ThenInclude(i => i.Lines)
                .AsSplitQuery()
                .FirstOrDefaultAsync(q => q.Id == id, ct)
            ?? throw new DomainException("That quote no longer exists.");
    }

    public DateOnly Today => calendar.Today;

    /// <summary>The quote as the customer receives it; null when there is no such quote.</summary>
    public async Task<(string Number, byte[] Bytes)?> PdfAsync(ClaimsPrincipal actor, int id, CancellationToken ct = default)
    {
        EnsureSales(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var quote = await db
            .Quotes.AsNoTracking()
            .Include(q => q.Customer)
            .Include(q => q.Items)
                .ThenInclude(i => i.Lines)
            .AsSplitQuery()
            .FirstOrDefaultAsync(q => q.Id == id, ct);
        return quote is null ? null : (quote.Number, QuotePdf.Render(quote, quote.Customer!, vendor.Value, options.Value.Terms));
    }

    /// <summary>Marks the quote sent and queues the email with its PDF in the same transaction, then wakes the outbox dispatcher to deliver
    /// it.</summary>
    public async Task SendAsync(ClaimsPrincipal actor, int id, string to)
    {
        EnsureSales(actor);
        if (!System.Net.Mail.MailAddress.TryCreate(to?.Trim(), out var address))
            throw new DomainException("Enter a valid email address to send the quote to.");
        TextLimit.Check(address.Address, QuoteTermsForm.MaxEmailLength, "email address");
        await using var db = await dbFactory.CreateDbContextAsync();
        var quote =
            await db
                .Quotes.Include(q => q.Customer)
                .Include(q => q.Items)
                    .ThenInclude(i => i.Lines)
                .AsSplitQuery()
                .FirstOrDefaultAsync(q => q.Id == id)
            ?? throw new DomainException("That quote no longer exists.");
        quote.RequireMoveTo(QuoteStatus.Sent, calendar.Today);
        var now = calendar.UtcNow;
        var before = quote.Status;
        quote.Status = QuoteStatus.Sent;
        quote.SentAt = now;
        quote.SentTo = address.Address;
        var pdf = QuotePdf.Render(quote, quote.Customer!, vendor.Value, options.Value.Terms);
        OutboxService.Enqueue(
            db,
            now,
            address.Address,
            $"Your quote {quote.Number} from {vendor.Value.Name}",
            $"""
            Hello {quote.Customer!.Name},

            Please find attached quote {quote.Number} for {quote.Items.Count} license{(
                quote.Items.Count == 1 ? "" : "s"
            )}, total {quote.Total.Usd()}.
            It is valid until {quote.ValidUntil:d MMMM yyyy}. Reply to this email or call us to accept it.

            {quote.SalesRepName}
            {vendor.Value.Name} · {vendor.Value.Phone}
            """,
            $"Quote {quote.Number}",
            ($"{quote.Number}.pdf", "application/pdf", pdf)
        );
        db.Audit(actor, now, "Quote sent", "Quote", quote.Number, new { Status = before }, new { quote.Status, quote.SentTo });
        await db.SaveOrRefuseAsync(Conflict);
        outbox.Wake();
    }

    /// <summary>
    /// Applies every line of the quote to its license, with history and audit rows, in one
    /// transaction: the major step and configuration change, and a protection renewal, whose end
    /// date follows the renewal rule on the acceptance date (on from the old end date while it is
    /// current, else 12 months from today). Refused when the quote expired or a license changed
    /// since it was quoted.
    /// </summary>
    public async Task AcceptAsync(ClaimsPrincipal actor, int id)
    {
        EnsureSales(actor);
        await using var db = await dbFactory.CreateDbContextAsync();
        var quote =
            await db.Quotes.Include(q => q.Items).ThenInclude(i => i.Lines).AsSplitQuery().FirstOrDefaultAsync(q => q.Id == id)
            ?? throw new DomainException("That quote no longer exists.");
        var today = calendar.Today;
        quote.RequireMoveTo(QuoteStatus.Accepted, today);
        // Every sale has a second person: the rep who wrote the quote does not accept it alone.
        if (quote.SalesRepEmail == actor.Identity?.Name)
            await db.DemandCurrentAsync(
                actor,
                Policies.Manager,
                $"You wrote quote {quote.Number}: another sales rep or a manager accepts it, so every sale is seen by a second person."
            );
        var ids = quote.Items.Select(i => i.LicenseId).ToList();
        var licenses = await db
            .Licenses.Include(l => l.Edition)
            .Include(l => l.Level)
            .Where(l => ids.Contains(l.Id))
            .ToDictionaryAsync(l => l.Id);
        foreach (var item in quote.Items)
        {
            var license = licenses[item.LicenseId];
            if (license.Version != item.LicenseVersion)
                throw new DomainException(
                    $"License {item.LicenseKey} has changed since quote {quote.Number} was made: make a new quote with its current "
                        + $"configuration."
                );
            if (license.Status == LicenseStatus.Disabled)
                throw new DomainException($"License {item.LicenseKey} is disabled: it can't be upgraded until it is re-enabled.");
        }

        var now = calendar.UtcNow;
        var user = actor.Identity?.Name ?? "";
        await using var tx = await db.Database.BeginTransactionAsync();
        foreach (var item in quote.Items)
        {
            var license = licenses[item.LicenseId];
            var upgrade = item.Lines.Where(l => l.Kind != QuoteLineKind.ProtectionRenewal).Sum(l => l.Amount);
            if (item.Changes(license))
            {
                var before = new
                {
                    license.Major,
                    Edition = license.Edition!.Name,
                    Level = license.Level!.Name,
                    license.HasFailover,
                    license.ProtectionEndsOn,
                };
                license.Major = item.ToMajor;
                license.EditionId = item.ToEditionId;
                license.LevelId = item.ToLevelId;
                license.HasFailover = item.ToFailover;
                var what =
                    item.FromDescription == item.ToDescription
                        ? $"Moved from {item.FromMajor}.x to {item.ToMajor}.x ({item.ToDescription})"
                        : $"Upgraded from {item.FromMajor}.x {item.FromDescription} to {item.ToMajor}.x {item.ToDescription}";
                db.LicenseEvents.Add(
                    new LicenseEvent
                    {
                        LicenseId = license.Id,
                        At = now,
                        Kind = LicenseEventKinds.Upgraded,
                        UserName = user,
                        Description = $"{what} by quote {quote.Number} ({upgrade.Usd()}).",
                    }
                );
                db.Audit(
                    actor,
                    now,
                    "License upgraded",
                    "License",
                    license.Key,
                    before,
                    new
                    {
                        license.Major,
                        Edition = item.ToDescription,
                        license.HasFailover,
                        Quote = quote.Number,
                    }
                );
            }
            if (item.RenewsProtection)
            {
                var ended = license.ProtectionEndsOn;
                var runsOn = ProtectionRenewal.RunsOnFromEndDate(ended, today);
                license.ProtectionEndsOn = ProtectionRenewal.RenewedUntil(ended, today);
                var amount = item.Lines.Where(l => l.Kind == QuoteLineKind.ProtectionRenewal).Sum(l => l.Amount);
                var how = (runsOn, ended) switch
                {
                    (true, _) => $"renewed before it lapsed: on from {ended:yyyy-MM-dd}",
                    (false, { } lapsed) => $"reinstated: it lapsed on {lapsed:yyyy-MM-dd}, so it runs from {today:yyyy-MM-dd}",
                    _ => $"bought: it runs from {today:yyyy-MM-dd}",
                };
                db.LicenseEvents.Add(
                    new LicenseEvent
                    {
                        LicenseId = license.Id,
                        At = now,
                        Kind = LicenseEventKinds.ProtectionRenewed,
                        UserName = user,
                        Description =
                            $"Upgrade protection until {license.ProtectionEndsOn:yyyy-MM-dd}, {how}, by quote {quote.Number}"
                            + (amount > 0 ? $" ({amount.Usd()})." : " (with the major upgrade)."),
                    }
                );
                db.Audit(
                    actor,
                    now,
                    "Upgrade protection renewed",
                    "License",
                    license.Key,
                    new { ProtectionEndsOn = ended },
                    new
                    {
                        license.ProtectionEndsOn,
                        RunsOnFromEndDate = runsOn,
                        Quote = quote.Number,
                    }
                );
            }
            else
            {
                license.ProtectionEndsOn = item.ProtectionEndsOnAfter;
            }
        }
        quote.Status = QuoteStatus.Accepted;
        quote.AcceptedAt = now;
        db.Audit(actor, now, "Quote accepted", "Quote", quote.Number, null, new { quote.Total });
        await db.SaveOrRefuseAsync(Conflict);
        await tx.CommitAsync();
    }

    public async Task CancelAsync(ClaimsPrincipal actor, int id)
    {
        EnsureSales(actor);
        await using var db = await dbFactory.CreateDbContextAsync();
        var quote = await db.Quotes.FirstOrDefaultAsync(q => q.Id == id) ?? throw new DomainException("That quote no longer exists.");
        quote.RequireMoveTo(QuoteStatus.Cancelled, calendar.Today);
        var now = calendar.UtcNow;
        var before = quote.Status;
        quote.Status = QuoteStatus.Cancelled;
        quote.CancelledAt = now;
        db.Audit(actor, now, "Quote cancelled", "Quote", quote.Number, new { Status = before }, new { quote.Status });
        await db.SaveOrRefuseAsync(Conflict);
    }

    private static void EnsureSales(ClaimsPrincipal actor) =>
        actor.Demand(Policies.Sales, "Only sales staff and managers work with quotes.");
}
