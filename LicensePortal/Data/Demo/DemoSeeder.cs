using System.Diagnostics;
using LicensePortal.Features.Catalog;
using LicensePortal.Features.Installations;
using LicensePortal.Features.Licenses;
using LicensePortal.Features.Licensing;
using LicensePortal.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LicensePortal.Data.Demo;

/// <summary>
/// Fills an empty database with a believable vendor: catalog, customers, licenses and
/// installations in every state the fraud rules know. Customers, licenses and installations
/// go in with prepared bulk inserts so a million licenses take minutes, not hours.
/// </summary>
public sealed class DemoSeeder(
    IDbContextFactory<AppDbContext> dbFactory,
    IServiceScopeFactory scopeFactory,
    IOptions<DemoOptions> options,
    IOptions<InstallationOptions> installationOptions,
    VendorCalendar calendar,
    ILogger<DemoSeeder> logger
)
{
    public static readonly IReadOnlyList<DemoUser> Users =
    [
        new("sales@demo.licenseportal.test", "Sara Lindqvist", "Account Executive", Roles.Sales),
        new("fraud@demo.licenseportal.test", "Frank Osei", "Fraud Analyst", Roles.Fraud),
        new("manager@demo.licenseportal.test", "Maria Keller", "Licensing Manager", Roles.Manager),
        new("admin@demo.licenseportal.test", "Adam Novak", "Portal Administrator", Roles.Admin),
    ];

    private const int BatchSize = 50_000;

    public async Task<bool> SeedIfEmptyAsync(CancellationToken ct = default)
    {
        // Instances started at once on one empty PostgreSQL database: the first seeds, the others wait and find the data.
        await using var seeding = await SeedingLockAsync(ct);
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            if (await db.Products.AnyAsync(ct))
                return false;
        }

        var stopwatch = Stopwatch.StartNew();
        var o = options.Value;
        var rng = new Random(o.RandomSeed);
        await SeedUsersAsync(o.Password);
        var catalog = await SeedCatalogAsync(ct);
        var customers = Math.Max(300, o.Licenses / 5);
        await BulkInsertAsync(catalog, customers, o.Licenses, rng, ct);
        await SeedFraudCasesAsync(rng, ct);
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            await db.RefreshPlannerStatisticsAsync(ct);
        logger.LogInformation(
            "Demo data: {Customers} customers and {Licenses} licenses in {Elapsed}.",
            customers,
            o.Licenses,
            stopwatch.Elapsed
        );
        return true;
    }

    private async Task<InstanceLock> SeedingLockAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await InstanceLock.TakeAsync(db, "demo-seed", ct);
    }

    private async Task SeedUsersAsync(string password)
    {
        await using var scope = scopeFactory.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        foreach (var demo in Users)
        {
            if (await users.FindByEmailAsync(demo.Email) is not null)
                continue;
            var user = new ApplicationUser
            {
                UserName = demo.Email,
                Email = demo.Email,
                EmailConfirmed = true,
                DisplayName = demo.DisplayName,
                Title = demo.Title,
            };
            var result = await users.CreateAsync(user, password);
            if (result.Succeeded)
                result = await users.AddToRoleAsync(user, demo.Role);
            if (!result.Succeeded)
                throw new InvalidOperationException(
                    $"Demo user {demo.Email}: {string.Join(" ", result.Errors.Select(e => e.Description))}"
                );
        }
    }

    private sealed record SeededProduct(int Id, (int Major, DateOnly On)[] Majors, int[] EditionIds, int[] LevelIds, decimal[][][] Prices);

    private async Task<List<SeededProduct>> SeedCatalogAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var seeded = new List<SeededProduct>();
        foreach (var spec in DemoCatalog.Products)
        {
            var product = new Product { Name = spec.Name, LevelUnit = spec.Unit };
            foreach (var (major, on) in spec.Majors)
            {
                product.Releases.Add(
                    new ProductRelease
                    {
                        Major = major,
                        Minor = 0,
                        ReleasedOn = on,
                    }
                );
                // Minor releases every few months until the next major.
                var next = spec.Majors.Where(m => m.Major > major).Select(m => m.On).DefaultIfEmpty(calendar.Today).First();
                var minor = 1;
                for (var d = on.AddMonths(4); d < next && minor <= 6; d = d.AddMonths(4))
                    product.Releases.Add(
                        new ProductRelease
                        {
                            Major = major,
                            Minor = minor++,
                            ReleasedOn = d,
                        }
                    );
            }
            for (var i = 0; i < DemoCatalog.Editions.Length; i++)
                product.Editions.Add(
                    new Edition
                    {
                        Name = DemoCatalog.Editions[i].Name,
                        Description = DemoCatalog.Editions[i].Description,
                        Rank = i,
                    }
                );
            for (var i = 0; i < spec.Levels.Length; i++)
                product.Levels.Add(
                    new Level
                    {
                        Name = spec.Levels[i].Name,
                        Capacity = spec.Levels[i].Capacity,
                        Rank = i,
                    }
                );
            db.Products.Add(product);
            await db.SaveChangesAsync(ct);

            // prices[majorIndex][editionRank][levelRank] = license price; -1 where not sold.
            var prices = new decimal[spec.Majors.Length][][];
            for (var m = 0; m < spec.Majors.Length; m++)
            {
                var list = new PriceList { ProductId = product.Id, Major = spec.Majors[m].Major };
                prices[m] = new decimal[product.Editions.Count][];
                foreach (var edition in product.Editions)
                {
                    prices[m][edition.Rank] = new decimal[product.Levels.Count];
                    foreach (var level in product.Levels)
                    {
                        // The free edition exists only at the smallest level; paid editions above it.
                        var sold = edition.Rank == 0 ? level.Rank == 0 : level.Rank > 0;
                        prices[m][edition.Rank][level.Rank] = -1;
                        if (!sold)
                            continue;
                        var price = DemoCatalog.LicensePrice(spec.Levels[level.Rank].ProPrice, edition.Rank, m);
                        prices[m][edition.Rank][level.Rank] = price;
                        list.Entries.Add(
                            new PriceListEntry
                            {
                                EditionId = edition.Id,
                                LevelId = level.Id,
                                LicensePrice = price,
                                FailoverPrice = decimal.Round(price * 0.5m, 0),
                                ProtectionPrice = decimal.Round(price * 0.25m, 0),
                            }
                        );
                    }
                }
                db.PriceLists.Add(list);
            }
            await db.SaveChangesAsync(ct);
            seeded.Add(
                new SeededProduct(
                    product.Id,
                    spec.Majors,
                    [.. product.Editions.OrderBy(e => e.Rank).Select(e => e.Id)],
                    [.. product.Levels.OrderBy(l => l.Rank).Select(l => l.Id)],
                    prices
                )
            );
        }
        return seeded;
    }

    private async Task BulkInsertAsync(List<SeededProduct> catalog, int customerCount, int licenseCount, Random rng, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(ct);
        var now = calendar.UtcNow;
        var today = calendar.Today;

        // One batch of rows at a time: COPY on PostgreSQL, prepared inserts on SQLite (BatchedInserts).
        await using var rows = new BatchedInserts(connection);
        var customer = rows.Table(
            "Customers",
            "Name",
            "Email",
            "Phone",
            "AddressLine1",
            "AddressLine2",
            "City",
            "Region",
            "PostalCode",
            "Country",
            "CreatedAt",
            "Version"
        );
        var contact = rows.Table("CustomerContacts", "CustomerId", "Name", "JobTitle", "Email", "Phone", "IsPrimary");
        var license = rows.Table(
            "Licenses",
            "Key",
            "CustomerId",
            "ProductId",
            "Major",
            "EditionId",
            "LevelId",
            "HasFailover",
            "PurchasedOn",
            "PricePaid",
            "ProtectionEndsOn",
            "Status",
            "CreatedAt",
            "Version"
        );
        var installation = rows.Table(
            "Installations",
            "LicenseId",
            "MachineId",
            "Hostname",
            "ProductVersion",
            "FirstSeenAt",
            "StintStartedAt",
            "LastSeenAt",
            "ReleasedAt",
            "DecommissionedAt"
        );

        async Task Step()
        {
            if (rows.Pending < BatchSize)
                return;
            await using var tx = await connection.BeginTransactionAsync(ct);
            await rows.FlushAsync(tx, ct);
            await tx.CommitAsync(ct);
        }

        var domains = new string[customerCount];
        for (var c = 1; c <= customerCount; c++)
        {
            var place = DemoNames.Places[rng.Next(DemoNames.Places.Length)];
            var first = DemoNames.CompanyFirst[rng.Next(DemoNames.CompanyFirst.Length)];
            var second = DemoNames.CompanySecond[rng.Next(DemoNames.CompanySecond.Length)];
            var suffix = DemoNames.CompanySuffix[rng.Next(DemoNames.CompanySuffix.Length)];
            // The number keeps names and domains unique among a million customers.
            var name = $"{first} {second} {suffix}".Trim() + (c > 400 ? $" #{c}" : "");
            var domain = $"{first}{second}".Replace(" ", "").ToLowerInvariant() + (c > 400 ? c.ToString() : "") + TopLevel(place.Country);
            domains[c - 1] = domain;
            rows.Add(
                customer,
                name,
                $"licensing@{domain}",
                Phone(place.PhonePrefix, rng),
                $"{rng.Next(1, 9999)} {DemoNames.Streets[rng.Next(DemoNames.Streets.Length)]}",
                rng.Next(4) == 0 ? $"Suite {rng.Next(100, 999)}" : null,
                place.City,
                place.Region,
                Postal(place.Postal, rng),
                place.Country,
                now.AddDays(-rng.Next(30, 2500)),
                NewVersion()
            );
            await Step();
            for (var k = 0; k < 1 + rng.Next(2); k++)
            {
                var person =
                    $"{DemoNames.FirstNames[rng.Next(DemoNames.FirstNames.Length)]} "
                    + $"{DemoNames.LastNames[rng.Next(DemoNames.LastNames.Length)]}";
                rows.Add(
                    contact,
                    c,
                    person,
                    DemoNames.JobTitles[rng.Next(DemoNames.JobTitles.Length)],
                    $"{person.Replace(' ', '.').ToLowerInvariant()}@{domain}",
                    Phone(place.PhonePrefix, rng),
                    k == 0
                );
                await Step();
            }
        }

        long installationCount = 0;
        for (var l = 1; l <= licenseCount; l++)
        {
            var product = catalog[rng.Next(catalog.Count)];
            // Newer majors sell more.
            var m = Math.Min(product.Majors.Length - 1, (int)Math.Floor(Math.Sqrt(rng.NextDouble()) * product.Majors.Length));
            var (major, releasedOn) = product.Majors[m];
            var until = m + 1 < product.Majors.Length ? product.Majors[m + 1].On : today;
            var purchasedOn = releasedOn.AddDays(rng.Next(Math.Max(1, until.DayNumber - releasedOn.DayNumber)));
            var editionRank = rng.NextDouble() switch
            {
                < 0.10 => 0,
                < 0.65 => 1,
                _ => 2,
            };
            var levelRank = editionRank == 0 ? 0 : 1 + rng.Next(product.LevelIds.Length - 1);
            var failover = editionRank > 0 && rng.NextDouble() < 0.15;
            var listPrice = product.Prices[m][editionRank][levelRank];
            var paid = decimal.Round(listPrice * (1m - rng.Next(0, 4) * 0.05m), 2);
            DateOnly? protection = null;
            if (editionRank > 0)
            {
                protection = purchasedOn.AddYears(1);
                // About half the customers keep renewing upgrade protection.
                if (rng.NextDouble() < 0.5)
                    while (protection < today)
                        protection = protection.Value.AddYears(1);
            }
            var disabled = rng.NextDouble() < 0.01;
            rows.Add(
                license,
                LicenseKey.New(),
                1 + rng.Next(customerCount),
                product.Id,
                major,
                product.EditionIds[editionRank],
                product.LevelIds[levelRank],
                failover,
                purchasedOn,
                paid,
                protection,
                disabled ? (int)LicenseStatus.Disabled : (int)LicenseStatus.Active,
                purchasedOn.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
                NewVersion()
            );
            await Step();

            var version = $"{major}.{rng.Next(0, 3)}";
            var purchased = purchasedOn.ToDateTime(new TimeOnly(rng.Next(8, 18), rng.Next(60)), DateTimeKind.Utc);
            foreach (var (firstSeen, lastSeen, released) in Scenario(failover, purchased, now, installationOptions.Value, rng))
            {
                var machine =
                    Convert.ToHexString(BitConverter.GetBytes(rng.NextInt64())).ToLowerInvariant()
                    + Convert.ToHexString(BitConverter.GetBytes(rng.NextInt64())).ToLowerInvariant();
                rows.Add(
                    installation,
                    l,
                    machine,
                    $"mail{rng.Next(1, 40):00}.{domains[rng.Next(customerCount)]}",
                    version,
                    firstSeen,
                    firstSeen,
                    lastSeen,
                    released,
                    null
                );
                installationCount++;
                await Step();
            }
        }
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            await rows.FlushAsync(tx, ct);
            await tx.CommitAsync(ct);
        }
        logger.LogInformation("Demo data: {Installations} installations.", installationCount);
    }

    /// <summary>
    /// Cases for licenses whose migration days ran out, opened when the window ended: some still
    /// within their deadline (with calls logged), some past it, which the monitor disables on its
    /// first run, so every stage of a case shows in the demo.
    /// </summary>
    private async Task SeedFraudCasesAsync(Random rng, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = calendar.UtcNow;
        var rules = installationOptions.Value;
        var usedUp = await db
            .Installations.Active(ActivityCut.At(now, rules))
            .GroupBy(i => i.LicenseId)
            .Where(g => g.Count() == 2)
            .Select(g => new { LicenseId = g.Key, Newest = g.Max(i => i.FirstSeenAt) })
            .Where(x => x.Newest < now - rules.MigrationWindow)
            .Join(
                db.Licenses.Where(l => !l.HasFailover && l.Status == LicenseStatus.Active),
                x => x.LicenseId,
                l => l.Id,
                (x, l) =>
                    new
                    {
                        x.LicenseId,
                        x.Newest,
                        l.Customer!.Phone,
                    }
            )
            .ToListAsync(ct);
        foreach (var u in usedUp)
        {
            // Opened by the monitor when the window ran out, with the deadline the rules give it.
            var windowEnded = u.Newest + rules.MigrationWindow;
            var fraudCase = Features.Fraud.FraudCase.Open(
                u.LicenseId,
                windowEnded,
                InstallationStanding.DeadlineFor(windowEnded, windowEnded, rules),
                "fraud monitor",
                $"The {rules.MigrationWindowDays}-day migration window ran out on {windowEnded:yyyy-MM-dd HH:mm} UTC with 2 active "
                    + $"installations and 1 allowed."
            );
            if (rng.Next(2) == 0)
            {
                fraudCase.Assignee = Users[1].Email;
                fraudCase.LogCall(
                    windowEnded.AddDays(1).AddHours(3),
                    Users[1].Email,
                    u.Phone,
                    (Features.Fraud.CallOutcome)rng.Next(5),
                    "First call after the automatic email."
                );
            }
            db.FraudCases.Add(fraudCase);
            if (rng.Next(4) == 0)
            {
                // The customer fixed it after the email: the old server was released, so the case closes as resolved by the customer at its
                // deadline.
                var old = await db.Installations.Where(i => i.LicenseId == u.LicenseId).OrderBy(i => i.FirstSeenAt).FirstAsync(ct);
                old.ReleasedAt = now.AddHours(-rng.Next(2, 72));
            }
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Installations of one license, covering every state of docs/RULES.md's installation rules.</summary>
    private static IEnumerable<(DateTime FirstSeen, DateTime LastSeen, DateTime? Released)> Scenario(
        bool failover,
        DateTime purchased,
        DateTime now,
        InstallationOptions rules,
        Random rng
    )
    {
        DateTime Recent() => now.AddMinutes(-rng.Next(5, 60 * 48));
        var r = rng.NextDouble();
        if (failover && r < 0.8)
        {
            yield return (purchased, Recent(), null); // failover pair
            yield return (purchased.AddHours(2), Recent(), null);
            yield break;
        }
        switch (r)
        {
            case < 0.60:
                // Within allowance, often after moving servers once or twice: each earlier server was
                // released more than a year ago, so it no longer weighs on the migration days.
                var current = purchased;
                var span = (now.AddDays(-(rules.LookbackDays + 35)) - purchased).Days;
                var moves = Math.Min(1 + rng.Next(4), Math.Max(0, span / 60));
                for (var k = 1; k <= moves; k++)
                {
                    var movedOn = purchased.AddDays(span * k / (moves + 1) + rng.Next(-10, 10));
                    yield return (current, movedOn, movedOn); // an earlier server, released
                    current = movedOn.AddDays(-rng.Next(1, 10));
                }
                yield return (current, Recent(), null);
                break;
            case < 0.70:
                var moved = now.AddDays(-rng.Next(60, 300));
                if (moved < purchased)
                    moved = purchased.AddDays(1);
                yield return (purchased, moved, moved); // released after a finished migration
                yield return (moved.AddDays(-rng.Next(1, 10)), Recent(), null);
                break;
            case < 0.76:
                yield return (purchased, Recent(), null); // migration in progress
                yield return (now.AddDays(-rng.Next(2, Math.Max(3, rules.MigrationWindowDays - 3))), Recent(), null);
                break;
            case < 0.79:
                yield return (purchased, Recent(), null); // migration days used up
                yield return (now.AddDays(-rng.Next(rules.MigrationWindowDays + 1, rules.MigrationWindowDays + 30)), Recent(), null);
                break;
            case < 0.86:
                yield return (purchased, now.AddDays(-rng.Next(rules.ActiveWithinDays + 1, 200)), null); // stale
                break;
                // else: never installed
        }
    }

    // Bound as the engine stores a Guid (SqlDialect.Bind): upper-case text on SQLite, uuid on PostgreSQL.
    private static Guid NewVersion() => Guid.NewGuid();

    private static string TopLevel(string country) =>
        country switch
        {
            "United Kingdom" => ".co.uk",
            "Germany" => ".de",
            "Netherlands" => ".nl",
            "Sweden" => ".se",
            "Australia" => ".com.au",
            "Canada" => ".ca",
            _ => ".com",
        };

    private static string Phone(string prefix, Random rng) => $"{prefix} {rng.Next(200, 999)} {rng.Next(1000, 9999)}";

    private static string Postal(string pattern, Random rng) =>
        string.Concat(pattern.Select(ch => ch == '#' ? (char)('0' + rng.Next(10)) : ch));
}
