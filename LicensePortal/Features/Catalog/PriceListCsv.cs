using System.Globalization;
using System.Text;
using LicensePortal.Infrastructure;

namespace LicensePortal.Features.Catalog;

public sealed record PriceRow(
    int EditionId,
    string Edition,
    int LevelId,
    string Level,
    decimal LicensePrice,
    decimal FailoverPrice,
    decimal ProtectionPrice
);

public sealed record CsvProblem(int Line, string Message);

public sealed record CsvImport(IReadOnlyList<PriceRow> Rows, IReadOnlyList<CsvProblem> Problems)
{
    public bool Ok => Problems.Count == 0;
}

/// <summary>A price list as CSV: one row per edition and level, prices in dollars with a dot for cents.</summary>
public static class PriceListCsv
{
    public static readonly string[] Header = ["edition", "level", "license_price", "failover_price", "protection_price"];

    public static string Export(IEnumerable<PriceRow> rows)
    {
        var csv = new StringBuilder();
        csv.AppendLine(string.Join(',', Header));
        foreach (var r in rows)
            csv.AppendLine(
                string.Join(
                    ',',
                    CsvCell.Of(r.Edition),
                    CsvCell.Of(r.Level),
                    Price(r.LicensePrice),
                    Price(r.FailoverPrice),
                    Price(r.ProtectionPrice)
                )
            );
        return csv.ToString();
    }

    /// <summary>Reads every row and reports every problem with its line number; rows are only usable when there is none.</summary>
    public static CsvImport Parse(
        string text,
        IReadOnlyCollection<(int Id, string Name)> editions,
        IReadOnlyCollection<(int Id, string Name)> levels
    )
    {
        var problems = new List<CsvProblem>();
        var rows = new List<PriceRow>();
        var lines = SplitRecords(text.TrimStart('\uFEFF'));
        if (lines.Count == 0 || !lines[0].Fields.Select(f => f.Trim().ToLowerInvariant()).SequenceEqual(Header))
            return new([], [new(1, $"The first line must be the header: {string.Join(',', Header)}.")]);

        var seen = new Dictionary<(int, int), int>();
        foreach (var (line, fields) in lines.Skip(1))
        {
            if (fields.All(string.IsNullOrWhiteSpace))
                continue;
            if (fields.Count != Header.Length)
            {
                problems.Add(new(line, $"Expected {Header.Length} values, found {fields.Count}."));
                continue;
            }
            var errors = new List<string>();
            // Names as exported: a neutralised formula cell ('=…) is read back as the name it stands for.
            var editionName = CsvCell.Read(fields[0].Trim());
            var levelName = CsvCell.Read(fields[1].Trim());
            var edition = editions.FirstOrDefault(e => string.Equals(e.Name, editionName, StringComparison.OrdinalIgnoreCase));
            var level = levels.FirstOrDefault(l => string.Equals(l.Name, levelName, StringComparison.OrdinalIgnoreCase));
            if (edition.Name is null)
                errors.Add($"no edition called \"{editionName}\"");
            if (level.Name is null)
                errors.Add($"no level called \"{levelName}\"");
            var prices = new decimal[3];
            string[] names = ["license price", "failover add-on", "protection price"];
            for (var i = 0; i < 3; i++)
            {
                if (
                    !decimal.TryParse(
                        fields[2 + i].Trim(),
                        NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign,
                        CultureInfo.InvariantCulture,
                        out prices[i]
                    )
                )
                    errors.Add($"the {names[i]} \"{fields[2 + i].Trim()}\" is not a number");
                else if (CatalogRules.PriceProblem(prices[i], $"the {names[i]}") is { } problem)
                    errors.Add(problem.TrimEnd('.'));
            }
            if (edition.Name is not null && level.Name is not null && seen.TryGetValue((edition.Id, level.Id), out var first))
                errors.Add($"{edition.Name} {level.Name} is already priced on line {first}");
            if (errors.Count > 0)
            {
                var message = string.Join("; ", errors);
                problems.Add(new(line, char.ToUpperInvariant(message[0]) + message[1..] + "."));
                continue;
            }
            seen[(edition.Id, level.Id)] = line;
            rows.Add(new(edition.Id, edition.Name!, level.Id, level.Name!, prices[0], prices[1], prices[2]));
        }
        if (rows.Count == 0 && problems.Count == 0)
            problems.Add(new(2, "The file has no prices."));
        return new(problems.Count == 0 ? rows : [], problems);
    }

    private static string Price(decimal price) => price.ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>RFC 4180 records with the line each starts on: quoted fields may hold commas, quotes and line breaks.</summary>
    private static List<(int Line, List<string> Fields)> SplitRecords(string text)
    {
        var records = new List<(int, List<string>)>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var line = 1;
        var start = 1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                    quoted = false;
                else
                {
                    if (c == '\n')
                        line++;
                    field.Append(c);
                }
                continue;
            }
            switch (c)
            {
                case '"':
                    quoted = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    fields.Add(field.ToString());
                    field.Clear();
                    records.Add((start, fields));
                    fields = [];
                    start = ++line;
                    break;
                default:
                    field.Append(c);
                    break;
            }
        }
        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            records.Add((start, fields));
        }
        return records;
    }
}
