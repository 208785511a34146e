using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Orleans.Align.Driver.Api;

namespace Orleans.Align.Driver.Timeline;

public sealed record TimelineOptions(Uri Gateway, string PlatformAdminKey, long Events, int Clients, int Batch, int Days, int Samples, int DuringClients, TimeSpan Baseline, bool OpenIndexFirst)
{
    public const string Usage = """
          timeline --gateway URL --admin-key KEY [--events 10000000] [--clients 16] [--batch 5000] [--days 7]
                   [--samples 10] [--during-clients 8] [--baseline 15s] [--open-index-first]
            Provenance and replay on a large log while ingest runs. Creates an organization with 10 goals on
            the war room of campaign 'launch', fills its log with N events through POST /api/v1/events at the
            highest rate the gateway takes (event times spread over the last D days, in log order with a few
            minutes of jitter), then keeps ingest running with M clients and measures: ingest alone for the
            baseline; then the first provenance request (it builds or loads the silo's index of the log), then
            S rounds of: the first page of each goal's events (GET /api/v1/goals/{id}/events?limit=50), a replay
            of the 10-goal board at a random moment of the D days, and one at a moment of the last two minutes,
            where ingest at full rate puts hundreds of thousands of events a minute
            (GET /api/v1/boards/campaign:launch/replay?at=).
            Prints fill rate, ingest events/s without and with the reads, and p50/p95/max of each read.

            --events N          Events to fill the log with. Default: 10,000,000.
            --clients N         Concurrent ingest clients while filling. Default: 16.
            --batch N           Events per ingest batch (at most the gateway's 5,000). Default: 5,000.
            --days D            Event times spread over the last D days. Default: 7.
            --samples S         Measured rounds (10 provenance pages and one replay each). Default: 10.
            --during-clients M  Ingest clients that keep running while reads are measured. Default: 8.
            --baseline T        Ingest measured alone before the reads. Default: 15s.
            --open-index-first  Ask for provenance once before the fill, so that the silo's index of the
                                organization is in use while the log fills (appends are indexed as they are
                                made), as on a silo where someone has looked at this organization's history.
                                Without it, the first request after the fill reads the whole log to index it.
        """;

    public static TimelineOptions Parse(CommandLine line)
    {
        var gatewayText = line.Value("gateway") ?? throw new UsageException("timeline needs --gateway URL, e.g. --gateway http://127.0.0.1:5080.");
        if (!Uri.TryCreate(gatewayText, UriKind.Absolute, out var gateway) || gateway.Scheme is not ("http" or "https"))
            throw new UsageException($"--gateway must be an http or https URL, not '{gatewayText}'.");
        var adminKey = line.Value("admin-key") ?? Environment.GetEnvironmentVariable("Align__PlatformAdminKey");
        if (string.IsNullOrWhiteSpace(adminKey))
            throw new UsageException("timeline needs the platform admin key: --admin-key KEY, or the Align__PlatformAdminKey environment variable.");
        var options = new TimelineOptions(gateway, adminKey.Trim(),
            (long)line.Number("events", 10_000_000, 1_000, 1_000_000_000),
            (int)line.Number("clients", 16, 1, 512),
            (int)line.Number("batch", 5_000, 1, 5_000),
            (int)line.Number("days", 7, 1, 365),
            (int)line.Number("samples", 10, 1, 10_000),
            (int)line.Number("during-clients", 8, 0, 512),
            line.Duration("baseline", TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)),
            line.Flag("open-index-first"));
        line.RejectUnread();
        return options;
    }
}

/// <summary>The <c>timeline</c> command: see <see cref="TimelineOptions.Usage"/>.</summary>
public static class TimelineCommand
{
    private const string Campaign = "launch";
    private static readonly string[] Metrics = ["leads", "visits", "conversions", "spend", "revenue", "new_customers", "impressions", "clicks", "engagements", "media_mentions", "orders"];
    private static readonly string?[] Campaigns = [Campaign, Campaign, "spring", null];
    private static readonly string?[] Departments = ["marketing", "sales", "pr", null];

