using LicensePortal.Features.Installations;
using LicensePortal.Features.Licensing;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Tests.Features.Installations;

[Collection(SharedPortal.Name)]
public class InstallationServiceTests(PortalFactory portal)
{
    [Theory]
    [InlineData(InstallationState.Active)]
    [InlineData(InstallationState.Stale)]
    [InlineData(InstallationState.Released)]
    [InlineData(InstallationState.Decommissioned)]
    public async Task A_state_filter_lists_exactly_the_installations_the_rule_puts_in_that_state(InstallationState state)
    {
        _ = portal.Server;
        var now = portal.Clock.GetUtcNow().UtcDateTime;
        var options = new InstallationOptions();
        await using var db = await portal.DbAsync();
        var expected = (await db.Installations.AsNoTracking().ToListAsync())
            .Where(i => InstallationStanding.StateOf(i.Stint, now, options) == state)
            .Select(i => i.Id)
            .ToHashSet();

        var result = await portal.Service<InstallationService>().ListAsync(state, null, new PageRequest(0, 100_000, null, false));

        Assert.Equal(expected.Count, result.Total);
        Assert.Equal(Math.Min(expected.Count, PageRequest.MaxPageSize), result.Rows.Count);
        Assert.All(result.Rows, r => Assert.Contains(r.Id, expected));
        Assert.All(result.Rows, r => Assert.Equal(state, r.State));
    }
}
