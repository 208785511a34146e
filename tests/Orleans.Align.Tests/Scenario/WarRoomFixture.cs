using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Align.Grains;
using Orleans.Align.Grains.Log;
using Orleans.Align.Tests.Support;
using Orleans.TestingHost;

namespace Orleans.Align.Tests.Scenario;

/// <summary>
/// A silo like <see cref="Cluster.ClusterFixture"/>'s, but its grains read the time from a
/// <see cref="ManualClock"/> that the story moves hour by hour. The clock only goes forward, so a
/// fixture holds one story: give another day its own fixture.
/// </summary>
public sealed class WarRoomFixture : IAsyncLifetime
{
    private InProcessTestCluster? _cluster;

    /// <summary>07:30 on launch day: the war room opens half an hour before the launch.</summary>
    public ManualClock Clock { get; } = new(LaunchDay.Opening);

    public IClusterClient Client => (_cluster ?? throw new InvalidOperationException("The cluster has not started.")).Client;

    public async Task InitializeAsync()
    {
        var clock = Clock;
        var builder = new InProcessTestClusterBuilder(initialSilosCount: 1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddAlignGrainServices();
            silo.Services.AddMemoryEventLog();
            silo.AddMemoryGrainStorage(StorageNames.Align);
            silo.UseInMemoryReminderService();
            silo.Services.RemoveAll<TimeProvider>();
            silo.Services.AddSingleton<TimeProvider>(clock);
            // Goals re-judge their pace on a real-time timer. On a clock that jumps an hour at a time
            // that timer (and the reminder) would judge each new hour before its events arrive (a gap no real day has),
            // so here statuses and alerts are judged when something happens: events, check-ins.
            silo.Services.Configure<IngestOptions>(o => (o.PaceCheckInterval, o.PaceReminderPeriod) = (TimeSpan.FromHours(1), TimeSpan.FromHours(1)));
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class WarRoomCollection : ICollectionFixture<WarRoomFixture>
{
    public const string Name = "war-room";
}
