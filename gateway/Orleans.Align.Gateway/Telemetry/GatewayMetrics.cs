using System.Diagnostics.Metrics;

namespace Orleans.Align.Gateway.Telemetry;

/// <summary>
/// The gateway's own instruments (meter <see cref="MeterName"/>), exported next to the ASP.NET Core,
/// Kestrel, SignalR and Orleans client meters. Tags are bounded: an organization appears only as its
/// tier (<see cref="OrganizationTier"/>), never by id. docs/operations.md says what normal looks like.
/// </summary>
public static class GatewayMetrics
{
    public const string MeterName = "Orleans.Align.Gateway";

    public const string TierTag = "align.tier", OutcomeTag = "align.outcome", ReasonTag = "align.reason",
        LimiterTag = "align.limiter", LimitTag = "align.limit";

    private static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> IngestEvents = Meter.CreateCounter<long>("align.ingest.events", "{event}",
        "Events of answered ingest batches (POST /api/v1/events), by organization tier and outcome: accepted, duplicate, conflict.");

    public static readonly Counter<long> IngestRefusals = Meter.CreateCounter<long>("align.ingest.refusals", "{request}",
        "Ingest requests refused whole, by organization tier and reason: invalid, too_large, unauthorized, conflict, correction, rate_limited, unavailable, other.");

    public static readonly Histogram<double> IngestDuration = Meter.CreateHistogram<double>("align.ingest.duration", "ms",
        "Ingest request from arrival at the gateway to its answer (the acknowledgement), by outcome: acknowledged, unavailable (503), refused (4xx), error (other 5xx).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2, 5, 10, 25, 50, 75, 100, 150, 250, 500, 1000, 2500, 5000, 10000, 30000] });

    public static readonly Counter<long> RateLimitRefusals = Meter.CreateCounter<long>("align.ratelimit.refusals", "{request}",
        "Requests answered 429, by the limiter that refused them (key, organization, address, source), what it limits (requests, events) and organization tier.");

    public static readonly UpDownCounter<long> LiveConnections = Meter.CreateUpDownCounter<long>("align.live.connections", "{connection}",
        "SignalR connections open on this gateway's live hub.");

    public static readonly Counter<long> LivePushes = Meter.CreateCounter<long>("align.live.pushes", "{push}",
        "Board updates this gateway sent to a board's SignalR group (once per update, whatever the group's size).");

    public static readonly Counter<long> LivePushBytes = Meter.CreateCounter<long>("align.live.push.bytes", "By",
        "Bytes of board updates sent to browsers: the update's JSON size times the connections watching the board on this gateway (SignalR framing not included).");
}
