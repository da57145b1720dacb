using LicensePortal.Data;
using LicensePortal.Features.Catalog;
using LicensePortal.Features.Customers;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Tests.Data;

[Collection(SharedPortal.Name)]
public class SaveExtensionsTests(PortalFactory portal)
{
    [Fact]
    public async Task A_unique_index_another_save_filled_first_is_refused_with_the_message()
    {
        await using var db = await portal.DbAsync();
        var taken = await db.Products.Select(p => p.Name).FirstAsync();
        db.Products.Add(new Product { Name = taken, LevelUnit = "mailboxes" });

        var refused = await Assert.ThrowsAsync<DomainException>(() => db.SaveOrRefuseAsync("Someone else changed this."));

        Assert.Equal("Someone else changed this.", refused.Message);
    }

    [Fact]
    public async Task A_change_someone_else_saved_first_is_refused_with_the_message()
    {
        await using var first = await portal.DbAsync();
        await using var second = await portal.DbAsync();
        var id = await first.Products.Select(p => p.Id).FirstAsync();
        var mine = await first.Products.SingleAsync(p => p.Id == id);
        var theirs = await second.Products.SingleAsync(p => p.Id == id);
        theirs.LevelUnit = theirs.LevelUnit + " ";
        await second.SaveChangesAsync();

        mine.LevelUnit = "seats";
        var refused = await Assert.ThrowsAsync<DomainException>(() => first.SaveOrRefuseAsync("Someone else changed this."));

        Assert.Equal("Someone else changed this.", refused.Message);
        theirs.LevelUnit = theirs.LevelUnit.TrimEnd();
        await second.SaveChangesAsync();
    }

    [Fact]
    public async Task Any_other_failure_is_not_passed_off_as_someone_elses_change()
    {
        await using var db = await portal.DbAsync();
        db.CustomerContacts.Add(
            new CustomerContact
            {
                CustomerId = int.MaxValue,
                Name = "Nobody",
                Email = "nobody@example.com",
                Phone = "+1 555 0100",
            }
        );

        var failure = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveOrRefuseAsync("Someone else changed this."));

        Assert.False(SaveExtensions.IsUniqueViolation(failure));
    }
}
