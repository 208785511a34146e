using System.Diagnostics.Metrics;

namespace Orleans.Align.Grains;

/// <summary>The product's own instruments, exported next to the Orleans and ASP.NET Core meters.</summary>
public static partial class AlignMetrics
{
    public const string MeterName = "Orleans.Align";

    private static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> EventsAccepted = Meter.CreateCounter<long>("align.events.accepted", "{event}", "Events appended to an organization log.");
    public static readonly Counter<long> EventsDuplicate = Meter.CreateCounter<long>("align.events.duplicates", "{event}", "Events recognised as retries and not counted again.");
    public static readonly Counter<long> EventsConflicting = Meter.CreateCounter<long>("align.events.conflicts", "{event}", "Events whose id was already stored with different content: refused per event, not counted.");
    public static readonly Histogram<double> AppendDuration = Meter.CreateHistogram<double>("align.log.append.duration", "ms", "Time for one group-committed log write.");
    public static readonly Counter<long> LogBehind = Meter.CreateCounter<long>("align.log.behind", "{alarm}", "Logs found shorter than what was acknowledged (storage lost confirmed writes): ingest stops for that organization.");
    public static readonly Counter<long> LogReads = Meter.CreateCounter<long>("align.log.reads", "{read}", "Ranged reads of the log by provenance and replay (off the append path).");
    public static readonly Histogram<double> Freshness = Meter.CreateHistogram<double>("align.live.freshness", "ms", "Event acknowledged → board update sent to gateways.");
    public static readonly Counter<long> BoardPushes = Meter.CreateCounter<long>("align.board.pushes", "{push}", "Coalesced board updates sent to gateways.");
}
