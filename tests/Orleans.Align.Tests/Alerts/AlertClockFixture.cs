using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Align.Grains;
using Orleans.Align.Grains.Log;
using Orleans.Align.Tests.Cluster;
using Orleans.Align.Tests.Support;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Orleans.Align.Tests.Alerts;

/// <summary>
/// A silo whose grains read a <see cref="ManualClock"/> (hold times are minutes) and keep their state
/// in a <see cref="CrashableStorage"/>. Goals judge time only when a test asks them to
/// (<see cref="JudgeNowAsync"/>), as their pace timer and reminder would. The clock only goes
/// forward: each test takes its own organization and moves the clock from wherever it is.
/// </summary>
public sealed class AlertClockFixture : IAsyncLifetime
{
    private InProcessTestCluster? _cluster;

    public ManualClock Clock { get; } = new(new DateTimeOffset(2026, 9, 1, 8, 0, 0, TimeSpan.Zero));

    public IClusterClient Client => (_cluster ?? throw new InvalidOperationException("The cluster has not started.")).Client;

    public CrashableStorage Storage => _cluster!.GetSiloServiceProvider().GetRequiredKeyedService<IGrainStorage>(StorageNames.Align) as CrashableStorage
        ?? throw new InvalidOperationException("The silo does not use the crashable storage.");

    public async Task InitializeAsync()
    {
        var clock = Clock;
        var builder = new InProcessTestClusterBuilder(initialSilosCount: 1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddAlignGrainServices();
            silo.Services.AddMemoryEventLog();
            silo.Services.AddGrainStorage(StorageNames.Align, (sp, _) => new CrashableStorage(sp.GetRequiredService<Serializer>()));
            silo.UseInMemoryReminderService();
            silo.Services.RemoveAll<TimeProvider>();
            silo.Services.AddSingleton<TimeProvider>(clock);
            silo.Services.Configure<IngestOptions>(o => (o.PaceCheckInterval, o.PaceReminderPeriod) = (TimeSpan.FromHours(1), TimeSpan.FromHours(1)));
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }

    public Task<TestOrganization> NewOrganizationAsync() => TestOrganization.CreateAsync(Client);

    /// <summary>
    /// What the pace timer and the reminder do: judge the goal at the clock's time. Settings that
    /// change nothing make the goal judge itself and tell its boards and feed, and the call returns
    /// once it has.
    /// </summary>
    public async Task JudgeNowAsync(TestOrganization org, string goalId) =>
        await org.Goal(goalId).SettingsChangedAsync(await org.Grain.GetSettingsAsync());

    /// <summary>Deactivates a grain; its next call activates it again from what storage holds.</summary>
    public Task DeactivateAsync(IAddressable grain) => Client.GetGrain<IManagementGrain>(0).DeactivateGrain(grain.GetGrainId());
}

[CollectionDefinition(Name)]
public sealed class AlertClockCollection : ICollectionFixture<AlertClockFixture>
{
    public const string Name = "alert-clock";
}
