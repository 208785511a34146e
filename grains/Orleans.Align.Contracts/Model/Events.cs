namespace Orleans.Align;

/// <summary>
/// One metric event as an integration sends it. <see cref="Id"/> is the caller's idempotency key.
/// <see cref="TimestampAssigned"/>: the caller sent no time and the gateway took the arrival time, which
/// is then not part of the event's content (a resend arrives later, and is still the same event).
/// <para>
/// A <b>correction</b> names the event it corrects (<see cref="Corrects"/>) and carries its new value (zero
/// retracts). As sent, its <see cref="Timestamp"/> is its own time; the ingest log resolves it at append
/// time and stores it with what views need to apply it without any lookup: the corrected event's value as
/// it stood (<see cref="Previous"/>), its sequence (<see cref="CorrectedSequence"/>), its campaign,
/// department and activity, and its event time as <see cref="Timestamp"/> (a refund corrects the period of
/// the sale); the correction's own time moves to <see cref="CorrectedAt"/>
/// (<see cref="TimestampAssigned"/> then says whether that one was assigned).
/// </para>
/// </summary>
[GenerateSerializer, Immutable, Alias("align.metric-event")]
public sealed record MetricEvent(
    [property: Id(0)] string Id,
    [property: Id(1)] string Metric,
    [property: Id(2)] double Value,
    [property: Id(3)] DateTimeOffset Timestamp,
    [property: Id(4)] string? Campaign = null,
    [property: Id(5)] string? Department = null,
    [property: Id(6)] string? Source = null,
    [property: Id(7)] bool TimestampAssigned = false,
    [property: Id(8)] string? Activity = null,
    [property: Id(9)] string? Corrects = null,
    [property: Id(10)] double Previous = 0,
    [property: Id(11)] long CorrectedSequence = 0,
    [property: Id(12)] DateTimeOffset? CorrectedAt = null)
{
    /// <summary>
    /// What the event adds to a sum: its value, or for a correction the difference it makes
    /// (<see cref="Value"/> − <see cref="Previous"/>). Gauges take <see cref="Value"/> as the reading.
    /// </summary>
    public double Amount => Corrects is null ? Value : Value - Previous;
}

/// <summary>An event once it is in the organization's log: the sequence number is its position there.</summary>
[GenerateSerializer, Immutable, Alias("align.logged-event")]
public sealed record LoggedEvent(
    [property: Id(0)] long Sequence,
    [property: Id(1)] MetricEvent Event);

/// <summary>
/// What became of one caller's batch. A conflict (an id already stored with different content) is
/// neither accepted nor a duplicate: it is reported per event and nothing of it is stored.
/// <see cref="Conflicts"/> is null when there are none, so results without conflicts compare by value.
/// <see cref="DuplicateIndexes"/> says which events of the batch were duplicates (null when none), for a
/// caller that answers per event (a CSV import); every other index that is not a conflict was accepted.
/// </summary>
[GenerateSerializer, Immutable, Alias("align.ingest-result")]
public sealed record IngestResult(
    [property: Id(0)] int Accepted,
    [property: Id(1)] int Duplicates,
    [property: Id(2)] long LastSequence,
    [property: Id(3)] IReadOnlyList<IngestConflict>? Conflicts = null,
    [property: Id(4)] IReadOnlyList<IngestRefusal>? Refusals = null,
    [property: Id(5)] IReadOnlyList<int>? DuplicateIndexes = null);

/// <summary>Why a correction was refused (<see cref="IngestRefusal"/>).</summary>
[GenerateSerializer, Alias("align.correction-refusal")]
public enum CorrectionRefusal
{
    /// <summary>The corrected id is not in this organization's log (or is older than the dedupe window).</summary>
    UnknownEvent = 0,
    /// <summary>The correction names another metric than the corrected event's.</summary>
    MetricDiffers = 1,
    /// <summary>The correction names another campaign, department or activity than the corrected event's.</summary>
    ScopeDiffers = 2,
    /// <summary>The corrected event was corrected already: only the newest event of a chain may be corrected.</summary>
    AlreadyCorrected = 3,
}

