namespace Orleans.Align;

[GenerateSerializer, Alias("align.goal-kind")]
public enum GoalKind
{
    IncreaseTo = 0,
    DecreaseTo = 1,
    StayAbove = 2,
    StayBelow = 3,
}

[GenerateSerializer, Alias("align.goal-status")]
public enum GoalStatus
{
    NotStarted = 0,
    OnTrack = 1,
    AtRisk = 2,
    OffTrack = 3,
    Achieved = 4,
    Missed = 5,
    NoData = 6,
}

[GenerateSerializer, Alias("align.roll-up")]
public enum RollUp
{
    /// <summary>Progress comes from the goal's own metric over its scope.</summary>
    OwnMetric = 0,

    /// <summary>Progress is the weighted average of the children's progress.</summary>
    Children = 1,
}

[GenerateSerializer, Alias("align.reset-cadence")]
public enum ResetCadence
{
    None = 0,
    Weekly = 1,
    Monthly = 2,
    Quarterly = 3,
}

/// <summary>Which events count toward a goal: those of the listed campaigns and departments; an empty list means all.</summary>
[GenerateSerializer, Immutable, Alias("align.goal-scope")]
public sealed record GoalScope(
    [property: Id(0)] IReadOnlyList<string> Campaigns,
    [property: Id(1)] IReadOnlyList<string> Departments)
{
    public static readonly GoalScope All = new([], []);

    public static GoalScope Of(string? campaign = null, string? department = null) =>
        new(campaign is null ? [] : [campaign], department is null ? [] : [department]);

    public bool Covers(MetricEvent e) =>
        (Campaigns.Count == 0 || (e.Campaign is { } c && Campaigns.Contains(c)))
        && (Departments.Count == 0 || (e.Department is { } d && Departments.Contains(d)));

    public bool Equivalent(GoalScope other) =>
        Campaigns.Order().SequenceEqual(other.Campaigns.Order()) && Departments.Order().SequenceEqual(other.Departments.Order());
}

[GenerateSerializer, Immutable, Alias("align.goal-definition")]
public sealed record GoalDefinition(
    [property: Id(0)] string Id,
    [property: Id(1)] string Title,
    [property: Id(2)] string Metric,
    [property: Id(3)] double Target,
    [property: Id(4)] IReadOnlyList<string> Owners,
    [property: Id(5)] GoalScope Scope,
    [property: Id(6)] DateTimeOffset Start,
    [property: Id(7)] DateTimeOffset End,
    [property: Id(8)] GoalKind Kind = GoalKind.IncreaseTo,
    [property: Id(9)] double Baseline = 0,
    [property: Id(10)] string? ParentId = null,
    [property: Id(11)] double Weight = 1,
    [property: Id(12)] RollUp RollUp = RollUp.OwnMetric,
    [property: Id(13)] ResetCadence Reset = ResetCadence.None,
    [property: Id(14)] MetricDefinition? MetricDefinition = null,
    [property: Id(15)] int Revision = 0,
    [property: Id(16)] int CountingRevision = 0,
    [property: Id(17)] AuditActor? ChangedBy = null,
    [property: Id(18)] DateTimeOffset? ChangedAt = null,
    [property: Id(19)] bool Archived = false)
{
    /// <summary>The base metrics whose events move this goal (none when it rolls up from children).</summary>
    public IReadOnlyList<string> Inputs => RollUp == RollUp.Children ? [] : MetricDefinition?.Inputs ?? [Metric];

    /// <summary>The single rule for whether an event moves this goal; the log routes by it and the goal applies by it.</summary>
    public bool Counts(MetricEvent e) =>
        RollUp == RollUp.OwnMetric
        && Inputs.Contains(e.Metric)
        && Scope.Covers(e)
        && e.Timestamp >= Start && e.Timestamp < End;

    /// <summary>The same definition, whatever its revision and who changed it last.</summary>
    public bool SameAs(GoalDefinition other) =>
        Bare(this) == Bare(other)
        && Owners.Order().SequenceEqual(other.Owners.Order())
        && Scope.Equivalent(other.Scope);

    private static GoalDefinition Bare(GoalDefinition d) =>
        d with { Owners = [], Scope = GoalScope.All, Revision = 0, CountingRevision = 0, ChangedBy = null, ChangedAt = null };

    /// <summary>
    /// Whether <paramref name="other"/> counts exactly the events this one counts, into the same
    /// windows: same metric (and inputs), scope, period, reset and roll-up. When it does not, a change
    /// is a new counting revision: the goal is recomputed from the log and routed by a new cursor.
    /// A changed title, target, kind, baseline, owners, parent or weight only re-judges.
    /// </summary>
    public bool CountsLike(GoalDefinition other) =>
        Metric == other.Metric
        && Inputs.SequenceEqual(other.Inputs)
        && Scope.Equivalent(other.Scope)
        && Start == other.Start && End == other.End
        && Reset == other.Reset && RollUp == other.RollUp;

    /// <summary>The fields a person changes, for the definition history (the rest is bookkeeping).</summary>
    public IEnumerable<string> ChangedFields(GoalDefinition other)
    {
        if (Title != other.Title) yield return "title";
        if (Metric != other.Metric) yield return "metric";
        if (Target != other.Target) yield return "target";
        if (!Owners.Order().SequenceEqual(other.Owners.Order())) yield return "owners";
        if (!Scope.Equivalent(other.Scope)) yield return "scope";
        if (Start != other.Start) yield return "start";
        if (End != other.End) yield return "end";
        if (Kind != other.Kind) yield return "kind";
        if (Baseline != other.Baseline) yield return "baseline";
        if (ParentId != other.ParentId) yield return "parent";
        if (Weight != other.Weight) yield return "weight";
        if (RollUp != other.RollUp) yield return "rollUp";
        if (Reset != other.Reset) yield return "reset";
        if (Archived != other.Archived) yield return "archived";
    }
}

