using System.Security.Cryptography;
using LicensePortal.Features.Activation;
using LicensePortal.Tests.Infrastructure;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace LicensePortal.Tests.Features.Activation;

/// <summary>The answer-signing keys on disk: private from creation, trusted only when the manifest lists them, retired and
/// revoked.</summary>
public class SigningKeysTests : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly string folder = Path.Combine(Path.GetTempPath(), "licenseportal-tests", $"keys-{Guid.NewGuid():N}", "signing-keys");
    private readonly TestClock clock = new(PortalFactory.Now);

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(folder)!, recursive: true);

    private sealed class Env : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Test";
        public string ApplicationName { get; set; } = "Test";
        public string ContentRootPath { get; set; } = Path.GetTempPath();
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = null!;
    }

    private SigningKeys Start() => new(Options.Create(new ActivationOptions { SigningKeyFolder = folder }), new Env(), clock);

    private string ForeignKey(string id)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var path = Path.Combine(folder, id + ".pem");
        File.WriteAllText(path, key.ExportPkcs8PrivateKeyPem());
        return path;
    }

    [Fact]
    public void The_first_start_makes_a_key_in_a_folder_and_files_only_the_portals_account_can_read()
    {
        using var keys = Start();

        var key = Path.Combine(folder, keys.Current.Id + ".pem");
        Assert.True(File.Exists(key));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(key));
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(SigningKeyManifest.PathIn(folder)));
        }
        // Written beside the final name and renamed: no half-written or temporary file is left behind.
        Assert.Equal([$"{keys.Current.Id}.pem", SigningKeyManifest.FileName], Directory.GetFiles(folder).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void A_key_file_the_manifest_does_not_list_is_neither_used_to_sign_nor_published()
    {
        string current;
        using (var keys = Start())
            current = keys.Current.Id;
        ForeignKey("99991231-235959-ffffff"); // sorts after every real key

        using var restarted = Start();

        Assert.Equal(current, restarted.Current.Id);
        Assert.Equal([current], restarted.Published.Select(k => k.KeyId));
    }

    [Fact]
    public void Keys_of_a_folder_without_a_manifest_are_adopted_on_the_first_start_and_the_newest_signs()
    {
        Directory.CreateDirectory(folder);
        ForeignKey("20260101-120000-aaaaaa");
        ForeignKey("20260601-120000-bbbbbb");

        using (var keys = Start())
        {
            Assert.Equal("20260601-120000-bbbbbb", keys.Current.Id);
            Assert.Equal(["20260101-120000-aaaaaa", "20260601-120000-bbbbbb"], keys.Published.Select(k => k.KeyId));
        }
        var manifest = File.ReadAllText(SigningKeyManifest.PathIn(folder));
        Assert.Contains("20260101-120000-aaaaaa", manifest);
        Assert.Contains("\"createdAt\": \"2026-06-01T12:00:00+00:00\"", manifest);
    }

    [Fact]
    public void A_rotation_retires_the_old_key_which_stays_published_and_a_revoked_key_is_neither_published_nor_used()
    {
        string first;
        using (var keys = Start())
            first = keys.Current.Id;
        clock.Advance(TimeSpan.FromDays(30));
        var second = SigningKeys.Create(folder, clock);

        using (var keys = Start())
        {
            Assert.Equal(second, keys.Current.Id);
            Assert.Equal([first, second], keys.Published.Select(k => k.KeyId));
            Assert.False(keys.Published[0].Current);
        }

        clock.Advance(TimeSpan.FromDays(1));
        SigningKeys.Revoke(folder, first, clock);
        using (var keys = Start())
            Assert.Equal([second], keys.Published.Select(k => k.KeyId));

        var refused = Assert.Throws<InvalidOperationException>(() => SigningKeys.Revoke(folder, second, clock));
        Assert.Equal($"Signing key {second} is the only key that signs: run rotate-signing-key first.", refused.Message);
        Assert.Throws<InvalidOperationException>(() => SigningKeys.Revoke(folder, "20200101-000000-000000", clock));
    }

    [Fact]
    public async Task Operators_rotate_and_revoke_from_the_command_line()
    {
        await using var portal = new PortalFactory { Licenses = 10, SigningKeyFolder = folder };
        _ = portal.Server;
        string first;
        using (var keys = Start())
            first = keys.Current.Id;

        var rotated = await PortalCommand.RunAsync(portal, "rotate-signing-key");
        var revoked = await PortalCommand.RunAsync(portal, "revoke-signing-key", first);
        var again = await PortalCommand.RunAsync(portal, "revoke-signing-key", "20200101-000000-000000");

        Assert.Equal(0, rotated.ExitCode);
        Assert.Equal(0, revoked.ExitCode);
        Assert.Contains($"Revoked signing key {first}.", revoked.Output);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("Nothing was revoked: The manifest lists no signing key 20200101-000000-000000.", again.Output);
        clock.Advance(TimeSpan.FromDays(365)); // the command ran on the machine's clock
        using var after = Start();
        Assert.NotEqual(first, after.Current.Id);
        Assert.DoesNotContain(first, after.Published.Select(k => k.KeyId));
    }
}
