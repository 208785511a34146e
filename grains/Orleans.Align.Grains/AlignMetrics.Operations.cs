using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Orleans.Align.Grains;

/// <summary>
/// What an operator watches on a silo besides the ingest counters: how far views are behind their
/// logs, how many dedupe ids the silo holds in memory, and how the product's own storage calls go
/// (grain state has Orleans' own <c>orleans-storage-*</c> instruments). Same meter name as the rest of
/// <see cref="AlignMetrics"/>; its own <see cref="Meter"/> instance, initialized in this file, so the
/// order in which the two files' statics start does not matter.
/// </summary>
public static partial class AlignMetrics
{
    public const string StoreTag = "align.store", OperationTag = "align.operation";

    private static readonly Meter OperationsMeter = new(MeterName);

    private static readonly ConcurrentDictionary<LogGauges, byte> ActiveLogs = new();

    public static readonly Histogram<long> DeliveryLag = OperationsMeter.CreateHistogram<long>("align.delivery.lag", "{event}",
        "Log positions a view (goal, campaign, department, rule) is behind its organization's log head, sampled as each delivery to it completes.",
        advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [0, 1, 10, 100, 1_000, 10_000, 100_000, 1_000_000] });

    public static readonly ObservableGauge<long> DeliveryLagMax = OperationsMeter.CreateObservableGauge("align.delivery.lag.max",
        () => ActiveLogs.Keys.Select(l => Volatile.Read(ref l.DeliveryLag)).DefaultIfEmpty(0).Max(), "{event}",
        "The largest delivery lag of the organization logs active on this silo: log head minus the slowest view's applied position.");

    public static readonly ObservableGauge<long> DedupeEntries = OperationsMeter.CreateObservableGauge("align.dedupe.entries",
        () => ActiveLogs.Keys.Sum(l => Volatile.Read(ref l.DedupeEntries)), "{entry}",
        "Event ids the dedupe indexes of this silo's active logs hold in memory (recent and sealing runs; sealed runs are in storage).");

    public static readonly Histogram<double> StorageDuration = OperationsMeter.CreateHistogram<double>("align.storage.duration", "ms",
        "One call of the event log, dedupe index or log index store (blob storage), by store and operation, retries included.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000] });

    public static readonly Counter<long> StorageFailures = OperationsMeter.CreateCounter<long>("align.storage.failures", "{call}",
        "Calls of the event log, dedupe index or log index store that failed (after the client's retries), by store and operation.");

    /// <summary>An active ingest log's gauges; it publishes into them, the exporter reads them.</summary>
    public static LogGauges TrackLog()
    {
        var gauges = new LogGauges();
        ActiveLogs[gauges] = 0;
        return gauges;
    }

    public static void ForgetLog(LogGauges gauges) => ActiveLogs.TryRemove(gauges, out _);
}

/// <summary>Values one ingest log grain publishes for the silo's observable gauges (written on the grain's thread, read by the exporter's).</summary>
public sealed class LogGauges
{
    public long DeliveryLag;
    public long DedupeEntries;
}
