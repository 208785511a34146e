using Microsoft.Extensions.DependencyInjection;
using Orleans.Align.Grains;
using Orleans.Align.Grains.Log;
using Orleans.Align.Grains.Timeline;
using Orleans.TestingHost;

namespace Orleans.Align.Tests.Cluster;

/// <summary>
/// One in-process silo for every grain test, configured as the real silo is (grain services, the
/// memory event log, memory grain storage). Starting a silo costs seconds, so tests share it and
/// stay apart by each working in an organization of its own (<see cref="NewOrganizationAsync"/>).
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private InProcessTestCluster? _cluster;

    public InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster has not started.");

    public IClusterClient Client => Cluster.Client;

    /// <summary>The silo's event log, for tests that check what was stored rather than what a view shows.</summary>
    public IEventLogStore Log => Cluster.GetSiloServiceProvider().GetRequiredService<IEventLogStore>();

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(initialSilosCount: 1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddAlignGrainServices();
            silo.Services.AddMemoryEventLog();
            silo.Services.AddSingleton<IEventLogReader>(sp => new ObservedLogReader(sp.GetRequiredService<MemoryEventLogStore>()));
            // Small chunks and runs, so that a test's few hundred events fill several sealed chunks; a long
            // warm-up wait, as tests hold the first read of a log (LogIndexWarmingTests test the refusal).
            silo.Services.Configure<TimelineOptions>(o => (o.ChunkEvents, o.MarkEvery, o.WarmWait) = (32, 4, TimeSpan.FromSeconds(20)));
            silo.AddMemoryGrainStorage(StorageNames.Align);
            silo.UseInMemoryReminderService();
            silo.AddIncomingGrainCallFilter<DeliveryFaults>();
            // Small enough that a test overflows it with a few thousand events.
            silo.Services.Configure<IngestOptions>(o => o.MaxPendingEventsPerGoal = 1_000);
            // As the real hosts do: grain calls carry the trace context (spans exist only while a test listens).
            silo.AddActivityPropagation();
        });
        builder.ConfigureClient(client => client.AddActivityPropagation());
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }

    /// <summary>A new tenant with the departments and campaigns of <see cref="TestOrganization"/>.</summary>
    public Task<TestOrganization> NewOrganizationAsync() => TestOrganization.CreateAsync(Client);
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
