using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Orleans.Align.Driver.Api;

namespace Orleans.Align.Driver.Neighbours;

public sealed record NoisyNeighbourOptions(Uri Gateway, string PlatformAdminKey, int Clients, int Batch, int QuietBatch, TimeSpan Phase, int? NoisyEventsPerSecond, bool IgnoreRetryAfter)
{
    public const string Usage = """
          noisy-neighbour --gateway URL --admin-key KEY [--clients 32] [--batch 500] [--quiet-batch 10] [--phase 20s] [--noisy-limit N] [--ignore-retry-after]
            Does one organization flooding ingest hurt another? Creates a quiet and a noisy organization.
            The quiet one posts a batch at a time; its ingest latency (p50/p99) is measured idle, then while
            the noisy one floods ingest with N clients. Prints both, their ratio, and what the noisy one got
            (accepted events/s, 429s).

            --clients N         Concurrent clients of the noisy organization. Default: 32.
            --batch N           Events per noisy batch. Default: 500.
            --quiet-batch N     Events per quiet batch. Default: 10.
            --phase T           Length of each phase (idle, flood). Default: 20s.
            --noisy-limit N     First set the noisy organization's limit to N events/s (PUT /api/v1/orgs/{id}/limits,
                                burst: the gateway's minimum, one full batch). Default: the gateways' configured default.
            --ignore-retry-after  The noisy clients resend at once after a 429 instead of waiting as told.
        """;

    public static NoisyNeighbourOptions Parse(CommandLine line)
    {
        var gatewayText = line.Value("gateway") ?? throw new UsageException("noisy-neighbour needs --gateway URL, e.g. --gateway http://127.0.0.1:5080.");
        if (!Uri.TryCreate(gatewayText, UriKind.Absolute, out var gateway) || gateway.Scheme is not ("http" or "https"))
            throw new UsageException($"--gateway must be an http or https URL, not '{gatewayText}'.");
        var adminKey = line.Value("admin-key") ?? Environment.GetEnvironmentVariable("Align__PlatformAdminKey");
        if (string.IsNullOrWhiteSpace(adminKey))
            throw new UsageException("noisy-neighbour needs the platform admin key: --admin-key KEY, or the Align__PlatformAdminKey environment variable.");
        var clients = (int)line.Number("clients", fallback: 32, min: 1, max: 1024);
        var batch = (int)line.Number("batch", fallback: 500, min: 1, max: 100_000);
        var quietBatch = (int)line.Number("quiet-batch", fallback: 10, min: 1, max: 100_000);
        var phase = line.Duration("phase", TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        int? limit = line.Value("noisy-limit") is null ? null : (int)line.Number("noisy-limit", fallback: 0, min: 1, max: 1_000_000_000);
        var ignoreRetryAfter = line.Flag("ignore-retry-after");
        line.RejectUnread();
        return new NoisyNeighbourOptions(gateway, adminKey.Trim(), clients, batch, quietBatch, phase, limit, ignoreRetryAfter);
    }
}

/// <summary>The <c>noisy-neighbour</c> command: see <see cref="NoisyNeighbourOptions.Usage"/>.</summary>
public static class NoisyNeighbourCommand
{
    private const string EventsPath = "api/v1/events";

    public static async Task<int> RunAsync(NoisyNeighbourOptions options, CancellationToken cancellationToken)
    {
        using var http = AlignApiClient.CreateHttpClient(options.Gateway, TimeSpan.FromSeconds(30), options.Clients + 4);
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture);
        var platform = new AlignApiClient(http, options.PlatformAdminKey);
        var quiet = await platform.CreateOrganizationAsync($"quiet-{stamp}", "Quiet neighbour", cancellationToken);
        var noisy = await platform.CreateOrganizationAsync($"noisy-{stamp}", "Noisy neighbour", cancellationToken);
        var quietKey = (await new AlignApiClient(http, quiet.ApiKey).CreateApiKeyAsync("ingest", ["ingest"], cancellationToken)).ApiKey;
        var noisyKey = (await new AlignApiClient(http, noisy.ApiKey).CreateApiKeyAsync("ingest", ["ingest"], cancellationToken)).ApiKey;
        if (options.NoisyEventsPerSecond is { } limit) await SetLimitAsync(http, options.PlatformAdminKey, noisy.Id, limit, cancellationToken);
        Console.WriteLine($"quiet {quiet.Id} ({options.QuietBatch} events a batch, one at a time); noisy {noisy.Id} ({options.Clients} clients x {options.Batch} events, " +
                          (options.NoisyEventsPerSecond is { } l ? $"limited to {l:N0} events/s" : "default limits") +
                          (options.IgnoreRetryAfter ? ", ignoring Retry-After)" : ")"));

