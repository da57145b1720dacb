namespace LicensePortal.Infrastructure;

/// <summary>
/// One CSV cell as the portal writes it: RFC 4180 quoting (comma, quote, LF or CR inside), and a cell a spreadsheet
/// would run as a formula (starting with = + - @, a tab or a CR) neutralised with a leading apostrophe, so a customer
/// named "=HYPERLINK(…)" is text when a colleague opens the export.
/// </summary>
public static class CsvCell
{
    private static readonly char[] FormulaStarts = ['=', '+', '-', '@', '\t', '\r'];
    private static readonly char[] NeedsQuotes = [',', '"', '\n', '\r'];

    public static string Of(string? value)
    {
        var text = value ?? "";
        if (text.Length > 0 && Array.IndexOf(FormulaStarts, text[0]) >= 0)
            text = "'" + text;
        return text.IndexOfAny(NeedsQuotes) >= 0 ? $"\"{text.Replace("\"", "\"\"")}\"" : text;
    }

    /// <summary>A cell read back from a file the portal wrote: the apostrophe that neutralised a formula comes off again.</summary>
    public static string Read(string cell) =>
        cell.Length > 1 && cell[0] == '\'' && Array.IndexOf(FormulaStarts, cell[1]) >= 0 ? cell[1..] : cell;
}
