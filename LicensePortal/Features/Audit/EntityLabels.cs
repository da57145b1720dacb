using System.Text.RegularExpressions;
using LicensePortal.Data;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Features.Audit;

/// <summary>A row's subject as people name it: "License SM-… · Acme Hosting", with a link to its page where it has one.</summary>
public sealed record EntityLink(string Kind, string Text, string? Detail, string? Href)
{
    public override string ToString() => Detail is null ? $"{Kind} {Text}" : $"{Kind} {Text} · {Detail}";
}

/// <summary>What the audit log and the outbox store as type and id, and the one UNION ALL query that names a page of them.</summary>
public static partial class EntityLabels
{
    public const string User = "User";
    public const string Email = "Email";

    private static readonly Dictionary<string, string> Kinds = new()
    {
        ["License"] = "License",
        ["Quote"] = "Quote",
        ["FraudCase"] = "Fraud case",
        ["Customer"] = "Customer",
        ["TransferRequest"] = "Transfer",
        ["Transfer"] = "Transfer",
        ["Product"] = "Product",
        ["Edition"] = "Edition",
        ["Level"] = "Level",
        ["PriceList"] = "Price list",
    };

    /// <summary>
    /// Names every reference of a page in one query, however many rows and kinds it has: users by display name, customers
    /// by the address a message went to, and each entity with the customer or product it belongs to.
    /// </summary>
    public static async Task<Dictionary<(string Type, string Id), Found>> ResolveAsync(
        AppDbContext db,
        IEnumerable<(string Type, string Id)> refs,
        CancellationToken ct
    )
    {
        var all = refs.Distinct().ToList();
        string[] Ids(string type) => [.. all.Where(r => r.Type == type).Select(r => r.Id).Distinct()];
        int[] Ints(string type) => [.. Ids(type).Select(i => int.TryParse(i, out var n) ? n : (int?)null).OfType<int>()];
        var priceLists = Ids("PriceList").Select(PriceListId).OfType<(int Product, int Major)>().ToList();
        string[] licenses = Ids("License"),
            quotes = Ids("Quote"),
            users = Ids(User),
            emails = Ids(Email),
            references = Ids("Transfer");
        int[] cases = Ints("FraudCase"),
            customers = Ints("Customer"),
            transfers = Ints("TransferRequest"),
            editions = Ints("Edition"),
            levels = Ints("Level");
        int[] products = [.. Ints("Product").Concat(priceLists.Select(p => p.Product)).Distinct()];
        if (all.Count == 0)
            return [];

        var query = db
            .Licenses.Where(l => licenses.Contains(l.Key))
            .Select(l => new Found
            {
                Type = "License",
                Id = l.Key,
                Key = l.Id,
                Label = l.Key,
                Detail = l.Customer!.Name,
            })
            .Concat(
                db.Quotes.Where(q => quotes.Contains(q.Number))
                    .Select(q => new Found
                    {
                        Type = "Quote",
                        Id = q.Number,
                        Key = q.Id,
                        Label = q.Number,
                        Detail = q.Customer!.Name,
                    })
            )
            .Concat(
                db.FraudCases.Where(c => cases.Contains(c.Id))
                    .Select(c => new Found
                    {
                        Type = "FraudCase",
                        Id = c.Id.ToString(),
                        Key = c.Id,
                        Label = "#" + c.Id.ToString(),
                        Detail = c.License!.Key + " · " + c.License.Customer!.Name,
                    })
            )
            .Concat(
                db.Customers.Where(c => customers.Contains(c.Id))
                    .Select(c => new Found
                    {
                        Type = "Customer",
                        Id = c.Id.ToString(),
                        Key = c.Id,
                        Label = c.Name,
                        Detail = null,
                    })
            )
            .Concat(
                db.TransferRequests.Where(t => transfers.Contains(t.Id) || references.Contains(t.Reference!))
                    .Select(t => new Found
                    {
                        Type = "TransferRequest",
                        Id = t.Id.ToString(),
                        Key = t.LicenseId,
                        Label = t.Reference ?? "request #" + t.Id.ToString(),
                        Detail = t.Reference,
                    })
            )
            .Concat(
                db.Products.Where(p => products.Contains(p.Id))
                    .Select(p => new Found
                    {
                        Type = "Product",
                        Id = p.Id.ToString(),
                        Key = p.Id,
                        Label = p.Name,
                        Detail = null,
                    })
            )
            .Concat(
                db.Editions.Where(e => editions.Contains(e.Id))
                    .Select(e => new Found
                    {
                        Type = "Edition",
                        Id = e.Id.ToString(),
                        Key = e.ProductId,
                        Label = e.Name,
                        Detail = db.Products.Where(p => p.Id == e.ProductId).Select(p => p.Name).FirstOrDefault(),
                    })
            )
            .Concat(
                db.Levels.Where(l => levels.Contains(l.Id))
                    .Select(l => new Found
                    {
                        Type = "Level",
                        Id = l.Id.ToString(),
                        Key = l.ProductId,
                        Label = l.Name,
                        Detail = db.Products.Where(p => p.Id == l.ProductId).Select(p => p.Name).FirstOrDefault(),
                    })
            )
            .Concat(
                db.Users.Where(u => users.Contains(u.UserName!))
                    .Select(u => new Found
                    {
                        Type = User,
                        Id = u.UserName!,
                        Key = 0,
                        Label = u.DisplayName,
                        Detail = null,
                    })
            )
            .Concat(
                db.Customers.Where(c => emails.Contains(c.Email))
                    .Select(c => new Found
                    {
                        Type = Email,
                        Id = c.Email,
                        Key = c.Id,
                        Label = c.Name,
                        Detail = null,
                    })
            );
        var found = await query.ToListAsync(ct);

        var byRef = new Dictionary<(string, string), Found>();
        foreach (var f in found)
        {
            byRef.TryAdd((f.Type, f.Id), f);
            // A transfer is found by its id (audit rows) or by its consent letter's reference (outbox rows).
            if (f.Type == "TransferRequest" && f.Detail is { } reference)
                byRef.TryAdd(("Transfer", reference), f);
        }
        foreach (var (product, major) in priceLists)
            if (byRef.GetValueOrDefault(("Product", product.ToString())) is { } p)
                byRef.TryAdd(
                    ("PriceList", $"{product}/{major}"),
                    new Found
                    {
                        Type = "PriceList",
                        Id = $"{product}/{major}",
                        Key = product,
                        Label = $"{p.Label} {major}.x",
                    }
                );
        return byRef;
    }

