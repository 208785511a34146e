namespace Orleans.Align;

/// <summary>One metric event as an integration sends it. <see cref="Id"/> is the caller's idempotency key.</summary>
[GenerateSerializer, Immutable, Alias("align.metric-event")]
public sealed record MetricEvent(
    [property: Id(0)] string Id,
    [property: Id(1)] string Metric,
    [property: Id(2)] double Value,
    [property: Id(3)] DateTimeOffset Timestamp,
    [property: Id(4)] string? Campaign = null,
    [property: Id(5)] string? Department = null,
    [property: Id(6)] string? Source = null);

/// <summary>An event once it is in the organization's log: the sequence number is its position there.</summary>
[GenerateSerializer, Immutable, Alias("align.logged-event")]
public sealed record LoggedEvent(
    [property: Id(0)] long Sequence,
    [property: Id(1)] MetricEvent Event);

[GenerateSerializer, Immutable, Alias("align.ingest-result")]
public sealed record IngestResult(
    [property: Id(0)] int Accepted,
    [property: Id(1)] int Duplicates,
    [property: Id(2)] long LastSequence);

/// <summary>
/// A stretch of the log handed to one goal: every event in <c>(From, Through]</c> that the goal
/// counts, in sequence order. A goal whose applied position is below <see cref="From"/> missed
/// something (a delivery lost with a silo, or one dropped because the goal fell too far behind) and
/// reads <c>(its position, From]</c> from the log first; a range at or below its position is old news.
/// </summary>
[GenerateSerializer, Immutable, Alias("align.log-range")]
public sealed record LogRange(
    [property: Id(0)] long From,
    [property: Id(1)] long Through,
    [property: Id(2)] IReadOnlyList<LoggedEvent> Events);

/// <summary>How far the ingest log has handed its events to one goal (for operators and tests).</summary>
[GenerateSerializer, Immutable, Alias("align.goal-delivery")]
public sealed record GoalDelivery(
    [property: Id(0)] string GoalId,
    [property: Id(1)] long DeliveredThrough,
    [property: Id(2)] int Pending,
    [property: Id(3)] int ConsecutiveFailures,
    [property: Id(4)] long Overflows);

[GenerateSerializer, Immutable, Alias("align.delivery-status")]
public sealed record DeliveryStatus(
    [property: Id(0)] long LastSequence,
    [property: Id(1)] long RoutingVersion,
    [property: Id(2)] IReadOnlyList<GoalDelivery> Goals);
