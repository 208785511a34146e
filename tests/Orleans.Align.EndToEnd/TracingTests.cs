using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Orleans.Align.EndToEnd.Otlp;
using Xunit.Abstractions;

namespace Orleans.Align.EndToEnd;

/// <summary>One silo and one gateway exporting traces and logs over OTLP/gRPC to a receiver in the test process.</summary>
public sealed class TracedSystem : AlignSystem
{
    public TracedSystem() : this(new OtlpReceiver()) { }

    private TracedSystem(OtlpReceiver receiver) : base(new AlignSystemOptions(
        SiloArguments: Telemetry(receiver),
        // The request's own log line ("Request starting ...") is one the test can look for in the trace.
        GatewayArguments: [.. Telemetry(receiver), "--Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics=Information"])) => Receiver = receiver;

    public OtlpReceiver Receiver { get; }

    // Exported every half second rather than every five: the test waits for what it looks for anyway.
    private static string[] Telemetry(OtlpReceiver receiver) =>
        [$"--Align:Telemetry:OtlpEndpoint={receiver.Endpoint}", "--OTEL_BSP_SCHEDULE_DELAY=500", "--OTEL_BLRP_SCHEDULE_DELAY=500", "--OTEL_METRIC_EXPORT_INTERVAL=5000"];

