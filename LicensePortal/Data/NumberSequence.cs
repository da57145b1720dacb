using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LicensePortal.Data;

/// <summary>A named counter, for document numbers such as Q-2026-000123.</summary>
public class Counter
{
    public string Name { get; set; } = "";
    public long Value { get; set; }
}

internal sealed class CounterConfiguration : IEntityTypeConfiguration<Counter>
{
    public void Configure(EntityTypeBuilder<Counter> b)
    {
        b.HasKey(c => c.Name);
        b.Property(c => c.Name).HasMaxLength(50);
    }
}

public static class NumberSequence
{
    /// <summary>
    /// The next value of a counter, taken atomically in the caller's transaction, so two staff
    /// saving at once never get the same number.
    /// </summary>
    public static async Task<long> NextAsync(this AppDbContext db, string name, CancellationToken ct = default) =>
        (
            await db
                .Database.SqlQuery<long>(
                    $"""
                    INSERT INTO "Counters" ("Name", "Value") VALUES ({name}, 1)
                    ON CONFLICT ("Name") DO UPDATE SET "Value" = "Counters"."Value" + 1
                    RETURNING "Value" AS "Value"
                    """
                )
                .ToListAsync(ct)
        ).Single();
}
