using System.Net;
using LicensePortal.Features.Activation;
using LicensePortal.Features.Licenses;
using LicensePortal.Tests.Infrastructure;
using LicensePortal.Verifier;

namespace LicensePortal.Tests.Features.Activation;

/// <summary>Every answer of the activation API verifies with the portal's published key, and nothing else does.</summary>
public class AnswerSigningTests : IAsyncLifetime
{
    private readonly PortalFactory portal = new() { Licenses = 10, Settings = { ["Activation:PerKeyPerMinute"] = "2" } };
    private HttpClient api = null!;
    private License license = null!;

    public async ValueTask InitializeAsync()
    {
        api = portal.Client();
        license = await portal.NewLicenseAsync((await portal.NewCustomerAsync()).Id);
    }

    public ValueTask DisposeAsync() => portal.DisposeAsync();

    private DateTimeOffset Now => portal.Clock.GetUtcNow();

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var v) ? v.Single() : null;

    public static TheoryData<string> Answers => ["active", "unknown key", "invalid", "not JSON", "released", "too many for the key"];

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task Every_kind_of_answer_is_signed_and_verifies(string kind)
    {
        var keys = await api.PublishedKeysAsync();
        var (sentKey, machine, response) = kind switch
        {
            "active" => (license.Key, "m-1", await api.PostCheckInAsync(license.Key, "m-1")),
            "unknown key" => ("AAAAA-BBBBB-CCCCC-DDDDD-EEEEE", "m-1", await api.PostCheckInAsync("AAAAA-BBBBB-CCCCC-DDDDD-EEEEE", "m-1")),
            "invalid" => (license.Key, "", await api.PostCheckInAsync(license.Key, "")),
            "not JSON" => (
                "",
                "",
                await api.PostAsync(
                    "/api/v1/installations/check-in",
                    new StringContent("not json", System.Text.Encoding.UTF8, "application/json")
                )
            ),
            "released" => (license.Key, "m-1", await api.ReleaseAsync(license.Key, "m-1")),
            _ => (license.Key, "m-1", await TooManyAsync()),
        };

        Assert.Equal(
            kind switch
            {
                "active" => HttpStatusCode.OK,
                "unknown key" => HttpStatusCode.NotFound,
                "released" => HttpStatusCode.NoContent,
                "too many for the key" => HttpStatusCode.TooManyRequests,
                _ => HttpStatusCode.BadRequest,
            },
            response.StatusCode
        );
        // A 429 says nothing about the license, so it is not signed (a flood would cost a signature a request).
        Assert.Equal(
            kind == "too many for the key" ? Verdict.Unsigned : Verdict.Valid,
            await AnswerVerifier.VerifyAsync(keys, response, sentKey, machine, Now)
        );
    }

    private async Task<HttpResponseMessage> CheckInWithNonceAsync(string nonce)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/installations/check-in")
        {
            Content = System.Net.Http.Json.JsonContent.Create(
                new
                {
                    licenseKey = license.Key,
                    machineId = "m-1",
                    hostname = "mail1.acme.example",
                    productVersion = "12.3.9142",
                }
            ),
        };
        request.Headers.Add(AnswerVerifier.NonceHeader, nonce);
        return await api.SendAsync(request);
    }

    [Fact]
    public async Task An_answer_signed_over_the_products_nonce_cannot_be_replayed_for_another_request()
    {
        var keys = await api.PublishedKeysAsync();
        var first = await CheckInWithNonceAsync("nonce-1");
        portal.Clock.Advance(TimeSpan.FromDays(1));
        var second = await CheckInWithNonceAsync("nonce-2");

        Assert.Equal("2", Header(first, AnswerVerifier.SignatureVersionHeader));
        Assert.Equal(Verdict.Valid, await AnswerVerifier.VerifyAsync(keys, first, license.Key, "m-1", "nonce-1", Now));
        Assert.Equal(Verdict.Valid, await AnswerVerifier.VerifyAsync(keys, second, license.Key, "m-1", "nonce-2", Now));
        // Yesterday's answer, still within its validity, played back for today's request.
        Assert.Equal(Verdict.Forged, await AnswerVerifier.VerifyAsync(keys, first, license.Key, "m-1", "nonce-2", Now));
        // Read as version 1, a version 2 answer does not verify either: the two layouts never pass for each other.
        Assert.Equal(Verdict.Forged, await AnswerVerifier.VerifyAsync(keys, first, license.Key, "m-1", Now));
        Assert.Equal(
            HttpStatusCode.BadRequest,
            (await CheckInWithNonceAsync(new string('n', AnswerVerifier.MaxNonceLength + 1))).StatusCode
        );
    }

    [Fact]
    public void Version_2_fields_are_length_prefixed_so_a_line_break_cannot_move_from_one_field_to_the_next()
    {
        var body = "{}"u8.ToArray();
        Assert.Equal(
            AnswerVerifier.SignedBytes(200, "KEY\nA", "B", "t", "e", body),
            AnswerVerifier.SignedBytes(200, "KEY", "A\nB", "t", "e", body)
        );
        Assert.NotEqual(
            AnswerVerifier.SignedBytesV2(200, "KEY\nA", "B", "n", "t", "e", body),
            AnswerVerifier.SignedBytesV2(200, "KEY", "A\nB", "n", "t", "e", body)
        );
    }

    private async Task<HttpResponseMessage> TooManyAsync()
    {
        await api.PostCheckInAsync(license.Key, "m-1");
        await api.PostCheckInAsync(license.Key, "m-1");
        return await api.PostCheckInAsync(license.Key, "m-1");
    }

    [Fact]
    public async Task A_changed_byte_another_machine_another_key_or_a_lapsed_answer_does_not_verify()
    {
        var keys = await api.PublishedKeysAsync();
        var response = await api.PostCheckInAsync(license.Key, "m-1");
        var body = await response.Content.ReadAsByteArrayAsync();
        Verdict Check(
            byte[] bytes,
            string machine,
            DateTimeOffset at,
            IReadOnlyDictionary<string, string>? with = null,
            string? keyId = null
        ) =>
            AnswerVerifier.Verify(
                with ?? keys,
                200,
                license.Key,
                machine,
                keyId ?? Header(response, AnswerVerifier.KeyIdHeader),
                Header(response, AnswerVerifier.SignedAtHeader),
                Header(response, AnswerVerifier.ExpiresAtHeader),
                Header(response, AnswerVerifier.SignatureHeader),
                bytes,
                at
            );

        var changed = (byte[])body.Clone();
        changed[Array.IndexOf(changed, (byte)'a')] = (byte)'b';

        Assert.Equal(Verdict.Valid, Check(body, "m-1", Now));
        Assert.Equal(Verdict.Forged, Check(changed, "m-1", Now));
        Assert.Equal(Verdict.Forged, Check(body, "m-2", Now));
        Assert.Equal(Verdict.UnknownKey, Check(body, "m-1", Now, keyId: "someone-elses-key"));
        // The same key id, but not the portal's key: a fake server cannot sign as the portal.
        using var fake = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var impostor = keys.ToDictionary(k => k.Key, _ => Convert.ToBase64String(fake.ExportSubjectPublicKeyInfo()));
        Assert.Equal(Verdict.Forged, Check(body, "m-1", Now, with: impostor));
        Assert.Equal(Verdict.Valid, Check(body, "m-1", Now.AddDays(7).AddSeconds(-1)));
        Assert.Equal(Verdict.Expired, Check(body, "m-1", Now.AddDays(7)));
        Assert.Equal(Verdict.FromTheFuture, Check(body, "m-1", Now.AddMinutes(-6)));
        Assert.Equal(Verdict.Unsigned, AnswerVerifier.Verify(keys, 200, license.Key, "m-1", null, null, null, null, body, Now));
    }

    [Fact]
    public async Task After_a_key_rotation_old_answers_verify_until_they_expire_and_new_ones_use_the_new_key()
    {
        var before = await api.PostCheckInAsync(license.Key, "m-1");
        var oldKey = Header(before, AnswerVerifier.KeyIdHeader)!;
        portal.Clock.Advance(TimeSpan.FromDays(1));
        var newKey = SigningKeys.Create(portal.SigningKeyFolder, portal.Clock);

        await using var restarted = new PortalFactory
        {
            DatabasePath = portal.DatabasePath,
            SigningKeyFolder = portal.SigningKeyFolder,
            Settings = { ["Demo:Seed"] = "false" },
        };
        restarted.Clock.Advance(TimeSpan.FromDays(1));
        var client = restarted.Client();
        var keys = await client.PublishedKeysAsync();
        var after = await client.PostCheckInAsync(license.Key, "m-1");

        Assert.Equal([oldKey, newKey], keys.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(newKey, Header(after, AnswerVerifier.KeyIdHeader));
        Assert.Equal(Verdict.Valid, await AnswerVerifier.VerifyAsync(keys, after, license.Key, "m-1", restarted.Clock.GetUtcNow()));
        Assert.Equal(Verdict.Valid, await AnswerVerifier.VerifyAsync(keys, before, license.Key, "m-1", restarted.Clock.GetUtcNow()));
        Assert.Equal(Verdict.Expired, await AnswerVerifier.VerifyAsync(keys, before, license.Key, "m-1", PortalFactory.Now.AddDays(7)));
    }

    [Fact]
    public async Task Rotating_the_key_into_an_empty_folder_makes_exactly_one_key()
    {
        // What an operator does before the first start of two instances: one key, made once, for both.
        var folder = Path.Combine(Path.GetTempPath(), $"licenseportal-keys-{Guid.NewGuid():N}");
        try
        {
            var result = await PortalCommand.RunAsync(
                portal.DatabasePath,
                portal.BackupFolder,
                input: null,
                new() { ["Activation__SigningKeyFolder"] = folder },
                "rotate-signing-key"
            );

            Assert.Equal(0, result.ExitCode);
            var key = Assert.Single(Directory.GetFiles(folder, "*.pem"));
            Assert.Contains($"Made signing key {Path.GetFileNameWithoutExtension(key)} in {folder}.", result.Output);
        }
        finally
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
    }
}
