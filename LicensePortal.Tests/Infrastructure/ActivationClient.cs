using System.Net.Http.Json;
using System.Text.Json;

namespace LicensePortal.Tests.Infrastructure;

/// <summary>Calls the activation API over real HTTP, as a deployed product would.</summary>
public static class ActivationClient
{
    public sealed record Answer(
        string Status,
        int Allowance,
        int ActiveInstallations,
        DateTime? GraceEndsAt,
        DateTime? DisableAt,
        string Message
    );

    public static async Task<HttpResponseMessage> PostCheckInAsync(
        this HttpClient client,
        string key,
        string machine,
        string host = "mail1.acme.example",
        string version = "12.3.9142"
    ) =>
        await client.PostAsJsonAsync(
            "/api/v1/installations/check-in",
            new
            {
                licenseKey = key,
                machineId = machine,
                hostname = host,
                productVersion = version,
            }
        );

    public static async Task<Answer> CheckInAsync(this HttpClient client, string key, string machine)
    {
        var response = await client.PostCheckInAsync(key, machine);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<Answer>(new JsonSerializerOptions(JsonSerializerDefaults.Web)))!;
    }

    /// <summary>The public keys the portal publishes, by key id, as a product would fetch them once.</summary>
    public static async Task<Dictionary<string, string>> PublishedKeysAsync(this HttpClient client)
    {
        var json = await client.GetFromJsonAsync<JsonElement>("/.well-known/licenseportal-keys.json");
        return json.GetProperty("keys")
            .EnumerateArray()
            .ToDictionary(k => k.GetProperty("keyId").GetString()!, k => k.GetProperty("subjectPublicKeyInfo").GetString()!);
    }

    public static Task<HttpResponseMessage> ReleaseAsync(this HttpClient client, string key, string machine) =>
        client.PostAsJsonAsync("/api/v1/installations/release", new { licenseKey = key, machineId = machine });
}
