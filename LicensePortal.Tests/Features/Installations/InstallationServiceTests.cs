using LicensePortal.Features.Installations;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;

namespace LicensePortal.Tests.Features.Installations;

[Collection(SharedPortal.Name)]
public class InstallationServiceTests(PortalFactory portal)
{
    [Theory]
    [InlineData(InstallationState.Active)]
    [InlineData(InstallationState.Stale)]
    [InlineData(InstallationState.Released)]
    public async Task Each_state_filter_returns_only_installations_in_that_state(InstallationState state)
    {
        _ = portal.Server;
        var result = await portal.Service<InstallationService>().ListAsync(state, null, new PageRequest(0, 200, null, false));

        Assert.True(result.Total > 0);
        Assert.All(result.Rows, r => Assert.Equal(state, r.State));
        var activeSince = PortalFactory.Now.UtcDateTime.AddDays(-14);
        if (state == InstallationState.Active)
            Assert.All(result.Rows, r => Assert.True(r.LastSeenAt >= activeSince));
        if (state == InstallationState.Stale)
            Assert.All(result.Rows, r => Assert.True(r.LastSeenAt < activeSince));
    }
}