    /// <summary>The link for a reference, or its stored type and id when the row it named is not there.</summary>
    public static EntityLink Link(Dictionary<(string Type, string Id), Found> found, string type, string id)
    {
        var kind = Kinds.GetValueOrDefault(type, type);
        if (found.GetValueOrDefault((type, id)) is not { } f)
            return new(kind, id, null, null);
        return type switch
        {
            "License" => new(kind, f.Label, f.Detail, $"/licenses/{f.Key}"),
            "Quote" => new(kind, f.Label, f.Detail, $"/quotes/{f.Key}"),
            "FraudCase" => new(kind, f.Label, f.Detail, $"/fraud/cases/{f.Key}"),
            "Customer" => new(kind, f.Label, null, $"/customers/{f.Key}"),
            "TransferRequest" or "Transfer" => new(kind, f.Label, null, "/transfers"),
            "Product" or "PriceList" => new(kind, f.Label, null, $"/catalog/{f.Key}"),
            "Edition" or "Level" => new(kind, f.Label, f.Detail, $"/catalog/{f.Key}"),
            _ => new(kind, f.Label, f.Detail, null),
        };
    }

    /// <summary>A person's display name, or what was stored when they are not (or no longer) a user: "system", the monitor.</summary>
    public static string Person(Dictionary<(string Type, string Id), Found> found, string userName) =>
        found.GetValueOrDefault((User, userName)) is { Label: { Length: > 0 } name } ? name : userName;

    /// <summary>What an outbox message is about, read from its "About" text: "Quote Q-2026-000001", "License SM-…", "Transfer
    /// TC-…".</summary>
    public static (string Type, string Id)? FromAbout(string about)
    {
        var m = AboutPattern().Match(about);
        if (!m.Success)
            return null;
        return (
            m.Groups["kind"].Value.ToLowerInvariant() switch
            {
                "quote" => "Quote",
                "transfer" => "Transfer",
                _ => "License",
            },
            m.Groups["id"].Value
        );
    }

    private static (int, int)? PriceListId(string id) =>
        id.Split('/') is [var p, var m] && int.TryParse(p, out var product) && int.TryParse(m, out var major) ? (product, major) : null;

    [GeneratedRegex(@"^(?:Protection reminder: )?(?<kind>Quote|License|license|Transfer) (?<id>\S+)$")]
    private static partial Regex AboutPattern();

    public sealed class Found
    {
        public string Type { get; init; } = "";
        public string Id { get; init; } = "";
        public int Key { get; init; }
        public string Label { get; init; } = "";
        public string? Detail { get; init; }
    }
}
