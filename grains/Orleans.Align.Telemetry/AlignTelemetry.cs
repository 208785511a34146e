using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orleans.Diagnostics;

namespace Orleans.Align.Telemetry;

/// <summary>
/// What the silo and the gateway share of OpenTelemetry: traces of HTTP requests, of every grain call
/// (Orleans' activity propagation) and of the product's own spans (<see cref="AlignTracing"/>);
/// metrics of Orleans and ASP.NET Core plus what each host adds; and logs that carry the trace and
/// span ids. OTLP export (traces, metrics and logs) is on when <c>Align:Telemetry:OtlpEndpoint</c> or
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> picks gRPC (default)
/// or <c>http/protobuf</c>.
/// </summary>
public static class AlignTelemetry
{
    public const string EndpointKey = "Align:Telemetry:OtlpEndpoint";

    public static IOpenTelemetryBuilder AddAlignTelemetry(this IHostApplicationBuilder builder, string serviceName, Action<MeterProviderBuilder>? metrics = null)
    {
        // Every log line (console included) carries the ids of the span it was written in.
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithTracing(t => t
                .SetSampler(new ParentBasedSampler(new AlignRootSampler()))
                // Orleans puts a call on the "Runtime" source when the interface's namespace starts with
                // "Orleans" (ours: Orleans.Align.*), on the "Application" source otherwise: both are ours.
                .AddSource(ActivitySources.ApplicationGrainActivitySourceName, ActivitySources.RuntimeActivitySourceName, AlignTracing.SourceName)
                // Probes every few seconds would bury the requests people look for.
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !http.Request.Path.StartsWithSegments("/health")))
            .WithMetrics(m =>
            {
                m.AddMeter("Microsoft.Orleans").AddAspNetCoreInstrumentation();
                metrics?.Invoke(m);
            });

        var endpoint = builder.Configuration[EndpointKey] ?? builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (!string.IsNullOrWhiteSpace(endpoint))
        {
            otel.WithLogging(configureBuilder: null, configureOptions: o =>
            {
                o.IncludeScopes = true;
                o.IncludeFormattedMessage = true;
            });
            var protocol = builder.Configuration["OTEL_EXPORTER_OTLP_PROTOCOL"] is "http/protobuf" ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
            otel.UseOtlpExporter(protocol, new Uri(endpoint));
        }
        return otel;
    }
}
