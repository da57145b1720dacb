using LicensePortal.Data;
using LicensePortal.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Tests.Infrastructure;

/// <summary>Checks a service's limit on typed text (docs/RULES.md, "Limits on what people type") through the real service.</summary>
public static class TypedText
{
    /// <summary>Text of a length with a space every ten characters, like a typed sentence, with none at either end.</summary>
    public static string Of(int length) =>
        new([.. Enumerable.Range(0, length).Select(i => i % 10 == 9 && i < length - 1 ? ' ' : (char)('a' + i % 26))]);

    /// <summary>
    /// One character over the limit is refused with the message naming the field and the limit, and nothing is written
    /// (no audit row, which every change saves with itself, and the text is stored nowhere); at the limit it is saved whole.
    /// </summary>
    public static async Task RefusedOverAndKeptWholeAtAsync(
        this PortalFactory portal,
        string field,
        int limit,
        Func<string, Task> act,
        Func<AppDbContext, Task<string?>> stored,
        Func<int, string>? text = null
    )
    {
        text ??= Of;
        await using var db = await portal.DbAsync();
        var audit = await db.AuditLog.CountAsync();

        var error = await Assert.ThrowsAsync<DomainException>(() => act(text(limit + 1)));

        Assert.Equal(TextLimit.Message(field, limit), error.Message);
        Assert.Equal(audit, await db.AuditLog.CountAsync());
        // Neither stored whole nor cut down to the limit.
        Assert.DoesNotContain(text(limit + 1)[..limit], await stored(db) ?? "");

        await act(text(limit));

        Assert.Contains(text(limit), await stored(db) ?? "");
    }
}
