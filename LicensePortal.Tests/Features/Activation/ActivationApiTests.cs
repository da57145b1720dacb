using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LicensePortal.Data;
using LicensePortal.Features.Activation;
using LicensePortal.Features.Fraud;
using LicensePortal.Features.Licenses;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LicensePortal.Tests.Features.Activation;

public class ActivationApiTests : IAsyncLifetime
{
    private readonly PortalFactory portal = new() { Licenses = 10 };
    private HttpClient api = null!;
    private License license = null!;

    public async ValueTask InitializeAsync()
    {
        api = portal.Client();
        license = await portal.NewLicenseAsync((await portal.NewCustomerAsync()).Id);
    }

    public ValueTask DisposeAsync() => portal.DisposeAsync();

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    [Fact]
    public async Task A_first_check_in_is_active_and_answers_every_field_in_iso_utc()
    {
        var response = await api.PostCheckInAsync(license.Key.ToLowerInvariant(), "machine-a");
        var json = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(
            """{"status":"active","allowance":1,"activeInstallations":1,"graceEndsAt":null,"disableAt":null,"message":"The license """
                + """is active."}""",
            json
        );
    }

    [Fact]
    public async Task A_second_machine_answers_grace_with_the_end_of_the_window()
    {
        await api.CheckInAsync(license.Key, "machine-a");

        var json = await (await api.PostCheckInAsync(license.Key, "machine-b")).Content.ReadAsStringAsync();

        Assert.Contains("\"status\":\"grace\"", json);
        Assert.Contains("\"activeInstallations\":2", json);
        Assert.Contains("\"graceEndsAt\":\"2026-12-26T12:00:00Z\"", json);
    }

    [Fact]
    public async Task A_failover_license_answers_active_for_two_machines_with_an_allowance_of_two()
    {
        var failover = await portal.NewLicenseAsync(license.CustomerId, failover: true);
        await api.CheckInAsync(failover.Key, "a");
        var answer = await api.CheckInAsync(failover.Key, "b");
        Assert.Equal(("active", 2, 2), (answer.Status, answer.Allowance, answer.ActiveInstallations));
    }

    [Fact]
    public async Task An_open_case_answers_flagged_with_the_disable_date_and_a_disabled_key_answers_disabled()
    {
        await api.CheckInAsync(license.Key, "a");
        var caseId = await portal.Service<FraudCaseService>().OpenAsync(TestData.As(Roles.Fraud), license.Id, "Tip-off from a reseller");

        // Within its allowance the key will not be disabled at the deadline, so no date is promised.
        var within = await api.CheckInAsync(license.Key, "a");
        Assert.Equal(("flagged", null), (within.Status, within.DisableAt));
        Assert.Contains("back within its allowance", within.Message);

        var flagged = await api.CheckInAsync(license.Key, "b");
        Assert.Equal(("flagged", PortalFactory.Now.UtcDateTime.AddDays(14)), (flagged.Status, flagged.DisableAt));

        await portal.Service<FraudCaseService>().DisableNowAsync(TestData.As(Roles.Fraud), caseId, "Customer confirmed resale");
        var disabled = await api.CheckInAsync(license.Key, "a");
        Assert.Equal("disabled", disabled.Status);
        Assert.Contains("disabled", disabled.Message);
    }

    [Fact]
    public async Task Check_ins_are_idempotent_per_machine_and_update_last_seen()
    {
        await api.CheckInAsync(license.Key, "a");
        portal.Clock.Advance(TimeSpan.FromHours(3));
        await api.PostCheckInAsync(license.Key, "a", host: "renamed.acme.example", version: "12.4");

        await using var db = await portal.DbAsync();
        var installation = await db.Installations.SingleAsync(i => i.LicenseId == license.Id);
        Assert.Equal(("renamed.acme.example", "12.4"), (installation.Hostname, installation.ProductVersion));
        Assert.Equal(PortalFactory.Now.UtcDateTime, installation.FirstSeenAt);
        Assert.Equal(PortalFactory.Now.UtcDateTime.AddHours(3), installation.LastSeenAt);
    }