        var quietSender = new Sender(http, quietKey, "q", options.QuietBatch);
        await ProbeAsync(quietSender, TimeSpan.FromSeconds(3), cancellationToken); // warm-up
        var idle = await ProbeAsync(quietSender, options.Phase, cancellationToken);
        Report("idle", idle);

        using var stopFlood = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var statuses = new int[600];
        long accepted = 0;
        var noisySenders = Enumerable.Range(0, options.Clients).Select(c => new Sender(http, noisyKey, $"n{c}", options.Batch)).ToList();
        var floodClock = Stopwatch.StartNew();
        var flood = Task.WhenAll(noisySenders.Select(s => FloodAsync(s, statuses, n => Interlocked.Add(ref accepted, n), options.IgnoreRetryAfter, stopFlood.Token)));
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken); // let the flood reach its pace
        var during = await ProbeAsync(quietSender, options.Phase, cancellationToken);
        await stopFlood.CancelAsync();
        await flood;
        var seconds = floodClock.Elapsed.TotalSeconds;

        Report("noisy flooding", during);
        Console.WriteLine($"{"",-16} quiet p99 {during.P99 / idle.P99:F2}x idle; quiet refusals: {during.Refused}");
        var answers = string.Join(", ", statuses.Select((n, s) => (n, s)).Where(x => x.n > 0).Select(x => $"{x.s}: {x.n:N0}"));
        Console.WriteLine($"{"",-16} noisy: {accepted / seconds:N0} events/s accepted over {seconds:F1} s; answers {answers}");
        return ExitCodes.Success;
    }

    private static void Report(string phase, Probe probe) =>
        Console.WriteLine($"{phase,-16} quiet ingest p50 {probe.P50,7:F2} ms  p99 {probe.P99,7:F2} ms  ({probe.Count} batches)");

    private static async Task SetLimitAsync(HttpClient http, string platformKey, string orgId, int eventsPerSecond, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"api/v1/orgs/{orgId}/limits")
        {
            Content = new StringContent($"{{\"eventsPerSecondPerOrganization\":{eventsPerSecond}}}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", platformKey);
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new AlignApiException(HttpMethod.Put, request.RequestUri!.ToString(), response.StatusCode, null, await response.Content.ReadAsStringAsync(cancellationToken), null);
    }

    private sealed record Probe(double P50, double P99, int Count, int Refused);

    /// <summary>One quiet batch at a time for <paramref name="length"/>; latency of each acknowledged batch.</summary>
    private static async Task<Probe> ProbeAsync(Sender sender, TimeSpan length, CancellationToken cancellationToken)
    {
        var latencies = new List<double>();
        var refused = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < length)
        {
            var started = Stopwatch.GetTimestamp();
            var (status, _) = await sender.SendAsync(cancellationToken);
            if (status == HttpStatusCode.OK) latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            else refused++;
        }
        latencies.Sort();
        return latencies.Count == 0 ? new Probe(0, 0, 0, refused) : new Probe(Percentile(latencies, 0.50), Percentile(latencies, 0.99), latencies.Count, refused);
    }

    private static async Task FloodAsync(Sender sender, int[] statuses, Action<int> accepted, bool ignoreRetryAfter, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var (status, retryAfter) = await sender.SendAsync(stop);
                Interlocked.Increment(ref statuses[Math.Clamp((int)status, 0, statuses.Length - 1)]);
                if (status == HttpStatusCode.OK) accepted(sender.BatchSize);
                // A well-behaved integration waits as told; a flood that ignores it is refused just as cheaply.
                else if (status == HttpStatusCode.TooManyRequests && !ignoreRetryAfter && retryAfter is { } wait) await Task.Delay(wait, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private static double Percentile(List<double> sorted, double q) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];

    /// <summary>Posts batches of new events (<c>leads</c>, no campaign) with one organization's key.</summary>
    private sealed class Sender(HttpClient http, string key, string prefix, int batchSize)
    {
        private long _next;

        public int BatchSize => batchSize;

        public async Task<(HttpStatusCode Status, TimeSpan? RetryAfter)> SendAsync(CancellationToken cancellationToken)
        {
            var body = new StringBuilder("{\"events\":[");
            for (var i = 0; i < batchSize; i++)
            {
                if (i > 0) body.Append(',');
                body.Append(CultureInfo.InvariantCulture, $"{{\"id\":\"{prefix}-{_next++}\",\"metric\":\"leads\",\"value\":1}}");
            }
            body.Append("]}");
            using var request = new HttpRequestMessage(HttpMethod.Post, EventsPath) { Content = new StringContent(body.ToString(), Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var response = await http.SendAsync(request, cancellationToken);
            return (response.StatusCode, response.Headers.RetryAfter?.Delta);
        }
    }
}
