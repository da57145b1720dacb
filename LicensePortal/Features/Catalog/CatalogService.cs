using System.Security.Claims;
using LicensePortal.Data;
using LicensePortal.Features.Licensing;
using LicensePortal.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Features.Catalog;

/// <summary>
/// The catalog: products, releases, editions, levels and price lists. Everyone on staff reads it;
/// only admins change it, and every change is audited in the same transaction.
/// </summary>
public sealed class CatalogService(IDbContextFactory<AppDbContext> dbFactory, VendorCalendar calendar)
{
    public async Task<IReadOnlyList<ProductSummary>> ProductsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var products = await db
            .Products.AsNoTracking()
            .Include(p => p.Releases)
            .Include(p => p.Editions)
            .Include(p => p.Levels)
            .OrderBy(p => p.Name)
            .ToListAsync(ct);
        var today = calendar.Today;
        return
        [
            .. products.Select(p =>
            {
                var majors = Majors(p);
                return new ProductSummary(
                    p.Id,
                    p.Name,
                    p.LevelUnit,
                    ReleaseCalendar.CurrentMajor(majors, today),
                    majors.Count,
                    ReleaseCalendar.HighestLegacyMajor(majors, today),
                    p.Editions.Count,
                    p.Levels.Count
                );
            }),
        ];
    }

    public async Task<ProductDetail> ProductAsync(int productId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var p =
            await db
                .Products.AsNoTracking()
                .Include(x => x.Releases)
                .Include(x => x.Editions)
                .Include(x => x.Levels)
                .FirstOrDefaultAsync(x => x.Id == productId, ct)
            ?? throw new DomainException("That product no longer exists.");
        var priced = await db.PriceLists.Where(l => l.ProductId == productId).Select(l => l.Major).ToListAsync(ct);
        var majors = Majors(p);
        var today = calendar.Today;
        var current = ReleaseCalendar.CurrentMajor(majors, today);
        return new(
            p.Id,
            p.Name,
            p.LevelUnit,
            [
                .. majors
                    .OrderByDescending(m => m.Major)
                    .Select(m => new MajorView(
                        m.Major,
                        m.ReleasedOn,
                        m.ReleasedOn > today ? MajorState.Upcoming
                            : m.Major == current ? MajorState.Current
                            : ReleaseCalendar.IsLegacy(m.Major, majors, today) ? MajorState.Legacy
                            : MajorState.Supported,
                        [.. p.Releases.Where(r => r.Major == m.Major && r.Minor > 0).OrderBy(r => r.Minor)],
                        priced.Contains(m.Major)
                    )),
            ],
            [.. p.Editions.OrderBy(e => e.Rank)],
            [.. p.Levels.OrderBy(l => l.Rank)]
        );
    }

    public async Task<int> SaveProductAsync(ClaimsPrincipal actor, int? productId, string name, string levelUnit)
    {
        await EnsureAdminAsync(actor);
        await using var db = await dbFactory.CreateDbContextAsync();
        var others = await db.Products.Where(p => p.Id != productId).Select(p => p.Name).ToListAsync();
        CatalogRules.RequireName(name, "product", others);
        if (string.IsNullOrWhiteSpace(levelUnit))
            throw new DomainException(CatalogRules.UnitMessage);
        TextLimit.Check(levelUnit, CatalogRules.MaxNameLength, "level unit");
        var product = productId is { } id
            ? await db.Products.FindAsync(id) ?? throw new DomainException("That product no longer exists.")
            : new Product();
        var before = productId is null ? null : new { product.Name, product.LevelUnit };
        product.Name = name.Trim();
        product.LevelUnit = levelUnit.Trim();
        if (productId is null)
            db.Products.Add(product);
        await SaveAsync(
            db,
            actor,
            productId is null ? "Product created" : "Product changed",
            "Product",
            () => product.Id,
            before,
            new { product.Name, product.LevelUnit }
        );
        return product.Id;
    }

    public async Task AddReleaseAsync(ClaimsPrincipal actor, int productId, int major, int minor, DateOnly releasedOn, string? notes)
    {
        await EnsureAdminAsync(actor);
        await using var db = await dbFactory.CreateDbContextAsync();
        var existing = await db
            .Releases.Where(r => r.ProductId == productId)
            .Select(r => new ReleaseFacts(r.Major, r.Minor, r.ReleasedOn))
            .ToListAsync();
        CatalogRules.RequireRelease(existing, new ReleaseFacts(major, minor, releasedOn));
        TextLimit.Check(notes, CatalogRules.MaxNotesLength, "notes");
        var release = new ProductRelease
        {
            ProductId = productId,
            Major = major,
            Minor = minor,
            ReleasedOn = releasedOn,
            Notes = string.IsNullOrWhiteSpace(notes) ? null : notes.Trim(),
        };
        db.Releases.Add(release);
        await SaveAsync(
            db,
            actor,
            "Release added",
            "Product",
            () => productId,
            null,
            new
            {
                Version = $"{major}.{minor}",
                ReleasedOn = releasedOn,
                release.Notes,
            }
        );
    }

    public async Task SaveEditionAsync(ClaimsPrincipal actor, int productId, int? editionId, string name, string description)
    {
        await EnsureAdminAsync(actor);
        await using var db = await dbFactory.CreateDbContextAsync();
        var siblings = await db.Editions.Where(e => e.ProductId == productId).ToListAsync();
        CatalogRules.RequireName(name, "edition", siblings.Where(e => e.Id != editionId).Select(e => e.Name));
        if (string.IsNullOrWhiteSpace(description))
            throw new DomainException(CatalogRules.DescriptionMessage);
        TextLimit.Check(description, CatalogRules.MaxDescriptionLength, "description");
        var edition = editionId is { } id
            ? siblings.FirstOrDefault(e => e.Id == id) ?? throw new DomainException("That edition no longer exists.")
            : new Edition { ProductId = productId, Rank = siblings.Select(e => e.Rank + 1).DefaultIfEmpty(0).Max() };
        var before = editionId is null ? null : new { edition.Name, edition.Description };
        edition.Name = name.Trim();
        edition.Description = description.Trim();
        if (editionId is null)
            db.Editions.Add(edition);
        await SaveAsync(
            db,
            actor,
            editionId is null ? "Edition added" : "Edition changed",
            "Edition",
            () => edition.Id,
            before,
            new
            {
                edition.Name,
                edition.Description,
                edition.Rank,
            }
        );
    }

    public async Task SaveLevelAsync(ClaimsPrincipal actor, int productId, int? levelId, string name, int? capacity)
    {
        await EnsureAdminAsync(actor);
        await using var db = await dbFactory.CreateDbContextAsync();
        var siblings = await db.Levels.Where(l => l.ProductId == productId).ToListAsync();
        CatalogRules.RequireName(name, "level", siblings.Where(l => l.Id != levelId).Select(l => l.Name));
        if (capacity is <= 0)
            throw new DomainException(CatalogRules.CapacityMessage);
        var level = levelId is { } id
            ? siblings.FirstOrDefault(l => l.Id == id) ?? throw new DomainException("That level no longer exists.")
            : new Level { ProductId = productId, Rank = siblings.Select(l => l.Rank + 1).DefaultIfEmpty(0).Max() };
        var before = levelId is null ? null : new { level.Name, level.Capacity };
        level.Name = name.Trim();
        level.Capacity = capacity;
        if (levelId is null)
            db.Levels.Add(level);
        await SaveAsync(
            db,
            actor,
            levelId is null ? "Level added" : "Level changed",
            "Level",
            () => level.Id,
            before,
            new
            {
                level.Name,
                level.Capacity,
                level.Rank,
            }
        );
    }

    /// <summary>Swaps an edition with its neighbour in the order (delta -1 moves it down towards Free).</summary>
    public Task MoveEditionAsync(ClaimsPrincipal actor, int editionId, int delta) =>
        MoveAsync<Edition>(actor, editionId, delta, "Edition", e => e.ProductId, e => e.Rank, (e, r) => e.Rank = r, e => e.Name);

    public Task MoveLevelAsync(ClaimsPrincipal actor, int levelId, int delta) =>
        MoveAsync<Level>(actor, levelId, delta, "Level", l => l.ProductId, l => l.Rank, (l, r) => l.Rank = r, l => l.Name);

    private async Task MoveAsync<T>(
        ClaimsPrincipal actor,
        int id,
        int delta,
        string type,
        Func<T, int> product,
        Func<T, int> rank,
        Action<T, int> setRank,
        Func<T, string> name
    )
        where T : class
    {
        await EnsureAdminAsync(actor);
        await using var db = await dbFactory.CreateDbContextAsync();
        var item = await db.Set<T>().FindAsync(id) ?? throw new DomainException($"That {type.ToLowerInvariant()} no longer exists.");
        var siblings = (await db.Set<T>().ToListAsync()).Where(x => product(x) == product(item)).OrderBy(rank).ToList();
        var at = siblings.IndexOf(item);
        var other = at + delta >= 0 && at + delta < siblings.Count ? siblings[at + delta] : null;
        if (other is null)
            return;
        var (a, b) = (rank(item), rank(other));
        await using var tx = await db.Database.BeginTransactionAsync();
        // Ranks are unique per product: park one side while the other moves.
        setRank(item, -1 - a);
        await db.SaveChangesAsync();
        setRank(other, a);
        setRank(item, b);
        db.Audit(
            actor,
            calendar.UtcNow,
            $"{type} moved",
            type,
            id,
            new { Rank = a },
            new
            {
                Rank = b,
                Above = delta > 0 ? name(other) : null,
                Below = delta < 0 ? name(other) : null,
            }
        );
        await db.SaveChangesAsync();
        await tx.CommitAsync();
    }

    public async Task<IReadOnlyList<PriceGridRow>> PriceGridAsync(int productId, int major, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var editions = await db.Editions.Where(e => e.ProductId == productId).OrderBy(e => e.Rank).ToListAsync(ct);
        var levels = await db.Levels.Where(l => l.ProductId == productId).OrderBy(l => l.Rank).ToListAsync(ct);
        var entries = await db
            .PriceListEntries.Where(e => db.PriceLists.Any(p => p.Id == e.PriceListId && p.ProductId == productId && p.Major == major))
            .ToListAsync(ct);
        return
        [
            .. from e in editions
            from l in levels
            let entry = entries.FirstOrDefault(x => x.EditionId == e.Id && x.LevelId == l.Id)
            select new PriceGridRow
            {
                EditionId = e.Id,
                Edition = e.Name,
                LevelId = l.Id,
                Level = l.Name,
                LicensePrice = entry?.LicensePrice,
                FailoverPrice = entry?.FailoverPrice,
                ProtectionPrice = entry?.ProtectionPrice,
            },
        ];
    }

    /// <summary>Replaces a major's price list with the rows given; a row without prices is not sold.</summary>
    public async Task SavePriceListAsync(ClaimsPrincipal actor, int productId, int major, IReadOnlyCollection<PriceGridRow> rows)
    {
        await EnsureAdminAsync(actor);
        CatalogRules.RequirePrices(
            rows.Where(r => r.Sold).Select(r => ($"{r.Edition} {r.Level}", r.LicensePrice, r.FailoverPrice, r.ProtectionPrice))
        );

        await using var db = await dbFactory.CreateDbContextAsync();
        if (!await db.Releases.AnyAsync(r => r.ProductId == productId && r.Major == major && r.Minor == 0))
            throw new DomainException($"There is no {major}.0 release: add it before its price list.");
        var editions = await db.Editions.Where(e => e.ProductId == productId).Select(e => e.Id).ToListAsync();
        var levels = await db.Levels.Where(l => l.ProductId == productId).Select(l => l.Id).ToListAsync();
        if (rows.Any(r => !editions.Contains(r.EditionId) || !levels.Contains(r.LevelId)))
            throw new DomainException("The price list names an edition or level this product no longer has. Reload the page.");

        var list = await db.PriceLists.Include(p => p.Entries).FirstOrDefaultAsync(p => p.ProductId == productId && p.Major == major);
        var before = list?.Entries.Select(Snapshot).ToList();
        if (list is null)
            db.PriceLists.Add(list = new PriceList { ProductId = productId, Major = major });
        list.Entries.Clear();
        foreach (var r in rows.Where(r => r.Sold))
            list.Entries.Add(
                new PriceListEntry
                {
                    EditionId = r.EditionId,
                    LevelId = r.LevelId,
                    LicensePrice = r.LicensePrice!.Value,
                    FailoverPrice = r.FailoverPrice!.Value,
                    ProtectionPrice = r.ProtectionPrice!.Value,
                }
            );
        // The list's own row changes too, so two admins saving the same list at once conflict.
        db.Entry(list).State = list.Id == 0 ? EntityState.Added : EntityState.Modified;
        await SaveAsync(
            db,
            actor,
            "Price list saved",
            "PriceList",
            () => $"{productId}/{major}",
            before,
            list.Entries.Select(Snapshot).ToList()
        );
    }

    public async Task<string> ExportCsvAsync(int productId, int major, CancellationToken ct = default) =>
        PriceListCsv.Export(
            (await PriceGridAsync(productId, major, ct))
                .Where(r => r.Sold)
                .Select(r => new PriceRow(
                    r.EditionId,
                    r.Edition,
                    r.LevelId,
                    r.Level,
                    r.LicensePrice ?? 0,
                    r.FailoverPrice ?? 0,
                    r.ProtectionPrice ?? 0
                ))
        );

    public async Task<CsvImport> ReadCsvAsync(int productId, string csv, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var editions = await db.Editions.Where(e => e.ProductId == productId).Select(e => new { e.Id, e.Name }).ToListAsync(ct);
        var levels = await db.Levels.Where(l => l.ProductId == productId).Select(l => new { l.Id, l.Name }).ToListAsync(ct);
        return PriceListCsv.Parse(csv, [.. editions.Select(e => (e.Id, e.Name))], [.. levels.Select(l => (l.Id, l.Name))]);
    }

    /// <summary>Imports a CSV price list whole, or not at all when any row is bad.</summary>
    public async Task<CsvImport> ImportCsvAsync(ClaimsPrincipal actor, int productId, int major, string csv)
    {
        await EnsureAdminAsync(actor);
        var import = await ReadCsvAsync(productId, csv);
        if (!import.Ok)
            return import;
        await SavePriceListAsync(
            actor,
            productId,
            major,
            [
                .. import.Rows.Select(r => new PriceGridRow
                {
                    EditionId = r.EditionId,
                    Edition = r.Edition,
                    LevelId = r.LevelId,
                    Level = r.Level,
                    LicensePrice = r.LicensePrice,
                    FailoverPrice = r.FailoverPrice,
                    ProtectionPrice = r.ProtectionPrice,
                }),
            ]
        );
        return import;
    }

    private static object Snapshot(PriceListEntry e) =>
        new
        {
            e.EditionId,
            e.LevelId,
            e.LicensePrice,
            e.FailoverPrice,
            e.ProtectionPrice,
        };

    private static List<MajorRelease> Majors(Product p) =>
        [.. p.Releases.Where(r => r.Minor == 0).Select(r => new MajorRelease(r.Major, r.ReleasedOn))];

    private async Task EnsureAdminAsync(ClaimsPrincipal actor)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        await db.DemandCurrentAsync(actor, Policies.Admin, "Only administrators can change the catalog.");
    }

    /// <summary>Saves the change with its audit row; the id is read after the insert.</summary>
    private async Task SaveAsync(
        AppDbContext db,
        ClaimsPrincipal actor,
        string action,
        string type,
        Func<object> id,
        object? before,
        object? after
    )
    {
        db.Audit(actor, calendar.UtcNow, action, type, id, before, () => after);
        await db.SaveOrRefuseAsync("Someone else changed this at the same time. Reload the page and make your change again.");
    }
}
