using Orleans.Align.Grains;
using Orleans.Dashboard;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Orleans.Align.Silo;

public static class SiloHosting
{
    public static WebApplicationBuilder AddAlignSilo(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(SiloOptions.Section).Get<SiloOptions>() ?? new SiloOptions();
        if (options.Clustering != "localhost")
            throw new InvalidOperationException($"Align:Silo:Clustering '{options.Clustering}' is not supported; use 'localhost'.");

        builder.Services.AddAlignGrainServices();
        switch (options.Storage)
        {
            case "memory":
                builder.Services.AddMemoryEventLog();
                break;
            default:
                throw new InvalidOperationException($"Align:Silo:Storage '{options.Storage}' is not supported; use 'memory'.");
        }

        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort);
            silo.AddMemoryGrainStorage(StorageNames.Align);
            silo.AddActivityPropagation();
            silo.AddDashboard();
        });

        builder.Services.AddHealthChecks();
        builder.AddAlignTelemetry("orleans-align-silo");
        return builder;
    }

    /// <summary>
    /// Traces follow a request from the gateway through every grain call (Orleans activity
    /// propagation); metrics cover Orleans, ASP.NET Core and the product's own meter. OTLP export is
    /// on when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (or <c>Align:Telemetry:OtlpEndpoint</c>) is set.
    /// </summary>
    public static void AddAlignTelemetry(this WebApplicationBuilder builder, string serviceName)
    {
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithTracing(t => t
                .AddSource("Microsoft.Orleans.Runtime")
                .AddSource("Microsoft.Orleans.Application")
                .AddAspNetCoreInstrumentation())
            .WithMetrics(m => m
                .AddMeter("Microsoft.Orleans")
                .AddMeter(AlignMetrics.MeterName)
                .AddAspNetCoreInstrumentation());

        var endpoint = builder.Configuration["Align:Telemetry:OtlpEndpoint"] ?? builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (!string.IsNullOrWhiteSpace(endpoint))
        {
            otel.UseOtlpExporter(OpenTelemetry.Exporter.OtlpExportProtocol.Grpc, new Uri(endpoint));
        }
    }
}
