using Azure.Core.Pipeline;
using System.Net;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Orleans.Align.Grains;
using Orleans.Align.Grains.Log;
using Orleans.Align.Grains.Log.Dedupe;
using Orleans.Align.Grains.Timeline;
using Orleans.Align.Silo.Storage;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using StackExchange.Redis;
using Orleans.Dashboard;
using OpenTelemetry.Metrics;
using Orleans.Align.Telemetry;

namespace Orleans.Align.Silo;

public static class SiloHosting
{
    public static WebApplicationBuilder AddAlignSilo(this WebApplicationBuilder builder)
    {
        var settings = SiloSettings.Read(builder.Configuration);
        var (options, storage) = (settings.Silo, settings.Storage);
        builder.Services.AddSingleton(settings);

        builder.Services.AddAlignGrainServices();
        if (options.Storage == "memory") builder.Services.AddMemoryEventLog();
        else builder.Services.AddBlobEventLog(storage);

        // Orleans' own defaults unless configured: tests shorten failure detection through these sections.
        builder.Services.AddOptions<ClusterMembershipOptions>().BindConfiguration(SiloOptions.MembershipSection);
        builder.Services.AddOptions<ReminderOptions>().BindConfiguration(SiloOptions.RemindersSection);

        builder.UseOrleans(silo =>
        {
            silo.UseAlignClustering(settings);
            if (options.Storage == "memory")
            {
                silo.AddMemoryGrainStorage(StorageNames.Align);
                silo.UseInMemoryReminderService();
            }
            else
            {
                silo.AddAzureBlobGrainStorage(StorageNames.Align, optionsBuilder => optionsBuilder.Configure<Serializer>((o, serializer) =>
                {
                    o.BlobServiceClient = new BlobServiceClient(storage.ConnectionString, GrainStateClientOptions(storage.MaxConnections));
                    o.ContainerName = storage.GrainContainer;
                    // Orleans' own binary format: the same version-tolerant contracts ([Id], [Alias]) the grains
                    // already use on the wire, and no surprises with immutable collections.
                    o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
                }));
                silo.UseAzureTableReminderService(o => o.TableServiceClient = new TableServiceClient(storage.ConnectionString,
                    new TableClientOptions { Transport = BoundedTransport(storage.MaxConnections) }));
            }
            silo.AddActivityPropagation();
            silo.AddDashboard();
            // Last, so the pod's name, IP and cluster labels win over the settings above.
            if (options.Kubernetes) silo.UseKubernetesHosting();
        });

        var health = builder.Services.AddHealthChecks()
            .AddCheck<LogIntegrityHealthCheck>("event-log", tags: ["ready"])
            .AddCheck<ClusterMembershipHealthCheck>("cluster", tags: ["ready"]);
        if (options.Storage != "memory")
        {
            // Its own client with one short try: the probe says "unreachable" in seconds, not after the SDK's retries.
            var probeOptions = new BlobClientOptions();
            probeOptions.Retry.MaxRetries = 0;
            probeOptions.Retry.NetworkTimeout = TimeSpan.FromSeconds(4);
            var probe = new BlobServiceClient(storage.ConnectionString, probeOptions).GetBlobContainerClient(storage.Log.ContainerName);
            health.AddTypeActivatedCheck<StorageHealthCheck>("storage", failureStatus: null, tags: ["ready"], args: [probe]);
        }
        builder.AddOperatorAccess();
        builder.AddAlignTelemetry("orleans-align-silo", m => m.AddMeter(AlignMetrics.MeterName));
        return builder;
    }

