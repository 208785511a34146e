using Microsoft.Extensions.DependencyInjection;
using Orleans.Align.Grains.Log;

namespace Orleans.Align.Grains;

public static class HostingExtensions
{
    /// <summary>Registers what the grains need besides grain storage: the event log store and options.</summary>
    public static IServiceCollection AddAlignGrainServices(this IServiceCollection services)
    {
        services.AddOptions<IngestOptions>().BindConfiguration(IngestOptions.Section)
            .Validate(o => o.DedupeWindowMaxIds is >= 1_000 and <= 50_000_000, "Align:Ingest:DedupeWindowMaxIds must be between 1,000 and 50,000,000.")
            .Validate(o => o.DedupeWindowMaxAge > TimeSpan.Zero, "Align:Ingest:DedupeWindowMaxAge must be positive.")
            .Validate(o => o.ReplayPageSize is >= 100 and <= 100_000, "Align:Ingest:ReplayPageSize must be between 100 and 100,000.")
            .Validate(o => o.ViewSnapshotInterval >= TimeSpan.FromMilliseconds(10), "Align:Ingest:ViewSnapshotInterval must be at least 10 ms.")
            .Validate(o => o.MaxPendingEventsPerGoal is >= 100 and <= 10_000_000, "Align:Ingest:MaxPendingEventsPerGoal must be between 100 and 10,000,000.")
            .Validate(o => o.MaxEventsPerDelivery is >= 10 and <= 100_000, "Align:Ingest:MaxEventsPerDelivery must be between 10 and 100,000.")
            .Validate(o => o.RoutingCheckInterval >= TimeSpan.FromMilliseconds(100), "Align:Ingest:RoutingCheckInterval must be at least 100 ms.")
            .Validate(o => o.PaceReminderPeriod >= TimeSpan.FromSeconds(1), "Align:Ingest:PaceReminderPeriod must be at least 1 s.")
            .Validate(o => o.AppendTimeout >= TimeSpan.FromMilliseconds(100), "Align:Ingest:AppendTimeout must be at least 100 ms.")
            .Validate(o => o.HighWaterInterval >= TimeSpan.FromMilliseconds(10), "Align:Ingest:HighWaterInterval must be at least 10 ms.")
            .ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<LogIntegrity>();
        return services;
    }

    /// <summary>The in-memory log: per process, for development and tests that make no durability claim.</summary>
    public static IServiceCollection AddMemoryEventLog(this IServiceCollection services) =>
        services.AddSingleton<IEventLogStore, MemoryEventLogStore>();
}
