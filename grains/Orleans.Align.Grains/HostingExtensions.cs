using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Align.Grains.Log;
using Orleans.Align.Grains.Log.Dedupe;
using Orleans.Align.Grains.Timeline;

namespace Orleans.Align.Grains;

public static class HostingExtensions
{
    /// <summary>Registers what the grains need besides grain storage: the event log store and options.</summary>
    public static IServiceCollection AddAlignGrainServices(this IServiceCollection services)
    {
        services.AddOptions<IngestOptions>().BindConfiguration(IngestOptions.Section)
            .Validate(o => o.DedupeWindow >= TimeSpan.FromMinutes(1), "Align:Ingest:DedupeWindow must be at least a minute.")
            .Validate(o => o.DedupeRecentMaxIds is >= 100 and <= 50_000_000, "Align:Ingest:DedupeRecentMaxIds must be between 100 and 50,000,000.")
            .Validate(o => o.DedupeRunMaxAge >= TimeSpan.FromSeconds(1), "Align:Ingest:DedupeRunMaxAge must be at least 1 s.")
            .Validate(o => o.DedupeFilterBitsPerId is >= 0.001 and <= 64, "Align:Ingest:DedupeFilterBitsPerId must be between 0.001 and 64.")
            .Validate(o => o.DedupeFilterMaxBytes >= 1024, "Align:Ingest:DedupeFilterMaxBytes must be at least 1 KiB.")
            .Validate(o => o.DedupeCompactionSpan >= TimeSpan.FromSeconds(1), "Align:Ingest:DedupeCompactionSpan must be at least 1 s.")
            .Validate(o => o.DedupeCompactionFanIn is >= 2 and <= 64, "Align:Ingest:DedupeCompactionFanIn must be between 2 and 64.")
            .Validate(o => o.DedupePartitions is >= 1 and <= 256, "Align:Ingest:DedupePartitions must be between 1 and 256.")
            .Validate(o => o.ReplayPageSize is >= 100 and <= 100_000, "Align:Ingest:ReplayPageSize must be between 100 and 100,000.")
            .Validate(o => o.ViewSnapshotInterval >= TimeSpan.FromMilliseconds(10), "Align:Ingest:ViewSnapshotInterval must be at least 10 ms.")
            .Validate(o => o.ViewSnapshotEvents is >= 1 and <= 100_000_000, "Align:Ingest:ViewSnapshotEvents must be between 1 and 100,000,000.")
            .Validate(o => o.ViewSnapshotMaxAge >= o.ViewSnapshotInterval && o.ViewSnapshotMaxAge <= TimeSpan.FromHours(1), "Align:Ingest:ViewSnapshotMaxAge must be between Align:Ingest:ViewSnapshotInterval and 1 hour.")
            .Validate(o => o.BoardPushInterval >= TimeSpan.FromMilliseconds(10) && o.BoardPushInterval <= TimeSpan.FromSeconds(10), "Align:Ingest:BoardPushInterval must be between 10 ms and 10 s.")
            .Validate(o => o.MaxPendingEventsPerGoal is >= 100 and <= 10_000_000, "Align:Ingest:MaxPendingEventsPerGoal must be between 100 and 10,000,000.")
            .Validate(o => o.MaxEventsPerDelivery is >= 10 and <= 100_000, "Align:Ingest:MaxEventsPerDelivery must be between 10 and 100,000.")
            .Validate(o => o.RoutingCheckInterval >= TimeSpan.FromMilliseconds(100), "Align:Ingest:RoutingCheckInterval must be at least 100 ms.")
            .Validate(o => o.PaceReminderPeriod >= TimeSpan.FromSeconds(1), "Align:Ingest:PaceReminderPeriod must be at least 1 s.")
            .Validate(o => o.AppendTimeout >= TimeSpan.FromMilliseconds(100), "Align:Ingest:AppendTimeout must be at least 100 ms.")
            .Validate(o => o.HighWaterInterval >= TimeSpan.FromMilliseconds(10), "Align:Ingest:HighWaterInterval must be at least 10 ms.")
            .ValidateOnStart();
        services.AddOptions<TimelineOptions>().BindConfiguration(TimelineOptions.Section)
            .Validate(o => o.ChunkEvents is >= 16 and <= 1_000_000, "Align:Timeline:ChunkEvents must be between 16 and 1,000,000.")
            .Validate(o => o.MarkEvery is >= 1 and <= 4_096, "Align:Timeline:MarkEvery must be between 1 and 4,096.")
            .Validate(o => o.ReadBytes is >= 64 * 1024 and <= 64 * 1024 * 1024, "Align:Timeline:ReadBytes must be between 64 KiB and 64 MiB.")
            .Validate(o => o.ReadParallelism is >= 1 and <= 64, "Align:Timeline:ReadParallelism must be between 1 and 64.")
            .Validate(o => o.MergeGapBytes is >= 0 and <= 16 * 1024 * 1024, "Align:Timeline:MergeGapBytes must be between 0 and 16 MiB.")
            .Validate(o => o.MaxHandoffEvents is >= 0 and <= 10_000_000, "Align:Timeline:MaxHandoffEvents must be between 0 and 10,000,000.")
            .ValidateOnStart();
        services.AddOptions<People.AccountOptions>().BindConfiguration(People.AccountOptions.Section)
            .Validate(o => o.MaxFailedSignIns is >= 1 and <= 1000, "Align:Accounts:MaxFailedSignIns must be between 1 and 1,000.")
            .Validate(o => o.LockoutDuration >= TimeSpan.FromSeconds(1) && o.LockoutDuration <= TimeSpan.FromDays(1), "Align:Accounts:LockoutDuration must be between 1 s and a day.")
            // Seconds are allowed so that an end-to-end test can watch a session expire; production sets days.
            .Validate(o => o.SessionLifetime >= TimeSpan.FromSeconds(1), "Align:Accounts:SessionLifetime must be at least a second.")
            .Validate(o => o.MaxSessionsPerMembership is >= 1 and <= 10_000, "Align:Accounts:MaxSessionsPerMembership must be between 1 and 10,000.")
            .Validate(o => o.PasswordResetInterval >= TimeSpan.Zero && o.PasswordResetInterval <= TimeSpan.FromDays(1), "Align:Accounts:PasswordResetInterval must be between 0 and a day.")
            .ValidateOnStart();
        services.AddOptions<Subscriptions.IntegrationOptions>().BindConfiguration(Subscriptions.IntegrationOptions.Section)
            .Configure<Microsoft.Extensions.Configuration.IConfiguration>((o, configuration) =>
            {
                if (configuration["Align:PublicBaseUrl"] is { Length: > 0 } url) o.PublicBaseUrl = url;
            })
            .Validate(o => Uri.TryCreate(o.PublicBaseUrl, UriKind.Absolute, out var u) && u.Scheme is "http" or "https", "Align:PublicBaseUrl must be an absolute http(s) URL.")
            .Validate(o => o.AllowedNetworks.All(n => System.Net.IPNetwork.TryParse(n, out _)), "Align:Integrations:AllowedNetworks must be CIDR networks (e.g. 10.20.0.0/16).")
            .Validate(o => o.FirstRetryDelay >= TimeSpan.FromMilliseconds(100) && o.MaxRetryDelay >= o.FirstRetryDelay, "Align:Integrations:FirstRetryDelay must be at least 100 ms and MaxRetryDelay at least FirstRetryDelay.")
            .Validate(o => o.RetryWindow >= TimeSpan.FromSeconds(1), "Align:Integrations:RetryWindow must be at least 1 s (24 hours or more in production).")
            .Validate(o => o.AttemptTimeout >= TimeSpan.FromMilliseconds(100) && o.AttemptTimeout <= TimeSpan.FromMinutes(5), "Align:Integrations:AttemptTimeout must be between 100 ms and 5 minutes.")
            .Validate(o => o.ReminderPeriod >= TimeSpan.FromSeconds(1), "Align:Integrations:ReminderPeriod must be at least 1 s.")
            .Validate(o => o.MaxDeliveriesKept is >= 1 and <= 10_000, "Align:Integrations:MaxDeliveriesKept must be between 1 and 10,000.")
            .Validate(o => o.MaxSubscriptions is >= 1 and <= 1_000, "Align:Integrations:MaxSubscriptions must be between 1 and 1,000.")
            .ValidateOnStart();
        services.AddSingleton<Subscriptions.OutboundAddressPolicy>();
        // Deliveries connect only where the policy allows (checked on the resolved address), never through a
        // proxy (which would connect for us), and follow no redirect; each attempt brings its own time limit.
        services.AddHttpClient(Subscriptions.SubscriptionDeliveryGrain.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => new System.Net.Http.SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseProxy = false,
                ConnectCallback = sp.GetRequiredService<Subscriptions.OutboundAddressPolicy>().ConnectAsync,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            });
        services.AddSingleton<LogIndexes>();
        services.TryAddSingleton<ILogIndexStore, NoLogIndexStore>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<LogIntegrity>();
        return services;
    }

    /// <summary>The in-memory log: per process, for development and tests that make no durability claim.</summary>
    public static IServiceCollection AddMemoryEventLog(this IServiceCollection services) =>
        services.AddSingleton<MemoryEventLogStore>()
            .AddSingleton<IEventLogStore>(sp => sp.GetRequiredService<MemoryEventLogStore>())
            .AddSingleton<IEventLogReader>(sp => sp.GetRequiredService<MemoryEventLogStore>())
            .AddSingleton<IDedupeIndexStore, MemoryDedupeIndexStore>();
}
