using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LicensePortal.Tests.Infrastructure;

public static partial class SignInForm
{
    public static HttpClient Client(this PortalFactory factory) =>
        factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>Signs in through the real form: GET the page, take its hidden fields, POST it back (from <paramref name="address"/> when
    /// given).</summary>
    public static Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string email, string password, string? address = null) =>
        PostFormAsync(client, "/Account/Login", "login", new() { ["Input.Email"] = email, ["Input.Password"] = password }, address);

    /// <summary>Submits one form of a static page as a browser would: its antiforgery token, its name, the values typed.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(
        HttpClient client,
        string url,
        string formName,
        Dictionary<string, string> values,
        string? address = null
    ) => await PostPageFormAsync(client, url, await client.GetStringAsync(url), formName, values, address);

    /// <summary>Submits a form of a page already fetched (<paramref name="page"/>), with the hidden fields it carries (a set-up
    /// page's sealed key offer, say): what a browser posts from the page the person is looking at.</summary>
    public static async Task<HttpResponseMessage> PostPageFormAsync(
        HttpClient client,
        string url,
        string page,
        string formName,
        Dictionary<string, string> values,
        string? address = null
    )
    {
        var hidden = HiddenInput().Matches(page).ToList();
        var token =
            hidden.FirstOrDefault(m => m.Groups["name"].Value == "__RequestVerificationToken")?.Groups["value"].Value
            ?? throw new InvalidOperationException($"{url} has no form to submit:\n{page}");
        var fields = new Dictionary<string, string>();
        foreach (var field in hidden)
            fields.TryAdd(field.Groups["name"].Value, WebUtility.HtmlDecode(field.Groups["value"].Value));
        foreach (var (name, value) in values)
            fields[name] = value;
        fields["__RequestVerificationToken"] = WebUtility.HtmlDecode(token);
        fields["_handler"] = formName;
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(fields) };
        if (address is not null)
            request.Headers.Add(PortalFactory.ClientAddressHeader, address);
        return await client.SendAsync(request);
    }

    public static async Task<HttpClient> SignedInAsync(this PortalFactory factory, string email)
    {
        var client = factory.Client();
        var response = await PostLoginAsync(client, email, PortalFactory.Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    /// <summary>The sign-in cookie a sign-in response set, as a Cookie header value, to carry to another instance or a restarted
    /// one.</summary>
    public static string SignInCookie(this HttpResponseMessage signIn) =>
        signIn
            .Headers.GetValues("Set-Cookie")
            .Single(c => c.StartsWith(".AspNetCore.Identity.Application=", StringComparison.Ordinal))
            .Split(';')[0];

    /// <summary>A GET on <paramref name="portal"/> with only <paramref name="cookie"/>, no redirects followed.</summary>
    public static async Task<HttpResponseMessage> GetWithCookieAsync(
        this PortalFactory portal,
        string url,
        string cookie,
        CancellationToken ct = default
    )
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("Cookie", cookie);
        return await portal
            .CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false })
            .SendAsync(request, ct);
    }

    /// <summary>The page a redirect leads to, relative to the portal.</summary>
    public static string Target(this HttpResponseMessage response) =>
        response.Headers.Location is not { } location
            ? ""
            : (location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString).TrimStart('/');

    [GeneratedRegex("""<input type="hidden" name="(?<name>[^"]+)" value="(?<value>[^"]*)" """, RegexOptions.None)]
    private static partial Regex HiddenInput();
}
