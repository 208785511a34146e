using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.SignalR.Client;
using Orleans.Align.Driver.Api;

namespace Orleans.Align.Driver.Revocation;

public sealed record RevocationOptions(Uri Gateway, string PlatformAdminKey, int Samples, TimeSpan Pause)
{
    public const string Usage = """
          revocation --gateway URL --admin-key KEY [--samples N] [--pause 200ms]
            Measures how soon a revocation takes effect, from the moment DELETE answers: for each sample, a new
            read key is used once (so the gateway has it cached) and opens a live connection that watches the
            overview, then is revoked; the driver polls GET /api/v1/departments with it every 5 ms until 401
            and waits for the hub to close the connection. The same for a board link (its connection only).
            Prints p50/p95/max of each. The end-to-end tests assert only that revocation happens well before
            a cached credential would expire by itself; this is where "within a second" is measured.

            --gateway URL       The gateway's base URL, e.g. http://127.0.0.1:5080. Required.
            --admin-key KEY     The platform admin key. Required; defaults to Align__PlatformAdminKey.
            --samples N         Revocations of each kind. Default: 50.
            --pause T           Pause between samples. Default: 200ms.
        """;

    public static RevocationOptions Parse(CommandLine line)
    {
        var gatewayText = line.Value("gateway") ?? throw new UsageException("revocation needs --gateway URL, e.g. --gateway http://127.0.0.1:5080.");
        if (!Uri.TryCreate(gatewayText, UriKind.Absolute, out var gateway) || gateway.Scheme is not ("http" or "https"))
            throw new UsageException($"--gateway must be an http or https URL, not '{gatewayText}'.");
        var adminKey = line.Value("admin-key") ?? Environment.GetEnvironmentVariable("Align__PlatformAdminKey");
        if (string.IsNullOrWhiteSpace(adminKey))
            throw new UsageException("revocation needs the platform admin key: --admin-key KEY, or the Align__PlatformAdminKey environment variable.");
        var samples = (int)line.Number("samples", fallback: 50, min: 1, max: 10_000);
        var pause = line.Duration("pause", TimeSpan.FromMilliseconds(200), TimeSpan.Zero, TimeSpan.FromMinutes(1));
        line.RejectUnread();
        return new RevocationOptions(gateway, adminKey, samples, pause);
    }
}

/// <summary>The <c>revocation</c> command: see <see cref="RevocationOptions.Usage"/>.</summary>
public static class RevocationCommand
{
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(RevocationOptions options, CancellationToken cancellationToken)
    {
        using var http = AlignApiClient.CreateHttpClient(options.Gateway, TimeSpan.FromSeconds(30), 8);
        var orgId = "revocation-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture);
        var created = await new AlignApiClient(http, options.PlatformAdminKey).CreateOrganizationAsync(orgId, "Revocation benchmark", cancellationToken);
        var admin = new AlignApiClient(http, created.ApiKey);
        Console.WriteLine($"organization {orgId}; {options.Samples} revocations of each kind");

        var keyRefused = new List<double>();
        var keyClosed = new List<double>();
        var linkClosed = new List<double>();
        for (var i = 0; i < options.Samples; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var key = await admin.CreateApiKeyAsync($"probe {i}", ["read"], cancellationToken);
            if (await StatusAsync(http, key.ApiKey, cancellationToken) != HttpStatusCode.OK) throw new InvalidOperationException("A new read key was refused.");
            await using (var hub = await WatchAsync(options.Gateway, key.ApiKey, "overview", cancellationToken))
            {
                var revocation = new Revocation(hub);
                await revocation.RevokeAsync(http, created.ApiKey, $"api/v1/keys/{key.Id}", cancellationToken);
                while (await StatusAsync(http, key.ApiKey, cancellationToken) != HttpStatusCode.Unauthorized)
                {
                    if (revocation.Elapsed > GiveUpAfter) throw new InvalidOperationException($"Key {key.Id} still worked {GiveUpAfter.TotalSeconds:F0} s after revocation.");
                    await Task.Delay(5, cancellationToken);
                }
                keyRefused.Add(revocation.Elapsed.TotalMilliseconds);
                keyClosed.Add((await revocation.Closed.WaitAsync(GiveUpAfter, cancellationToken)).TotalMilliseconds);
            }

            var link = await admin.CreateBoardLinkAsync($"screen {i}", "overview", cancellationToken);
            await using (var hub = await WatchAsync(options.Gateway, link.Link, "overview", cancellationToken))
            {
                var revocation = new Revocation(hub);
                await revocation.RevokeAsync(http, created.ApiKey, $"api/v1/board-links/{link.Id}", cancellationToken);
                linkClosed.Add((await revocation.Closed.WaitAsync(GiveUpAfter, cancellationToken)).TotalMilliseconds);
            }
            await Task.Delay(options.Pause, cancellationToken);
        }

        Print("key: HTTP refused after", keyRefused);
        Print("key: live connection closed after", keyClosed);
        Print("board link: live connection closed after", linkClosed);
        return ExitCodes.Success;

    }

    /// <summary>
    /// One revocation of a credential with an open live connection. The clock starts when DELETE has
    /// answered 204: what follows is the revocation's latency as its issuer sees it.
    /// </summary>
    private sealed class Revocation
    {
        private readonly Stopwatch _clock = new();
        private readonly TaskCompletionSource<TimeSpan> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Revocation(HubConnection hub) => hub.Closed += _ =>
        {
            _closed.TrySetResult(_clock.Elapsed);
            return Task.CompletedTask;
        };

        public TimeSpan Elapsed => _clock.Elapsed;

        /// <summary>How long after the revocation the gateway closed the connection.</summary>
        public Task<TimeSpan> Closed => _closed.Task;

        public async Task RevokeAsync(HttpClient http, string adminKey, string path, CancellationToken cancellationToken)
        {
            using var request = new HttpRequestMessage(HttpMethod.Delete, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
            using var response = await http.SendAsync(request, cancellationToken);
            if (response.StatusCode != HttpStatusCode.NoContent) throw new InvalidOperationException($"DELETE /{path} answered {(int)response.StatusCode}.");
            _clock.Start();
        }
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, string key, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/departments");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await http.SendAsync(request, cancellationToken);
        return response.StatusCode;
    }

    private static async Task<HubConnection> WatchAsync(Uri gateway, string credential, string board, CancellationToken cancellationToken)
    {
        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(gateway, "/hubs/live"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(credential))
            .Build();
        await hub.StartAsync(cancellationToken);
        await hub.InvokeAsync<System.Text.Json.JsonElement>("WatchBoard", board, cancellationToken);
        return hub;
    }

    private static void Print(string what, List<double> ms)
    {
        ms.Sort();
        double At(double q) => ms[Math.Min(ms.Count - 1, (int)Math.Ceiling(q * ms.Count) - 1)];
        Console.WriteLine($"{what,-42} n={ms.Count,4}  p50 {At(0.50),7:F0} ms  p95 {At(0.95),7:F0} ms  max {ms[^1],7:F0} ms");
    }
}