/// <summary>
/// The correction at <see cref="Index"/> of the caller's batch cannot be applied. A batch with a refusal
/// is refused whole: none of its events is stored. <see cref="NewerCorrection"/>: for
/// <see cref="CorrectionRefusal.AlreadyCorrected"/>, the id of the correction to correct instead.
/// </summary>
[GenerateSerializer, Immutable, Alias("align.ingest-refusal")]
public sealed record IngestRefusal(
    [property: Id(0)] int Index,
    [property: Id(1)] string Id,
    [property: Id(2)] string Corrects,
    [property: Id(3)] CorrectionRefusal Reason,
    [property: Id(4)] string Detail,
    [property: Id(5)] string? NewerCorrection = null);

/// <summary>
/// The event at <see cref="Index"/> of the caller's batch reuses the id of an event already in the log
/// (at <see cref="StoredSequence"/>) with different content (metric, value, time, campaign, department
/// or source). It was not stored and not counted; the stored event stands.
/// </summary>
[GenerateSerializer, Immutable, Alias("align.ingest-conflict")]
public sealed record IngestConflict(
    [property: Id(0)] int Index,
    [property: Id(1)] string Id,
    [property: Id(2)] long StoredSequence);

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
    [property: Id(2)] IReadOnlyList<LoggedEvent> Events,
    // The goal counting revision whose rule the cursor routed by (0 for other views): a goal applies
    // only ranges of its own, so a range filtered by a definition it no longer has never leaks in.
    [property: Id(3)] int Revision = 0);

/// <summary>The kinds of views the ingest log delivers to: each keeps its own position in the log.</summary>
[GenerateSerializer, Alias("align.view-kind")]
public enum ViewKind
{
    Goal = 0,
    Campaign = 1,
    Department = 2,
    Rule = 3,
}

/// <summary>
/// How far the ingest log has handed its events to one view (for operators and tests). The name
/// <c>GoalId</c> stays for compatibility: it is the id of the goal, campaign or department <see cref="Kind"/> says.
/// </summary>
[GenerateSerializer, Immutable, Alias("align.goal-delivery")]
public sealed record GoalDelivery(
    [property: Id(0)] string GoalId,
    [property: Id(1)] long DeliveredThrough,
    [property: Id(2)] int Pending,
    [property: Id(3)] int ConsecutiveFailures,
    [property: Id(4)] long Overflows,
    [property: Id(5)] ViewKind Kind = ViewKind.Goal);

[GenerateSerializer, Immutable, Alias("align.delivery-status")]
public sealed record DeliveryStatus(
    [property: Id(0)] long LastSequence,
    [property: Id(1)] long RoutingVersion,
    [property: Id(2)] IReadOnlyList<GoalDelivery> Goals)
{
    /// <summary>The cursor of one view.</summary>
    public GoalDelivery? Of(ViewKind kind, string id) => Goals.FirstOrDefault(g => g.Kind == kind && g.GoalId == id);
}

/// <summary>What an organization's dedupe index holds in memory, by part (for operators, tests and the benchmark).</summary>
[GenerateSerializer, Immutable, Alias("align.dedupe-stats")]
public sealed record DedupeStats(
    [property: Id(0)] int RecentIds,
    [property: Id(1)] int SealingIds,
    [property: Id(2)] int Runs,
    [property: Id(3)] long RunIds,
    [property: Id(4)] long FilterBytes,
    [property: Id(5)] long FenceBytes,
    [property: Id(6)] long DurableThrough,
    [property: Id(7)] long ExactReads)
{
    /// <summary>Ids looked up since activation (ids found in the in-memory recent window included).</summary>
    [Id(8)] public long Lookups { get; init; }
    /// <summary>Filters asked since activation: sealed runs per id not found in memory.</summary>
    [Id(9)] public long FilterProbes { get; init; }
    /// <summary>Compactions done since activation, and the ids they rewrote.</summary>
    [Id(10)] public long Compactions { get; init; }
    [Id(11)] public long CompactedIds { get; init; }
    /// <summary>Runs whose filter was dropped to stay under the filter cap: each costs a read per lookup.</summary>
    [Id(12)] public int RunsWithoutFilter { get; init; }
    /// <summary>How many partitions hold the sealed runs (fixed per organization once chosen).</summary>
    [Id(13)] public int Partitions { get; init; }
    /// <summary>Lookup calls made to partitions since activation (at most one per partition per group commit).</summary>
    [Id(14)] public long PartitionCalls { get; init; }
    /// <summary>Runs written before the index was partitioned, still read until they expire.</summary>
    [Id(15)] public int UnpartitionedRuns { get; init; }
}
