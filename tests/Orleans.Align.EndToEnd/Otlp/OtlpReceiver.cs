using System.Collections.Concurrent;
using System.Net;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Align.Testing;
using LogsProto = Orleans.Align.EndToEnd.Otlp.Logs;
using MetricsProto = Orleans.Align.EndToEnd.Otlp.Metrics;
using TraceProto = Orleans.Align.EndToEnd.Otlp.Trace;

namespace Orleans.Align.EndToEnd.Otlp;

/// <summary>A span as exported, ids in lower-case hex (empty when absent).</summary>
public sealed record ExportedSpan(string Service, string TraceId, string SpanId, string ParentSpanId, string Name, int Kind,
    IReadOnlyDictionary<string, string> Attributes, IReadOnlyList<(string TraceId, string SpanId)> Links)
{
    public const int Server = 2, Client = 3;
}

/// <summary>A log record as exported.</summary>
public sealed record ExportedLog(string Service, string TraceId, string SpanId, string Body);

/// <summary>
/// An OTLP/gRPC receiver on loopback (HTTP/2 without TLS) inside the test process: it keeps every
/// span and log record the silo and gateway export, for the tests to search.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    public ConcurrentQueue<ExportedSpan> Spans { get; } = new();
    public ConcurrentQueue<ExportedLog> Logs { get; } = new();

    public int Port { get; } = LoopbackPorts.Free();
    public Uri Endpoint => new($"http://127.0.0.1:{Port}");

    public OtlpReceiver()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, Port, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc(o => o.MaxReceiveMessageSize = 64 * 1024 * 1024);
        builder.Services.AddSingleton(this);
        _app = builder.Build();
        _app.MapGrpcService<TraceReceiver>();
        _app.MapGrpcService<LogsReceiver>();
        _app.MapGrpcService<MetricsReceiver>();
    }

    public Task StartAsync() => _app.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static string Hex(ByteString bytes) => bytes.IsEmpty ? "" : Convert.ToHexStringLower(bytes.Span);

    private static string Value(TraceProto.AnyValue? v) => v is null ? "" : v.ValueCase switch
    {
        TraceProto.AnyValue.ValueOneofCase.StringValue => v.StringValue,
        TraceProto.AnyValue.ValueOneofCase.IntValue => v.IntValue.ToString(),
        TraceProto.AnyValue.ValueOneofCase.BoolValue => v.BoolValue.ToString(),
        TraceProto.AnyValue.ValueOneofCase.DoubleValue => v.DoubleValue.ToString(),
        _ => "",
    };

    private static string Value(LogsProto.AnyValue? v) => v is null ? "" : v.ValueCase switch
    {
        LogsProto.AnyValue.ValueOneofCase.StringValue => v.StringValue,
        LogsProto.AnyValue.ValueOneofCase.IntValue => v.IntValue.ToString(),
        _ => "",
    };

    private sealed class TraceReceiver(OtlpReceiver receiver) : TraceProto.TraceService.TraceServiceBase
    {
        public override Task<TraceProto.ExportTraceServiceResponse> Export(TraceProto.ExportTraceServiceRequest request, ServerCallContext context)
        {
            foreach (var resource in request.ResourceSpans)
            {
                var service = resource.Resource?.Attributes.FirstOrDefault(a => a.Key == "service.name") is { } name ? Value(name.Value) : "";
                foreach (var span in resource.ScopeSpans.SelectMany(s => s.Spans))
                {
                    var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
                    foreach (var a in span.Attributes) attributes[a.Key] = Value(a.Value);
                    receiver.Spans.Enqueue(new ExportedSpan(service, Hex(span.TraceId), Hex(span.SpanId), Hex(span.ParentSpanId), span.Name, span.Kind,
                        attributes, [.. span.Links.Select(l => (Hex(l.TraceId), Hex(l.SpanId)))]));
                }
            }
            return Task.FromResult(new TraceProto.ExportTraceServiceResponse());
        }
    }

    private sealed class LogsReceiver(OtlpReceiver receiver) : LogsProto.LogsService.LogsServiceBase
    {
        public override Task<LogsProto.ExportLogsServiceResponse> Export(LogsProto.ExportLogsServiceRequest request, ServerCallContext context)
        {
            foreach (var resource in request.ResourceLogs)
            {
                var service = resource.Resource?.Attributes.FirstOrDefault(a => a.Key == "service.name") is { } name ? Value(name.Value) : "";
                foreach (var log in resource.ScopeLogs.SelectMany(s => s.LogRecords))
                    receiver.Logs.Enqueue(new ExportedLog(service, Hex(log.TraceId), Hex(log.SpanId), Value(log.Body)));
            }
            return Task.FromResult(new LogsProto.ExportLogsServiceResponse());
        }
    }

    private sealed class MetricsReceiver : MetricsProto.MetricsService.MetricsServiceBase
    {
        public override Task<MetricsProto.ExportMetricsServiceResponse> Export(MetricsProto.ExportMetricsServiceRequest request, ServerCallContext context) =>
            Task.FromResult(new MetricsProto.ExportMetricsServiceResponse());
    }
}
