using LicensePortal.Features.Licenses;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;

namespace LicensePortal.Tests.Features.Licenses;

[Collection(SharedPortal.Name)]
public class KeyLookupTests(PortalFactory portal)
{
    private LicenseService Licenses => portal.Service<LicenseService>();

    [Fact]
    public async Task A_full_key_finds_its_license()
    {
        var license = await portal.NewLicenseAsync((await portal.NewCustomerAsync("Key Lookup Hosting")).Id);

        Assert.Equal(new KeyLookup(LicenseId: license.Id), await Licenses.FindByKeyAsync(TestData.As(Roles.Fraud), license.Key));
    }

    [Fact]
    public async Task A_key_read_out_in_lower_case_with_spaces_and_no_dashes_finds_its_license()
    {
        var license = await portal.NewLicenseAsync((await portal.NewCustomerAsync("Key Lookup Spaces")).Id);
        var spoken = string.Join(" ", license.Key.Replace("-", "").Chunk(3).Select(c => new string(c))).ToLowerInvariant();

        Assert.Equal(new KeyLookup(LicenseId: license.Id), await Licenses.FindByKeyAsync(TestData.As(Roles.Sales), $"  {spoken} "));
        Assert.Equal(
            new KeyLookup(LicenseId: license.Id),
            await Licenses.FindByKeyAsync(TestData.As(Roles.Manager), license.Key.ToLowerInvariant().Replace("-", " - "))
        );
    }

    [Fact]
    public async Task Part_of_a_key_searches_the_license_list_by_the_start_of_the_key()
    {
        var license = await portal.NewLicenseAsync((await portal.NewCustomerAsync("Key Lookup Partial")).Id);
        var typed = license.Key.Replace("-", "")[..8].ToLowerInvariant();

        var found = await Licenses.FindByKeyAsync(TestData.As(Roles.Fraud), typed);

        Assert.Equal(license.Key[..9], found.Search);
        Assert.Null(found.LicenseId);
        // The list the box opens holds the license.
        var rows = await Licenses.ListAsync(new LicenseFilter { Search = found.Search }, new PageRequest(0, 200, null, false));
        Assert.Contains(rows.Rows, r => r.Id == license.Id);
    }

    [Fact]
    public async Task An_unknown_full_key_says_so()
    {
        var unknown = LicenseKey.New();

        var found = await Licenses.FindByKeyAsync(TestData.As(Roles.Fraud), unknown);

        Assert.Equal(new KeyLookup(Message: $"No license has the key {unknown}."), found);
    }

    [Theory]
    [InlineData("hello world!")]
    [InlineData("")]
    public async Task What_cannot_be_a_key_says_why(string typed)
    {
        var found = await Licenses.FindByKeyAsync(TestData.As(Roles.Fraud), typed);

        Assert.Null(found.LicenseId);
        Assert.Null(found.Search);
        Assert.NotNull(found.Message);
    }

    [Fact]
    public async Task An_admin_may_not_look_up_licenses()
    {
        var license = await portal.NewLicenseAsync((await portal.NewCustomerAsync("Key Lookup Admin")).Id);

        var refused = await Assert.ThrowsAsync<DomainException>(() => Licenses.FindByKeyAsync(TestData.As(Roles.Admin), license.Key));
        Assert.Contains("look up licenses", refused.Message);
    }

    [Theory]
    [InlineData("7kq2m zp4xd", "7KQ2M-ZP4XD")]
    [InlineData("7KQ2MZP4", "7KQ2M-ZP4")]
    [InlineData("7kq2m-", "7KQ2M")]
    [InlineData("7KQ0M", null)]
    [InlineData(" ", null)]
    public void A_typed_key_becomes_the_start_of_a_key_in_its_usual_form(string typed, string? expected) =>
        Assert.Equal(expected, LicenseKey.Prefix(typed));
}
