using LicensePortal.Features.Activation;
using LicensePortal.Infrastructure;
using LicensePortal.Verifier;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LicensePortal.Tests.Features.Activation;

/// <summary>The two texts of offline activation: the product's request and the portal's signed license file.</summary>
public class OfflineActivationFilesTests : IDisposable
{
    private const string Key = "7KQ2M-ZP4XD-HT9WC-3NRYF-M8VBE";
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private readonly string folder = Path.Combine(Path.GetTempPath(), "licenseportal-tests", $"offline-{Guid.NewGuid():N}");
    private readonly SigningKeys keys;

    public OfflineActivationFilesTests() =>
        keys = new SigningKeys(Options.Create(new ActivationOptions { SigningKeyFolder = folder }), new Env(), new FakeTimeProvider(Now));

    public void Dispose()
    {
        keys.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    private sealed class Env : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Test";
        public string ApplicationName { get; set; } = "Test";
        public string ContentRootPath { get; set; } = Path.GetTempPath();
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = null!;
    }

    private Dictionary<string, string> Published => keys.Published.ToDictionary(k => k.KeyId, k => k.SubjectPublicKeyInfo);

    [Fact]
    public void A_request_becomes_a_license_file_the_product_verifies_for_its_own_server_until_it_expires()
    {
        var text =
            "Please activate:\r\n"
            + OfflineActivation.Request(Key.ToLowerInvariant(), "srv-7", "mail7.bank.example", "12.3.9142", Now)
            + "\r\nThanks";

        var request = OfflineActivationFiles.ParseRequest(text);
        var (file, releaseCode) = OfflineActivationFiles.Issue(keys, request, Now, Now.AddYears(1));

        Assert.Equal(new OfflineRequest(Key, "srv-7", "mail7.bank.example", "12.3.9142"), request);
        Assert.Equal(LicenseFileVerdict.Valid, OfflineActivation.Verify(Published, file, Key, "srv-7", Now.AddDays(364), out var grant));
        Assert.Equal(releaseCode, grant!.ReleaseCode);
        Assert.Matches("^[A-HJ-NP-Z2-9]{5}-[A-HJ-NP-Z2-9]{5}$", releaseCode);
        Assert.Equal(LicenseFileVerdict.Expired, OfflineActivation.Verify(Published, file, Key, "srv-7", Now.AddYears(1), out _));
        Assert.Equal(LicenseFileVerdict.NotForThisServer, OfflineActivation.Verify(Published, file, Key, "srv-8", Now, out _));
        Assert.Equal(
            LicenseFileVerdict.UnknownKey,
            OfflineActivation.Verify(new Dictionary<string, string>(), file, Key, "srv-7", Now, out _)
        );
    }

    [Fact]
    public void A_license_file_changed_by_hand_does_not_verify()
    {
        var (file, _) = OfflineActivationFiles.Issue(keys, new OfflineRequest(Key, "srv-7", "mail7", "12.3"), Now, Now.AddYears(1));
        var payload = file.Split('\n').Single(l => l.StartsWith("Payload: ", StringComparison.Ordinal))["Payload: ".Length..];
        var json = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(payload));
        var longer = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(json.Replace("\"2027-", "\"2099-")));

        Assert.Equal(
            LicenseFileVerdict.Forged,
            OfflineActivation.Verify(Published, file.Replace(payload, longer), Key, "srv-7", Now, out _)
        );
        Assert.Equal(LicenseFileVerdict.Malformed, OfflineActivation.Verify(Published, "hello", Key, "srv-7", Now, out _));
    }

    [Theory]
    [InlineData("just some text", "This is not an activation request")]
    [InlineData(
        "-----BEGIN LICENSEPORTAL ACTIVATION REQUEST-----\n!!!\n-----END LICENSEPORTAL ACTIVATION REQUEST-----",
        "The activation request is damaged"
    )]
    public void A_malformed_request_is_refused_saying_what_is_wrong(string text, string message) =>
        Assert.StartsWith(message, Assert.Throws<DomainException>(() => OfflineActivationFiles.ParseRequest(text)).Message);

    [Fact]
    public void A_request_with_a_bad_field_is_refused_like_a_check_in()
    {
        var text = OfflineActivation.Request("not-a-key", "", "mail7", "12.3", Now);

        Assert.StartsWith(
            "The activation request is not valid:",
            Assert.Throws<DomainException>(() => OfflineActivationFiles.ParseRequest(text)).Message
        );
    }

    [Fact]
    public void A_license_file_with_a_field_given_twice_is_malformed_rather_than_a_crash()
    {
        var (file, _) = OfflineActivationFiles.Issue(keys, new OfflineRequest(Key, "srv-7", "mail7", "12.3"), Now, Now.AddYears(1));
        var payload = file.Split('\n').Single(l => l.StartsWith("Payload: ", StringComparison.Ordinal));
        var doubled = file.Replace(payload, $"{payload}\n{payload}");

        Assert.Equal(LicenseFileVerdict.Malformed, OfflineActivation.Verify(Published, doubled, Key, "srv-7", Now, out var grant));
        Assert.Null(grant);
    }
}
