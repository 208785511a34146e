using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR.Client;

namespace Orleans.Align.EndToEnd;

/// <summary>A signed-in person's browser: its own cookies, and the antiforgery token sign-in hands out.</summary>
internal sealed class PersonBrowser : IDisposable
{
    public const string Password = "a long enough password";

    /// <param name="cookies">Another browser's cookies to share (the same session, e.g. on another gateway).</param>
    public PersonBrowser(Uri gateway, CookieContainer? cookies = null)
    {
        Cookies = cookies ?? new CookieContainer();
        Http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies }) { BaseAddress = gateway };
    }

    public CookieContainer Cookies { get; }
    public HttpClient Http { get; }
    public string? Csrf { get; set; }

    /// <summary>The same session, through another gateway.</summary>
    public PersonBrowser On(Uri gateway) => new(gateway, Cookies) { Csrf = Csrf };

    /// <summary>A live connection of this session (not started).</summary>
    public HubConnection Hub() => new HubConnectionBuilder().WithUrl(new Uri(Http.BaseAddress!, "/hubs/live"), o => o.Cookies = Cookies).Build();

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null, bool csrf = true)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body, options: Tenant.Json);
        if (csrf && Csrf is not null) request.Headers.Add("X-CSRF-TOKEN", Csrf);
        return await Http.SendAsync(request);
    }

    public async Task<HttpStatusCode> StatusAsync(HttpMethod method, string path, object? body = null, bool csrf = true)
    {
        using var response = await SendAsync(method, path, body, csrf);
        return response.StatusCode;
    }

    public void Dispose() => Http.Dispose();
}

/// <summary>People of a tenant, over HTTP: added by the admin key, with a password set, signed in.</summary>
internal static class PeopleApi
{
    /// <summary>Adds the person with the tenant's admin key and sets the password with the token shown; the normalized email.</summary>
    public static async Task<string> AddPersonAsync(this Tenant tenant, string role, params string[] departments)
    {
        var email = $"{role}-{Guid.NewGuid():N}"[..20] + "@Example.com";
        var added = await tenant.PostOkAsync("/api/v1/people", new { email, displayName = $"A {role}", role, departments });
        Assert.True(added["newAccount"]!.GetValue<bool>());
        var token = added["setPasswordToken"]!.GetValue<string>();
        using var set = await tenant.System.Http.PostAsJsonAsync("/api/v1/account/password", new { email, token, password = PersonBrowser.Password });
        Assert.Equal(HttpStatusCode.NoContent, set.StatusCode);
        return email.ToLowerInvariant();
    }

    /// <summary>Signs the person in on <paramref name="gateway"/> (the system's first by default).</summary>
    public static async Task<PersonBrowser> SignInAsync(this Tenant tenant, string email, Uri? gateway = null)
    {
        var browser = new PersonBrowser(gateway ?? tenant.System.Gateway);
        using var response = await browser.SendAsync(HttpMethod.Post, "/api/v1/session", new { email, password = PersonBrowser.Password, organization = tenant.Id });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Sign-in failed: {(int)response.StatusCode} {text}");
        browser.Csrf = JsonNode.Parse(text)!["csrfToken"]!.GetValue<string>();
        return browser;
    }
}