    /// <summary>
    /// Membership: Azure Table (the production default) or Redis, every silo on its own ports at its
    /// advertised address; or localhost clustering for one silo with nothing else to talk to.
    /// </summary>
    private static void UseAlignClustering(this ISiloBuilder silo, SiloSettings settings)
    {
        var (options, cluster) = (settings.Silo, settings.Cluster);
        if (cluster.Clustering == ClusteringKinds.Localhost)
        {
            silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
            return;
        }

        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = cluster.ClusterId;
            o.ServiceId = cluster.ServiceId;
        });
        silo.ConfigureEndpoints(IPAddress.Parse(options.AdvertisedAddress), options.SiloPort, options.GatewayPort, options.ListenOnAnyHostAddress);
        if (cluster.Clustering == ClusteringKinds.Redis)
        {
            var redis = settings.Redis.ConnectionString;
            silo.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis));
        }
        else
        {
            var tables = settings.Storage.ConnectionString;
            silo.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(tables));
        }
    }

    /// <summary>
    /// Grain state calls fail within about half a minute when storage is unreachable rather than
    /// hang for the SDK's default 100 s network timeout per try: a grain call that waits on a snapshot
    /// should answer 503 while callers are still waiting.
    /// </summary>
    private static BlobClientOptions GrainStateClientOptions(int maxConnections)
    {
        var clientOptions = new BlobClientOptions { Transport = BoundedTransport(maxConnections) };
        clientOptions.Retry.MaxRetries = 3;
        clientOptions.Retry.Delay = TimeSpan.FromMilliseconds(800);
        clientOptions.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
        return clientOptions;
    }

    /// <summary>
    /// The durable log on Azure Blob storage. Retries are few and short on purpose: a caller waiting
    /// for an acknowledgement is better served by a quick 503 and its own retry than by a long hang.
    /// </summary>
    private static IServiceCollection AddBlobEventLog(this IServiceCollection services, StorageOptions storage)
    {
        // Its own connections: snapshot writes queueing for theirs never hold back an acknowledgement.
        var clientOptions = new BlobClientOptions { Transport = BoundedTransport(storage.MaxConnections) };
        clientOptions.Retry.MaxRetries = 2;
        clientOptions.Retry.Delay = TimeSpan.FromMilliseconds(200);
        clientOptions.Retry.MaxDelay = TimeSpan.FromSeconds(1);
        clientOptions.Retry.NetworkTimeout = TimeSpan.FromSeconds(5);
        var container = new BlobServiceClient(storage.ConnectionString, clientOptions).GetBlobContainerClient(storage.Log.ContainerName);
        // Each store is wrapped in its meter (align.storage.duration and .failures, by store and operation).
        services.AddSingleton<IEventLogStore>(sp => new MeteredEventLogStore(
            new BlobEventLogStore(container, storage.Log, sp.GetRequiredService<ILogger<BlobEventLogStore>>(), sp.GetRequiredService<LogIndexes>())));
        // Provenance and replay read the same blobs by range, without the store's append gate.
        services.AddSingleton<IEventLogReader>(new MeteredEventLogReader(new BlobEventLogReader(container)));
        var indexContainer = new BlobServiceClient(storage.ConnectionString, clientOptions).GetBlobContainerClient(storage.Log.IndexContainerName);
        services.AddSingleton<ILogIndexStore>(new MeteredLogIndexStore(new BlobLogIndexStore(indexContainer)));
        // The dedupe index shares the log's short retries: an exact check that cannot be made fails the batch with a 503.
        var dedupe = new BlobServiceClient(storage.ConnectionString, clientOptions).GetBlobContainerClient(storage.DedupeContainer);
        services.AddSingleton<IDedupeIndexStore>(new MeteredDedupeIndexStore(new BlobDedupeIndexStore(dedupe)));
        return services;
    }

    /// <summary>
    /// An HTTP transport that opens at most <paramref name="maxConnections"/> connections to each storage
    /// endpoint (<c>Align:Storage:MaxConnections</c>); more requests wait in the silo for a free one
    /// rather than pile up in the storage service past their timeouts.
    /// </summary>
    private static HttpClientTransport BoundedTransport(int maxConnections) =>
        new(new SocketsHttpHandler { MaxConnectionsPerServer = maxConnections, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1) });
}
