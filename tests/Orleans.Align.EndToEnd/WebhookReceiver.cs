using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Orleans.Align.Testing;

namespace Orleans.Align.EndToEnd;

/// <summary>What a <see cref="WebhookReceiver"/> got: one request, and the status it answered.</summary>
public sealed record ReceivedWebhook(string Path, string Body, IHeaderDictionary Headers, int Answered, DateTimeOffset At)
{
    public string Id => Headers["webhook-id"].ToString();
}

/// <summary>
/// A webhook receiver in the test process (Kestrel on loopback): records every request by path, and
/// answers 200, or a failure for the first attempts of a path, or 503 while a path is down.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private readonly ConcurrentDictionary<string, (int Left, int Status)> _failures = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _down = new(StringComparer.Ordinal);

    private WebhookReceiver(WebApplication app, Uri baseUrl) => (_app, BaseUrl) = (app, baseUrl);

    public Uri BaseUrl { get; }

    public string UrlOf(string path) => new Uri(BaseUrl, path).ToString();

    public static async Task<WebhookReceiver> StartAsync()
    {
        var port = LoopbackPorts.Free();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, new Uri($"http://127.0.0.1:{port}"));
        app.MapPost("/{**path}", receiver.ReceiveAsync);
        await app.StartAsync();
        return receiver;
    }

    /// <summary>The next <paramref name="count"/> requests to <paramref name="path"/> get <paramref name="status"/>.</summary>
    public void FailNext(string path, int count, int status = 500) => _failures[path] = (count, status);

    /// <summary>While down, a path answers 503 to everything.</summary>
    public void SetDown(string path, bool down) => _down[path] = down;

    public IReadOnlyList<ReceivedWebhook> At(string path) => [.. _received.Where(r => r.Path == path)];

    /// <summary>The requests to <paramref name="path"/> that were answered 2xx.</summary>
    public IReadOnlyList<ReceivedWebhook> AcceptedAt(string path) => [.. At(path).Where(r => r.Answered is >= 200 and < 300)];

    private async Task ReceiveAsync(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "/";
        using var reader = new StreamReader(http.Request.Body);
        var body = await reader.ReadToEndAsync();
        var status = 200;
        if (_down.TryGetValue(path, out var down) && down) status = 503;
        else
        {
            while (_failures.TryGetValue(path, out var failing) && failing.Left > 0)
            {
                if (!_failures.TryUpdate(path, (failing.Left - 1, failing.Status), failing)) continue;
                status = failing.Status;
                break;
            }
        }
        var headers = new HeaderDictionary();
        foreach (var (name, value) in http.Request.Headers) headers[name] = value;
        _received.Enqueue(new ReceivedWebhook(path, body, headers, status, DateTimeOffset.UtcNow));
        http.Response.StatusCode = status;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
