using Orleans.Concurrency;

namespace Orleans.Align.Grains;

/// <summary>
/// The front door of an organization's event log. Key: the organization id. Dedupes by event id,
/// assigns sequence numbers, stores the events, acknowledges, then hands them to the goals they move.
/// </summary>
[Alias("align.IIngestLogGrain")]
public interface IIngestLogGrain : IGrainWithStringKey
{
    /// <summary>Completes when the accepted events are in the log. Unknown campaigns or departments are refused whole.</summary>
    [Alias("Append")]
    Task<IngestResult> AppendAsync(IReadOnlyList<MetricEvent> events);

    /// <summary>
    /// Called by the organization when its departments, campaigns or goals change. Older versions
    /// than the one held are ignored; a lost call is made up by the log's own version check.
    /// </summary>
    [Alias("RoutingChanged")]
    Task RoutingChangedAsync(OrganizationRouting routing);

    /// <summary>Where delivery to each goal stands: its cursor, what waits, failures.</summary>
    [Alias("GetDeliveryStatus"), AlwaysInterleave]
    Task<DeliveryStatus> GetDeliveryStatusAsync();

    /// <summary>What the dedupe index holds in memory: recent ids, sealed runs, filter and fence bytes.</summary>
    [Alias("GetDedupeStats"), AlwaysInterleave]
    Task<DedupeStats> GetDedupeStatsAsync();
}