    public static async Task<int> RunAsync(TimelineOptions options, CancellationToken cancellationToken)
    {
        using var http = AlignApiClient.CreateHttpClient(options.Gateway, TimeSpan.FromMinutes(2), Math.Max(options.Clients, options.DuringClients) + 8);
        var now = DateTimeOffset.UtcNow;
        var stamp = now.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var platform = new AlignApiClient(http, options.PlatformAdminKey);
        var org = await platform.CreateOrganizationAsync($"timeline-{stamp}", "Timeline benchmark", cancellationToken);
        var admin = platform.WithKey(org.ApiKey);
        foreach (var d in new[] { "marketing", "sales", "pr" }) await admin.CreateDepartmentAsync(new Department(d, d), cancellationToken);
        await admin.CreateCampaignAsync(new Campaign(Campaign, "Launch", ["marketing", "pr"]), cancellationToken);
        await admin.CreateCampaignAsync(new Campaign("spring", "Spring", ["sales"]), cancellationToken);
        var start = now.AddDays(-options.Days - 1);
        var goals = Metrics.Take(10).Select((m, i) => new GoalDefinition($"g{i}-{m.Replace('_', '-')}", $"Launch {m}", m, 1e9, ["marketing"],
            new GoalScope(Campaign, i % 3 == 1 ? "marketing" : null), start, now.AddDays(30))).ToList();
        foreach (var goal in goals) await admin.CreateGoalAsync(goal, cancellationToken);
        var ingestKey = (await admin.CreateApiKeyAsync("timeline ingest", [ApiScopes.Ingest], cancellationToken)).ApiKey;
        var readKey = (await admin.CreateApiKeyAsync("timeline read", [ApiScopes.Read], cancellationToken)).ApiKey;
        Console.WriteLine($"read key of the run (to query it by hand afterwards): {readKey}");
        Console.WriteLine($"organization {org.Id}: 10 goals on board campaign:{Campaign} ({goals[0].Id} ... {goals[^1].Id}); filling {options.Events:N0} events " +
                          $"({options.Clients} clients x {options.Batch}), event times over the last {options.Days} days");

        if (options.OpenIndexFirst)
        {
            var opened = await new Reader(http, readKey).GetAsync($"api/v1/goals/{goals[0].Id}/events?limit=50", cancellationToken);
            Console.WriteLine($"index opened before the fill: {opened.Ms:N0} ms");
        }
        var producer = new EventSource(stamp, now, options.Days, options.Events);
        var fillClock = Stopwatch.StartNew();
        long filled = 0;
        var progress = Task.Run(async () =>
        {
            while (!cancellationToken.IsCancellationRequested && Interlocked.Read(ref filled) < options.Events)
            {
                await Task.Delay(TimeSpan.FromSeconds(10), cancellationToken).ContinueWith(_ => { });
                Console.WriteLine($"  {fillClock.Elapsed.TotalSeconds,6:F0} s  {Interlocked.Read(ref filled),13:N0} events  {Interlocked.Read(ref filled) / fillClock.Elapsed.TotalSeconds,9:N0} events/s");
            }
        }, cancellationToken);
        await Task.WhenAll(Enumerable.Range(0, options.Clients).Select(_ => Task.Run(async () =>
        {
            while (producer.Next(options.Batch, limit: options.Events) is { } body)
            {
                await SendAsync(http, ingestKey, body.Json, cancellationToken);
                Interlocked.Add(ref filled, body.Count);
            }
        }, cancellationToken)));
        var fillSeconds = fillClock.Elapsed.TotalSeconds;
        Console.WriteLine($"filled {filled:N0} events in {fillSeconds:F0} s: {filled / fillSeconds:N0} events/s");

        // Ingest goes on at full rate from here to the end.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        long during = 0;
        var ingest = Task.WhenAll(Enumerable.Range(0, options.DuringClients).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested && producer.Next(options.Batch, limit: long.MaxValue) is { } body)
            {
                try
                {
                    await SendAsync(http, ingestKey, body.Json, stop.Token);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                Interlocked.Add(ref during, body.Count);
            }
        })));
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        var baselineFrom = Interlocked.Read(ref during);
        await Task.Delay(options.Baseline, cancellationToken);
        var baselineRate = (Interlocked.Read(ref during) - baselineFrom) / options.Baseline.TotalSeconds;
        Console.WriteLine($"ingest alone: {baselineRate:N0} events/s ({options.DuringClients} clients)");

        var reader = new Reader(http, readKey);
        var random = new Random(7);
        var firstClock = Stopwatch.StartNew();
        // A silo whose index is cold answers 503 with Retry-After within bounded time: retry as told.
        for (var attempt = 1; ; attempt++)
        {
            var (first, retryAfter) = await reader.TryGetAsync($"api/v1/goals/{goals[0].Id}/events?limit=50", cancellationToken);
            if (retryAfter is { } wait)
            {
                Console.WriteLine($"first provenance request, attempt {attempt}: 503 in {first.Ms:N0} ms, Retry-After {wait.TotalSeconds:N0} s");
                await Task.Delay(wait, cancellationToken);
                continue;
            }
            Console.WriteLine($"first provenance request (index built or loaded in the silo): {first.Ms:N0} ms, {first.Items} events; " +
                $"{firstClock.Elapsed.TotalSeconds:N1} s after the first attempt");
            break;
        }

        var provenance = new List<double>();
        var replays = new List<double>();
        var recentReplays = new List<double>();
        var readsFrom = Interlocked.Read(ref during);
        var readsClock = Stopwatch.StartNew();
        for (var s = 0; s < options.Samples; s++)
        {
            foreach (var goal in goals)
            {
                var page = await reader.GetAsync($"api/v1/goals/{goal.Id}/events?limit=50", cancellationToken);
                if (page.Items != 50) Console.WriteLine($"  warning: the first page of {goal.Id} held {page.Items} events");
                provenance.Add(page.Ms);
            }
            var at = now.AddMinutes(-random.NextDouble() * options.Days * 24 * 60);
            var replay = await reader.GetAsync($"api/v1/boards/campaign:{Campaign}/replay?at={Uri.EscapeDataString(at.ToString("O", CultureInfo.InvariantCulture))}", cancellationToken);
            if (replay.Items != 10) Console.WriteLine($"  warning: the replay held {replay.Items} goals");
            replays.Add(replay.Ms);
            // A moment in the last two minutes, where ingest at full rate puts hundreds of thousands of events a minute.
            var recent = DateTimeOffset.UtcNow.AddSeconds(-random.Next(5, 120));
            var recentReplay = await reader.GetAsync($"api/v1/boards/campaign:{Campaign}/replay?at={Uri.EscapeDataString(recent.ToString("O", CultureInfo.InvariantCulture))}", cancellationToken);
            recentReplays.Add(recentReplay.Ms);
        }
        var readsRate = (Interlocked.Read(ref during) - readsFrom) / readsClock.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await ingest;

        Console.WriteLine($"ingest while reading: {readsRate:N0} events/s ({readsRate / baselineRate:P0} of alone)");
        Report("provenance, first page of 50", provenance);
        Report("replay of the 10-goal board", replays);
        Report("replay, last two minutes", recentReplays);
        Console.WriteLine($"log at the end: about {options.Events + Interlocked.Read(ref during):N0} events");
        return ExitCodes.Success;
    }

    private static void Report(string what, List<double> ms)
    {
        ms.Sort();
        double At(double q) => ms[Math.Min(ms.Count - 1, (int)Math.Ceiling(q * ms.Count) - 1)];
        Console.WriteLine($"{what,-30} n={ms.Count,4}  p50 {At(0.50),8:F1} ms  p95 {At(0.95),8:F1} ms  max {ms[^1],8:F1} ms");
    }

    private static async Task SendAsync(HttpClient http, string key, byte[] body, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/events") { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            HttpResponseMessage? response = null;
            try
            {
                response = await http.SendAsync(request, cancellationToken);
                if (response.IsSuccessStatusCode) return;
                if (response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable))
                    throw new InvalidOperationException($"Ingest answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
            }
            catch (HttpRequestException) when (attempt < 20)
            {
            }
            finally
            {
                response?.Dispose();
            }
            // Resending is safe: the event ids make a batch that did land count once.
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2_000, 100 * (attempt + 1))), cancellationToken);
        }
    }

    private sealed class Reader(HttpClient http, string key)
    {
        public async Task<(double Ms, int Items)> GetAsync(string path, CancellationToken cancellationToken) =>
            (await TryGetAsync(path, cancellationToken, retryable: false)).Answer;

        /// <summary>The answer, or a 503's Retry-After when <paramref name="retryable"/>.</summary>
        public async Task<((double Ms, int Items) Answer, TimeSpan? RetryAfter)> TryGetAsync(string path, CancellationToken cancellationToken, bool retryable = true)
        {
            var started = Stopwatch.GetTimestamp();
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var response = await http.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (retryable && response.StatusCode == HttpStatusCode.ServiceUnavailable && response.Headers.RetryAfter?.Delta is { } delta)
                return ((ms, 0), delta);
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"GET /{path} answered {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(body)}");
            using var json = JsonDocument.Parse(body);
            var items = json.RootElement.TryGetProperty("events", out var events) ? events.GetArrayLength()
                : json.RootElement.GetProperty("goals").GetArrayLength();
            return ((ms, items), null);
        }
    }

    /// <summary>Batches of events with ids that never repeat and times that move through the last days with the log.</summary>
    private sealed class EventSource(string stamp, DateTimeOffset now, int days, long fill)
    {
        private long _next;

        public (byte[] Json, int Count)? Next(int batch, long limit)
        {
            var first = Interlocked.Add(ref _next, batch) - batch;
            if (first >= limit) return null;
            var count = (int)Math.Min(batch, limit - first);
            var random = new Random(unchecked((int)first));
            var buffer = new ArrayBufferWriter<byte>(count * 160);
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                w.WriteStartArray("events");
                for (var i = 0; i < count; i++)
                {
                    var n = first + i;
                    // The fill spreads over the last `days`; what comes after it is "now". A few minutes of jitter: not in time order.
                    var at = n < fill ? now.AddDays(-days * (1 - (double)n / fill)) : DateTimeOffset.UtcNow;
                    at = at.AddSeconds(-random.Next(0, 300));
                    w.WriteStartObject();
                    w.WriteString("id", $"{stamp}-{n}");
                    w.WriteString("metric", Metrics[random.Next(Metrics.Length)]);
                    w.WriteNumber("value", random.Next(1, 10));
                    w.WriteString("timestamp", at);
                    if (Campaigns[random.Next(Campaigns.Length)] is { } c) w.WriteString("campaign", c);
                    if (Departments[random.Next(Departments.Length)] is { } d) w.WriteString("department", d);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            return (buffer.WrittenSpan.ToArray(), count);
        }
    }
}
