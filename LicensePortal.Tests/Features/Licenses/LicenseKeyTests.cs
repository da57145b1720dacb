using LicensePortal.Features.Licenses;

namespace LicensePortal.Tests.Features.Licenses;

public class LicenseKeyTests
{
    [Fact]
    public void New_keys_are_readable_groups_without_look_alike_characters()
    {
        var key = LicenseKey.New();

        Assert.Matches("^[2-9A-HJKMNP-Z]{5}(-[2-9A-HJKMNP-Z]{5}){4}$", key);
        Assert.Equal(key, LicenseKey.Normalize(key));
    }

    [Fact]
    public void Ten_thousand_new_keys_are_all_different()
    {
        var keys = Enumerable.Range(0, 10_000).Select(_ => LicenseKey.New()).ToHashSet();
        Assert.Equal(10_000, keys.Count);
    }

    [Theory]
    [InlineData(" abcde-fghjk-mnpqr-stuvw-xyz23 ", "ABCDE-FGHJK-MNPQR-STUVW-XYZ23")]
    [InlineData("ABCDE-FGHJK-MNPQR-STUVW-XYZ2", null)]
    [InlineData("ABCDE-FGHJK-MNPQR-STUVW-XYZ20", null)]
    [InlineData("ABCDEFFGHJK-MNPQR-STUVW-XYZ23", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Normalize_accepts_typed_keys_and_rejects_anything_else(string? typed, string? expected) =>
        Assert.Equal(expected, LicenseKey.Normalize(typed));
}
