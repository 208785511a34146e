using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR.Client;

namespace Orleans.Align.EndToEnd;

/// <summary>An answer of the gateway: its status, content type and body.</summary>
public sealed record MatrixAnswer(int Status, string? ContentType, string Body)
{
    public override string ToString() => $"{Status} {(Body.Length > 300 ? Body[..300] + "…" : Body)}";
}

/// <summary>
/// One credential of the role matrix, as a client presents it: nothing, an API key or board link
/// (<c>Authorization: Bearer</c>), or a person's session cookie with the antiforgery token.
/// </summary>
public abstract class MatrixCaller(string name, Uri gateway)
{
    public string Name { get; } = name;
    protected Uri Gateway { get; } = gateway;

    public abstract Task<MatrixAnswer> SendAsync(HttpMethod method, string path, object? body);

    /// <summary>A hub connection that authenticates as this caller (not started).</summary>
    public abstract HubConnection Hub();

    /// <summary>The same credential in a separate session (a person signs in again), for calls that end or replace a session.</summary>
    public virtual Task<MatrixCaller> CloneAsync() => Task.FromResult(this);

    protected static async Task<MatrixAnswer> AnswerAsync(HttpResponseMessage response) =>
        new((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());

    protected static HttpRequestMessage Request(HttpMethod method, string path, object? body)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is CsvBody csv) request.Content = new StringContent(csv.Text, System.Text.Encoding.UTF8, "text/csv");
        else if (body is SignedBody signed)
        {
            // A tool's delivery: these exact bytes, with the headers that sign them.
            request.Content = new StringContent(signed.Text, System.Text.Encoding.UTF8, "application/json");
            foreach (var (name, value) in signed.Headers) request.Headers.TryAddWithoutValidation(name, value);
        }
        else if (body is not null) request.Content = JsonContent.Create(body, options: Tenant.Json);
        return request;
    }
}

/// <summary>A request body sent as a CSV file (text/csv) instead of JSON.</summary>
public sealed record CsvBody(string Text);

/// <summary>A raw JSON body and the headers that go with it (a webhook delivery's signature).</summary>
public sealed record SignedBody(string Text, IReadOnlyDictionary<string, string> Headers);

/// <summary>No credential at all.</summary>
public sealed class AnonymousCaller(Uri gateway, HttpClient http) : MatrixCaller("none", gateway)
{
    public override async Task<MatrixAnswer> SendAsync(HttpMethod method, string path, object? body)
    {
        using var request = Request(method, path, body);
        using var response = await http.SendAsync(request);
        return await AnswerAsync(response);
    }

    public override HubConnection Hub() => new HubConnectionBuilder().WithUrl(new Uri(Gateway, "/hubs/live")).Build();
}

/// <summary>An API key, a board link or the platform key: a bearer token.</summary>
public sealed class BearerCaller(string name, Uri gateway, HttpClient http, string token) : MatrixCaller(name, gateway)
{
    public string Token { get; } = token;

    public override async Task<MatrixAnswer> SendAsync(HttpMethod method, string path, object? body)
    {
        using var request = Request(method, path, body);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var response = await http.SendAsync(request);
        return await AnswerAsync(response);
    }

    public override HubConnection Hub() => new HubConnectionBuilder()
        .WithUrl(new Uri(Gateway, "/hubs/live"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(Token)).Build();
}

/// <summary>A signed-in person: a browser with its own cookies, sending the antiforgery token on every call.</summary>
public sealed class PersonCaller : MatrixCaller, IDisposable
{
    public const string Password = "a long enough matrix password";

    private readonly CookieContainer _cookies = new();
    private readonly HttpClient _http;
    private string? _csrf;

    private PersonCaller(string name, Uri gateway, string organization, string email) : base(name, gateway)
    {
        Organization = organization;
        Email = email;
        _http = new HttpClient(new HttpClientHandler { CookieContainer = _cookies }) { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Organization { get; }
    public string Email { get; }

    public static async Task<PersonCaller> SignInAsync(string name, Uri gateway, string organization, string email)
    {
        var person = new PersonCaller(name, gateway, organization, email);
        var answer = await person.SendAsync(HttpMethod.Post, "/api/v1/session", new { email, password = Password, organization });
        Assert.True(answer.Status == 200, $"Sign-in of {email} to {organization} failed: {answer}");
        person._csrf = JsonNode.Parse(answer.Body)!["csrfToken"]!.GetValue<string>();
        return person;
    }

    public override async Task<MatrixAnswer> SendAsync(HttpMethod method, string path, object? body)
    {
        using var request = Request(method, path, body);
        if (_csrf is not null) request.Headers.Add("X-CSRF-TOKEN", _csrf);
        using var response = await _http.SendAsync(request);
        return await AnswerAsync(response);
    }

    public override HubConnection Hub() => new HubConnectionBuilder()
        .WithUrl(new Uri(Gateway, "/hubs/live"), o => o.Cookies = _cookies).Build();

    public override async Task<MatrixCaller> CloneAsync() => await SignInAsync(Name, Gateway, Organization, Email);

    public void Dispose() => _http.Dispose();
}
