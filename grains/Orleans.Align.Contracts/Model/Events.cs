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