    [Fact]
    public async Task Release_answers_204_and_the_machine_stops_counting_after_the_settle_time_until_it_checks_in_again()
    {
        await api.CheckInAsync(license.Key, "a");
        await api.CheckInAsync(license.Key, "b");

        Assert.Equal(HttpStatusCode.NoContent, (await api.ReleaseAsync(license.Key, "a")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await api.ReleaseAsync(license.Key, "a")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await api.ReleaseAsync(license.Key, "never-seen")).StatusCode);
        // A counts through the release's settle time, then no longer.
        var during = await api.CheckInAsync(license.Key, "b");
        Assert.Equal(("grace", 2), (during.Status, during.ActiveInstallations));
        portal.Clock.Advance(TimeSpan.FromHours(24));
        Assert.Equal(
            ("active", 1),
            ((await api.CheckInAsync(license.Key, "b")).Status, (await api.CheckInAsync(license.Key, "b")).ActiveInstallations)
        );
        Assert.Equal("grace", (await api.CheckInAsync(license.Key, "a")).Status);
    }

    [Theory]
    [InlineData("/api/v1/installations/check-in")]
    [InlineData("/api/v1/installations/release")]
    public async Task An_unknown_key_is_404_with_a_problem_that_says_so(string path)
    {
        var response = await api.PostAsync(
            path,
            Json(
                new
                {
                    licenseKey = "ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ",
                    machineId = "a",
                    hostname = "h",
                    productVersion = "1.0",
                }
            )
        );

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("Unknown license key", (await ProblemAsync(response)).GetProperty("title").GetString());
    }

    public static TheoryData<string, string, string> BadBodies =>
        new()
        {
            { "not JSON", "licenseKey=ABC", "Body is not valid JSON" },
            { "a JSON array", "[1,2]", "Body is not valid JSON" },
            { "JSON null", "null", "Missing body" },
            { "empty", "", "Body is not valid JSON" },
            { "wrong types", """{"licenseKey": 12}""", "Body is not valid JSON" },
        };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bodies_that_are_not_a_json_object_are_400_never_500(string because, string body, string title)
    {
        var response = await api.PostAsync("/api/v1/installations/check-in", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, because);
        Assert.Equal(title, (await ProblemAsync(response)).GetProperty("title").GetString());
    }

    public static TheoryData<string, object, string> BadFields =>
        new()
        {
            {
                "missing key",
                new
                {
                    machineId = "a",
                    hostname = "h",
                    productVersion = "1.0",
                },
                "licenseKey"
            },
            {
                "malformed key",
                new
                {
                    licenseKey = "ABCDE-12345",
                    machineId = "a",
                    hostname = "h",
                    productVersion = "1.0",
                },
                "licenseKey"
            },
            {
                "empty machine",
                new
                {
                    licenseKey = "ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ",
                    machineId = "",
                    hostname = "h",
                    productVersion = "1.0",
                },
                "machineId"
            },
            {
                "overlong machine",
                new
                {
                    licenseKey = "ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ",
                    machineId = new string('a', 129),
                    hostname = "h",
                    productVersion = "1.0",
                },
                "machineId"
            },
            {
                "spaces in hostname",
                new
                {
                    licenseKey = "ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ",
                    machineId = "a",
                    hostname = "my host",
                    productVersion = "1.0",
                },
                "hostname"
            },
            {
                "overlong hostname",
                new
                {
                    licenseKey = "ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ",
                    machineId = "a",
                    hostname = new string('h', 256),
                    productVersion = "1.0",
                },
                "hostname"
            },
            {
                "bad version",
                new
                {
                    licenseKey = "ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ",
                    machineId = "a",
                    hostname = "h",
                    productVersion = "twelve",
                },
                "productVersion"
            },
            {
                "missing version",
                new
                {
                    licenseKey = "ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ",
                    machineId = "a",
                    hostname = "h",
                },
                "productVersion"
            },
        };