/// <summary>
/// One change of a goal's definition: who made it and when, the definition before and after, the
/// fields that moved, and whether the goal was recomputed from the log (its counting rule changed) or
/// only re-judged.
/// </summary>
[GenerateSerializer, Immutable, Alias("align.goal-change")]
public sealed record GoalChange(
    [property: Id(0)] int Revision,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] AuditActor By,
    [property: Id(3)] IReadOnlyList<string> Fields,
    [property: Id(4)] bool Recomputed,
    [property: Id(5)] GoalDefinition Before,
    [property: Id(6)] GoalDefinition After);

/// <summary>A department's confidence in a goal, with a note: the human signal next to the computed one.</summary>
[GenerateSerializer, Immutable, Alias("align.check-in")]
public sealed record CheckIn(
    [property: Id(0)] string Department,
    [property: Id(1)] int Confidence,
    [property: Id(2)] string Note,
    [property: Id(3)] DateTimeOffset At);

/// <summary>How much of a goal's value one department's events produced (computed from that department's own parts).</summary>
[GenerateSerializer, Immutable, Alias("align.contribution")]
public sealed record Contribution(
    [property: Id(0)] string Department,
    [property: Id(1)] double? Value,
    [property: Id(2)] long Events);

/// <summary>A goal as boards and the API show it.</summary>
[GenerateSerializer, Immutable, Alias("align.goal-view")]
public sealed record GoalView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Title,
    [property: Id(2)] string Metric,
    [property: Id(3)] double? Progress,
    [property: Id(4)] double Target,
    [property: Id(5)] IReadOnlyList<string> Owners,
    [property: Id(6)] GoalScope Scope,
    [property: Id(7)] DateTimeOffset Start,
    [property: Id(8)] DateTimeOffset End,
    [property: Id(9)] DateTimeOffset UpdatedAt,
    [property: Id(10)] long AppliedThrough,
    [property: Id(11)] long EventCount,
    [property: Id(12)] double? Percent = null,
    [property: Id(13)] GoalKind Kind = GoalKind.IncreaseTo,
    [property: Id(14)] double Baseline = 0,
    [property: Id(15)] GoalStatus Status = GoalStatus.NoData,
    [property: Id(16)] double? ExpectedPercent = null,
    [property: Id(17)] CheckIn? LatestCheckIn = null,
    [property: Id(18)] bool ConfidenceMismatch = false,
    [property: Id(19)] string? ParentId = null,
    [property: Id(20)] double Weight = 1,
    [property: Id(21)] RollUp RollUp = RollUp.OwnMetric,
    [property: Id(22)] string Unit = "count",
    [property: Id(23)] bool LowerIsBetter = false,
    [property: Id(24)] IReadOnlyDictionary<string, double>? Parts = null,
    [property: Id(25)] IReadOnlyList<Contribution>? Contributions = null,
    [property: Id(26)] ResetCadence Reset = ResetCadence.None,
    [property: Id(27)] bool Archived = false);

/// <summary>
/// What provenance and replay need from a live goal, read without waiting for (or holding) its turn:
/// its definition, how far it has applied the log, its current reset window and its recent check-ins.
/// </summary>
[GenerateSerializer, Immutable, Alias("align.goal-read-basis")]
public sealed record GoalReadBasis(
    [property: Id(0)] GoalDefinition Definition,
    [property: Id(1)] long AppliedThrough,
    [property: Id(2)] DateTimeOffset WindowStart,
    [property: Id(3)] DateTimeOffset UpdatedAt,
    [property: Id(4)] IReadOnlyList<CheckIn> CheckIns);
