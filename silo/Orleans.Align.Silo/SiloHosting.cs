using Azure.Storage.Blobs;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.Align.Grains;
using Orleans.Align.Grains.Log;
using Orleans.Align.Persistence.AzureBlob;
using Orleans.Align.Silo.Storage;
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
        var storage = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        if (options.Storage == "memory") builder.Services.AddMemoryEventLog();
        else if (options.Storage == "azure") builder.Services.AddBlobEventLog(storage);
        else throw new InvalidOperationException($"Align:Silo:Storage '{options.Storage}' is not supported; use 'azure' or 'memory'.");

        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort);
            if (options.Storage == "memory") silo.AddMemoryGrainStorage(StorageNames.Align);
            else silo.AddAzureBlobGrainStorage(StorageNames.Align, optionsBuilder => optionsBuilder.Configure<Serializer>((o, serializer) =>
            {
                o.ConnectionString = storage.ConnectionString;
                o.ContainerName = storage.GrainContainer;
                // Orleans' own binary format: the same version-tolerant contracts ([Id], [Alias]) the grains
                // already use on the wire, and no surprises with immutable collections.
                o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
            }));
            silo.AddActivityPropagation();
            silo.AddDashboard();
        });

        builder.Services.AddHealthChecks();
        builder.AddAlignTelemetry("orleans-align-silo");
        return builder;
    }

    /// <summary>
    /// The durable log on Azure Blob storage. Retries are few and short on purpose: a caller waiting
    /// for an acknowledgement is better served by a quick 503 and its own retry than by a long hang.
    /// </summary>
    private static IServiceCollection AddBlobEventLog(this IServiceCollection services, StorageOptions storage)
    {
        if (string.IsNullOrWhiteSpace(storage.ConnectionString))
            throw new InvalidOperationException("Align:Storage:ConnectionString (environment Align__Storage__ConnectionString) must be set when Align:Silo:Storage is 'azure'.");
        var clientOptions = new BlobClientOptions();
        clientOptions.Retry.MaxRetries = 2;
        clientOptions.Retry.Delay = TimeSpan.FromMilliseconds(200);
        clientOptions.Retry.MaxDelay = TimeSpan.FromSeconds(1);
        clientOptions.Retry.NetworkTimeout = TimeSpan.FromSeconds(5);
        var container = new BlobServiceClient(storage.ConnectionString, clientOptions).GetBlobContainerClient(storage.Log.ContainerName);
        services.AddSingleton<IEventLogStore>(sp => new BlobEventLogStore(container, storage.Log, sp.GetRequiredService<ILogger<BlobEventLogStore>>()));
        return services;
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