    [Theory]
    [MemberData(nameof(BadFields))]
    public async Task Missing_or_malformed_fields_are_400_naming_the_field(string because, object body, string field)
    {
        var response = await api.PostAsync("/api/v1/installations/check-in", Json(body));

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, because);
        var problem = await ProblemAsync(response);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var messages), because);
        Assert.NotEmpty(messages.EnumerateArray().First().GetString()!);
    }

    [Fact]
    public async Task Fifty_concurrent_check_ins_from_one_machine_store_one_installation()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => api.PostCheckInAsync(license.Key, "same-machine")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        await using var db = await portal.DbAsync();
        Assert.Equal(1, await db.Installations.CountAsync(i => i.LicenseId == license.Id));
    }

    [Fact]
    public async Task Fifty_concurrent_check_ins_from_different_machines_store_fifty()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => api.PostCheckInAsync(license.Key, $"machine-{i}")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        await using var db = await portal.DbAsync();
        Assert.Equal(50, await db.Installations.CountAsync(i => i.LicenseId == license.Id));
        Assert.Equal(50, (await api.CheckInAsync(license.Key, "machine-0")).ActiveInstallations);
    }

    [Fact]
    public async Task The_openapi_document_describes_both_endpoints()
    {
        var json = await api.GetStringAsync("/openapi/v1.json");

        Assert.Contains("/api/v1/installations/check-in", json);
        Assert.Contains("/api/v1/installations/release", json);
        Assert.Contains("graceEndsAt", json);
    }

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    [Theory]
    [InlineData("machine", "sec-m1\n")]
    [InlineData("machine", "sec-m1\r")]
    [InlineData("host", "mail1.acme.example\n")]
    [InlineData("version", "12.3\n")]
    [InlineData("key", "\n")]
    public async Task A_field_with_a_trailing_line_break_is_malformed_never_a_new_machine(string field, string value)
    {
        await api.CheckInAsync(license.Key, "sec-m1");
        var response = await api.PostCheckInAsync(
            field == "key" ? license.Key + value : license.Key,
            field == "machine" ? value : "sec-m1",
            host: field == "host" ? value : "mail1.acme.example",
            version: field == "version" ? value : "12.3.9142"
        );

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await using var db = await portal.DbAsync();
        Assert.Equal(["sec-m1"], await db.Installations.Where(i => i.LicenseId == license.Id).Select(i => i.MachineId).ToListAsync());
    }

}

