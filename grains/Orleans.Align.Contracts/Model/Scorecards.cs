namespace Orleans.Align;

/// <summary>One metric's value over summed parts (a ratio computed from the sums, never averaged). Null: no data.</summary>
[GenerateSerializer, Immutable, Alias("align.metric-value")]
public sealed record MetricValue(
    [property: Id(0)] string Metric,
    [property: Id(1)] double? Value,
    [property: Id(2)] MetricKind Kind,
    [property: Id(3)] string Unit);

/// <summary>Live totals of a slice of the log: every base metric that has data, and every ratio of the catalogue.</summary>
[GenerateSerializer, Immutable, Alias("align.totals-view")]
public sealed record TotalsView(
    [property: Id(0)] long Events,
    [property: Id(1)] IReadOnlyList<MetricValue> Metrics);

/// <summary>An activity's target judged for pace against its period, like a goal.</summary>
[GenerateSerializer, Immutable, Alias("align.target-view")]
public sealed record TargetView(
    [property: Id(0)] string Metric,
    [property: Id(1)] double Target,
    [property: Id(2)] GoalKind Kind,
    [property: Id(3)] double Baseline,
    [property: Id(4)] DateTimeOffset Start,
    [property: Id(5)] DateTimeOffset End,
    [property: Id(6)] double? Value,
    [property: Id(7)] double? Percent,
    [property: Id(8)] double ExpectedPercent,
    [property: Id(9)] GoalStatus Status,
    [property: Id(10)] long Events);

[GenerateSerializer, Immutable, Alias("align.activity-view")]
public sealed record ActivityView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Department,
    [property: Id(3)] IReadOnlyList<string> Metrics,
    [property: Id(4)] TotalsView Totals,
    [property: Id(5)] IReadOnlyList<TargetView> Targets,
    [property: Id(6)] string Campaign);

[GenerateSerializer, Immutable, Alias("align.department-totals")]
public sealed record DepartmentTotals(
    [property: Id(0)] string Department,
    [property: Id(1)] TotalsView Totals);

/// <summary>A campaign's live results: totals for the campaign, per department and per activity, with each target's pace.</summary>
[GenerateSerializer, Immutable, Alias("align.campaign-view")]
public sealed record CampaignView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] IReadOnlyList<string> Departments,
    [property: Id(3)] DateTimeOffset? LaunchStart,
    [property: Id(4)] DateTimeOffset? LaunchEnd,
    [property: Id(5)] TotalsView Totals,
    [property: Id(6)] IReadOnlyList<DepartmentTotals> ByDepartment,
    [property: Id(7)] IReadOnlyList<ActivityView> Activities,
    [property: Id(8)] long AppliedThrough,
    [property: Id(9)] DateTimeOffset UpdatedAt,
    [property: Id(10)] bool Archived = false);

/// <summary>A goal on a department's scorecard: its status, and when this department last checked in on it.</summary>
[GenerateSerializer, Immutable, Alias("align.goal-card")]
public sealed record GoalCard(
    [property: Id(0)] string GoalId,
    [property: Id(1)] string Title,
    [property: Id(2)] string Metric,
    [property: Id(3)] GoalStatus Status,
    [property: Id(4)] double? Percent,
    [property: Id(5)] double? Progress,
    [property: Id(6)] double Target,
    [property: Id(7)] DateTimeOffset? LastCheckIn,
    [property: Id(8)] int? Confidence,
    // With a check-in cadence: when this department's next check-in on the goal is due, and whether it is overdue.
    [property: Id(9)] DateTimeOffset? CheckInDue = null,
    [property: Id(10)] bool CheckInOverdue = false);

/// <summary>How often a department checks in on the goals it owns, and since when (a goal never checked in on is due one period after).</summary>
[GenerateSerializer, Immutable, Alias("align.check-in-cadence")]
public sealed record CheckInCadence(
    [property: Id(0)] double EveryDays,
    [property: Id(1)] DateTimeOffset Since)
{
    public TimeSpan Every() => TimeSpan.FromDays(EveryDays);
}

[GenerateSerializer, Immutable, Alias("align.campaign-totals")]
public sealed record CampaignTotals(
    [property: Id(0)] string Campaign,
    [property: Id(1)] TotalsView Totals);

/// <summary>
/// A department's scorecard: live totals of its events across campaigns and outside any, the goals
/// it owns with their status and its last check-in, and the activities it is in charge of.
/// </summary>
[GenerateSerializer, Immutable, Alias("align.department-scorecard")]
public sealed record DepartmentScorecard(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] TotalsView Totals,
    [property: Id(3)] IReadOnlyList<CampaignTotals> ByCampaign,
    [property: Id(4)] TotalsView OutsideCampaigns,
    [property: Id(5)] IReadOnlyList<GoalCard> Goals,
    [property: Id(6)] IReadOnlyList<ActivityView> Activities,
    [property: Id(7)] long AppliedThrough,
    [property: Id(8)] DateTimeOffset UpdatedAt,
    [property: Id(9)] CheckInCadence? CheckInCadence = null,
    [property: Id(10)] bool Archived = false);