    public override async Task InitializeAsync()
    {
        await Receiver.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class TracedCollection : ICollectionFixture<TracedSystem>
{
    public const string Name = "traced";
}

/// <summary>Issue 13: an operator can follow one ingest request from HTTP into the grains and out to the push.</summary>
[Collection(TracedCollection.Name)]
public sealed class TracingTests(TracedSystem system, ITestOutputHelper output)
{
    private const string Gateway = "orleans-align-gateway", Silo = "orleans-align-silo";

    [Fact]
    public async Task An_ingest_request_is_one_trace_into_the_silo_and_its_delivery_push_and_send_link_back_to_it()
    {
        var tenant = await system.CreateTenantAsync();
        var (campaign, goal) = await tenant.SeedLaunchAsync();
        var readKey = await tenant.CreateReadKeyAsync();
        await using var viewer = new BoardViewer(system.Gateway, readKey, $"campaign:{campaign}");
        await viewer.StartAsync();

        // The caller's own trace context: the gateway continues it, so the trace is found by its id.
        var (traceId, callerSpan) = (ActivityTraceId.CreateRandom().ToHexString(), ActivitySpanId.CreateRandom().ToHexString());
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events"))
        {
            request.Content = JsonContent.Create(new { events = new[] { new { id = "traced-1", metric = "leads", value = 5, campaign, department = "marketing", source = "e2e" } } });
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tenant.ApiKey);
            request.Headers.Add("traceparent", $"00-{traceId}-{callerSpan}-01");
            using var response = await system.Http.SendAsync(request);
            Assert.True(response.IsSuccessStatusCode, $"POST /api/v1/events: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        await Eventually.EqualAsync(5.0, () => Task.FromResult(viewer.Progress(goal) ?? 0));

        // Gateway: HTTP server span → client span of the grain call; silo: the grain call's server span.
        var http = await SpanAsync("the gateway's HTTP span", s => s.Service == Gateway && s.TraceId == traceId && s.Kind == ExportedSpan.Server && s.ParentSpanId == callerSpan);
        Assert.StartsWith("POST", http.Name);
        Assert.Equal("/api/v1/events", http.Attributes.GetValueOrDefault("http.route"));
        var client = await SpanAsync("the gateway's grain call", s => s.Service == Gateway && s.TraceId == traceId && s.Kind == ExportedSpan.Client && s.Name == "IIngestLogGrain/AppendAsync");
        Assert.Equal(http.SpanId, client.ParentSpanId);
        var append = await SpanAsync("the silo's AppendAsync", s => s.Service == Silo && s.TraceId == traceId && s.Kind == ExportedSpan.Server && s.Name == "IIngestLogGrain/AppendAsync");
        Assert.Equal(client.SpanId, append.ParentSpanId);

        // Behind the acknowledgement: traces of their own, linked to the ingest.
        var deliver = await SpanAsync("a delivery linked to the ingest", s => s.Service == Silo && s.Name == "align.log.deliver" && s.Links.Contains((traceId, append.SpanId)));
        Assert.NotEqual(traceId, deliver.TraceId);
        var push = await SpanAsync("the board push linked to the ingest", s => s.Service == Silo && s.Name == "align.board.push"
            && s.Attributes.GetValueOrDefault("align.board") == $"campaign:{campaign}" && s.Links.Contains((traceId, append.SpanId)));
        Assert.Equal("", push.ParentSpanId);
        var send = await SpanAsync("the gateway's SignalR send under the push", s => s.Service == Gateway && s.Name == "align.live.send" && s.TraceId == push.TraceId);
        Assert.Equal(push.SpanId, send.ParentSpanId);
        Assert.Equal(push.Attributes["align.board.version"], send.Attributes["align.board.version"]);

        // Logs carry the ids of the span they were written in.
        var log = await LogAsync("a gateway log line in the HTTP span", l => l.Service == Gateway && l.TraceId == traceId && l.SpanId == http.SpanId);
        Assert.Contains("/api/v1/events", log.Body);
        // And so do the console's lines (scopes on): the request's lines name its trace.
        var console = Directory.GetFiles(system.LogDirectory, "gateway-0-*.log").Select(f => { using var r = new StreamReader(new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite)); return r.ReadToEnd(); });
        Assert.Contains(console, text => text.Contains($"TraceId:{traceId}", StringComparison.Ordinal));

        // The keys (the viewer's travels in the hub's query string) are in no span and no log line.
        foreach (var secret in new[] { tenant.ApiKey, readKey })
        {
            Assert.DoesNotContain(system.Receiver.Spans, s => s.Attributes.Values.Any(v => v.Contains(secret, StringComparison.Ordinal)));
            Assert.DoesNotContain(system.Receiver.Logs, l => l.Body.Contains(secret, StringComparison.Ordinal));
        }

        foreach (var s in new[] { http, client, append, deliver, push, send })
            output.WriteLine($"{s.Service,-22} {s.Name,-30} trace {s.TraceId} span {s.SpanId} parent {(s.ParentSpanId is "" ? "-" : s.ParentSpanId)} links [{string.Join(", ", s.Links.Select(l => $"{l.TraceId}/{l.SpanId}"))}]");
        output.WriteLine($"log: {log.Service} trace {log.TraceId} span {log.SpanId}: {log.Body}");
    }

    [Fact]
    public async Task Health_probes_and_Orleans_own_calls_are_not_exported()
    {
        // Work of ours (grain calls, storage) and a readiness probe, which asks Orleans' management grain for the silos.
        var tenant = await system.CreateTenantAsync();
        await tenant.SeedLaunchAsync();
        using (var ready = await system.Http.GetAsync("/health/ready")) Assert.True(ready.IsSuccessStatusCode);
        await SpanAsync("a grain call of this organization", s => s.Attributes.GetValueOrDefault("orleans.rpc.target_id", "").Contains(tenant.Id));
        await Task.Delay(TimeSpan.FromSeconds(2));

        var spans = system.Receiver.Spans.ToList();
        var foreign = spans.Where(s => s.Attributes.TryGetValue("orleans.rpc.service", out var service) && !service.StartsWith("Orleans.Align.", StringComparison.Ordinal)).ToList();
        Assert.True(foreign.Count == 0, $"Spans of Orleans' own interfaces: {string.Join(", ", foreign.Select(s => s.Name).Distinct().Take(10))}");
        Assert.DoesNotContain(spans, s => s.Attributes.GetValueOrDefault("url.path", "").StartsWith("/health", StringComparison.Ordinal));
        Assert.Contains(spans, s => s.Attributes.GetValueOrDefault("orleans.rpc.service", "").StartsWith("Orleans.Align.", StringComparison.Ordinal) && s.ParentSpanId == "");
    }

    private async Task<ExportedSpan> SpanAsync(string what, Func<ExportedSpan, bool> match) =>
        await WaitAsync(what, () => system.Receiver.Spans.FirstOrDefault(match));

    private async Task<ExportedLog> LogAsync(string what, Func<ExportedLog, bool> match) =>
        await WaitAsync(what, () => system.Receiver.Logs.FirstOrDefault(match));

    private static async Task<T> WaitAsync<T>(string what, Func<T?> find) where T : class
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            if (find() is { } found) return found;
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException($"Not exported within 30 s: {what}.");
            await Task.Delay(200);
        }
    }
}