public class ActivationRateLimitTests
{
    private sealed class LimitedPortal(int perKey, int perClient) : PortalFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Activation:PerKeyPerMinute", perKey.ToString());
            builder.UseSetting("Activation:PerClientPerMinute", perClient.ToString());
        }
    }

    [Fact]
    public async Task Addresses_in_one_IPv6_64_share_a_limit_and_another_64_has_its_own()
    {
        await using var portal = new LimitedPortal(perKey: 1000, perClient: 3) { Licenses = 10 };
        var license = await portal.NewLicenseAsync((await portal.NewCustomerAsync()).Id);
        var api = portal.Client();
        async Task<HttpStatusCode> FromAsync(string address)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/installations/release")
            {
                Content = JsonContent.Create(new { licenseKey = license.Key, machineId = "m" }),
            };
            request.Headers.Add(PortalFactory.ClientAddressHeader, address);
            return (await api.SendAsync(request)).StatusCode;
        }

        HttpStatusCode[] codes =
        [
            await FromAsync("2001:db8:1:2::1"),
            await FromAsync("2001:db8:1:2::2"),
            await FromAsync("2001:db8:1:2:ffff::3"),
            await FromAsync("2001:db8:1:2::4"),
            await FromAsync("2001:db8:1:3::1"),
        ];

        Assert.Equal(
            [
                HttpStatusCode.NoContent,
                HttpStatusCode.NoContent,
                HttpStatusCode.NoContent,
                HttpStatusCode.TooManyRequests,
                HttpStatusCode.NoContent,
            ],
            codes
        );
        Assert.Equal("2001:db8:1:2::/64", ClientPartition.Of(System.Net.IPAddress.Parse("2001:db8:1:2:aaaa:bbbb:cccc:dddd")));
        Assert.Equal("192.0.2.7", ClientPartition.Of(System.Net.IPAddress.Parse("::ffff:192.0.2.7")));
    }

    [Fact]
    public async Task An_unknown_key_is_answered_without_waiting_for_a_turn_to_write()
    {
        await using var portal = new PortalFactory { Licenses = 10, Settings = { ["Activation:WriteQueueLimit"] = "0" } };
        var license = await portal.NewLicenseAsync((await portal.NewCustomerAsync()).Id);
        var api = portal.Client();
        var gate = portal.Service<WriteGate>();
        using var held = await gate.EnterAsync(TestContext.Current.CancellationToken);

        var unknown = await api.PostCheckInAsync("ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ", "m");
        var unknownRelease = await api.ReleaseAsync("ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ", "m");
        var known = await api.PostCheckInAsync(license.Key, "m");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownRelease.StatusCode);
        // Where writes queue (SQLite), the real key waits for the turn the test holds, and the queue is full.
        await using var db = await portal.DbAsync();
        if (SqlDialect.Of(db).QueuesWrites)
            Assert.Equal(HttpStatusCode.ServiceUnavailable, known.StatusCode);
    }

    [Fact]
    public void Requests_past_the_instances_limit_are_turned_away()
    {
        var options = Microsoft.Extensions.Options.Options.Create(new ActivationOptions { MaxConcurrentRequests = 2 });
        using var limiter = new KeyRateLimiter(options);
        using var first = limiter.TryEnter();
        using var second = limiter.TryEnter();

        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Null(limiter.TryEnter());
        second!.Dispose();
        using var third = limiter.TryEnter();
        Assert.NotNull(third);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_body_over_16_KB_is_refused_whether_or_not_it_says_its_length(bool chunked)
    {
        await using var portal = new PortalFactory { Licenses = 10 };
        var license = await portal.NewLicenseAsync((await portal.NewCustomerAsync()).Id);
        var body = Encoding.UTF8.GetBytes(
            $$"""{"licenseKey":"{{license.Key}}","machineId":"m","hostname":"h","productVersion":"12"""
                + $$""".0","padding":"{{new string('x', 17_000)}}"}"""
        );
        // A stream of unknown length goes out chunked, with no Content-Length to check up front.
        HttpContent content = chunked ? new StreamContent(new UnknownLengthStream(body)) : new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");

        var response = await portal.Client().PostAsync("/api/v1/installations/check-in", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("at most 16 KB", await response.Content.ReadAsStringAsync());
        await using var db = await portal.DbAsync();
        Assert.False(await db.Installations.AnyAsync(i => i.LicenseId == license.Id));
    }

    [Fact]
    [Trait("Provider", "Sqlite")] // The in-process write queue exists on SQLite only (SqlDialect.QueuesWrites).
    public async Task When_the_writers_queue_is_full_a_check_in_is_answered_503_with_retry_after_and_the_queued_ones_still_land()
    {
        await using var portal = new PortalFactory { Licenses = 10, Settings = { ["Activation:WriteQueueLimit"] = "2" } };
        var license = await portal.NewLicenseAsync((await portal.NewCustomerAsync()).Id);
        var api = portal.Client();
        var gate = portal.Services.GetRequiredService<WriteGate>();

        Task<HttpResponseMessage> queued1,
            queued2;
        HttpResponseMessage shed;
        using (await gate.EnterAsync(CancellationToken.None))
        {
            queued1 = api.PostCheckInAsync(license.Key, "m1");
            queued2 = api.PostCheckInAsync(license.Key, "m2");
            while (gate.Waiting < 2)
                await Task.Yield();
            shed = await api.PostCheckInAsync(license.Key, "m3");
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, shed.StatusCode);
        Assert.Equal("5", shed.Headers.GetValues("Retry-After").Single());
        Assert.Equal(
            "Busy",
            (await JsonDocument.ParseAsync(await shed.Content.ReadAsStreamAsync())).RootElement.GetProperty("title").GetString()
        );
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK], (await Task.WhenAll(queued1, queued2)).Select(r => r.StatusCode));
        await using var db = await portal.DbAsync();
        Assert.Equal(
            ["m1", "m2"],
            await db.Installations.Where(i => i.LicenseId == license.Id).OrderBy(i => i.MachineId).Select(i => i.MachineId).ToListAsync()
        );
    }

    /// <summary>A stream that does not say how long it is, as a client streaming its body would send it.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }

    [Fact]
    public async Task Too_many_check_ins_for_one_key_get_429_with_retry_after_and_other_keys_still_work()
    {
        await using var portal = new LimitedPortal(perKey: 3, perClient: 1000) { Licenses = 10 };
        var customer = await portal.NewCustomerAsync();
        var busy = await portal.NewLicenseAsync(customer.Id);
        var quiet = await portal.NewLicenseAsync(customer.Id);
        var api = portal.Client();

        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await api.PostCheckInAsync(busy.Key, "a")).StatusCode);
        var limited = await api.PostCheckInAsync(busy.Key, "a");

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("60", limited.Headers.GetValues("Retry-After").Single());
        Assert.Contains("this license key", await limited.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await api.PostCheckInAsync(quiet.Key, "a")).StatusCode);
    }

    [Fact]
    public async Task Too_many_requests_from_one_address_get_429()
    {
        await using var portal = new LimitedPortal(perKey: 1000, perClient: 5) { Licenses = 10 };
        var license = await portal.NewLicenseAsync((await portal.NewCustomerAsync()).Id);
        var api = portal.Client();

        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 7; i++)
            codes.Add((await api.PostCheckInAsync(license.Key, $"m{i}")).StatusCode);

        Assert.Equal(5, codes.Count(c => c == HttpStatusCode.OK));
        Assert.Equal(HttpStatusCode.TooManyRequests, codes[^1]);
    }
}
