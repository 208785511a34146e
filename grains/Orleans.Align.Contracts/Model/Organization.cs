namespace Orleans.Align;

[GenerateSerializer, Immutable, Alias("align.organization")]
public sealed record OrganizationInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] DateTimeOffset CreatedAt);

/// <summary>
/// A department. An archived one (<see cref="Archived"/>) leaves the lists but keeps its scorecard,
/// board and history, and events that name it are still counted.
/// </summary>
[GenerateSerializer, Immutable, Alias("align.department")]
public sealed record Department(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] bool Archived = false);

/// <summary>
/// What one department (the one in charge) does in a campaign, the metrics it is expected to move,
/// and optional targets for them. Events name it by <see cref="Id"/>. (Ids 0–2 predate the id and
/// the targets; their numbers stay.)
/// </summary>
[GenerateSerializer, Immutable, Alias("align.activity")]
public sealed record CampaignActivity(
    [property: Id(3)] string Id,
    [property: Id(0)] string Department,
    [property: Id(1)] string Name,
    [property: Id(2)] IReadOnlyList<string> Metrics,
    [property: Id(4)] IReadOnlyList<ActivityTarget>? Targets = null);

/// <summary>
/// A target for one metric an activity moves, over a period (the campaign's launch window when
/// <see cref="Start"/>/<see cref="End"/> are not given). Judged for pace like a goal. Like a goal, it
/// carries a copy of its metric's definition (set by the organization), so a later catalogue change
/// cannot change what it measured.
/// </summary>
[GenerateSerializer, Immutable, Alias("align.activity-target")]
public sealed record ActivityTarget(
    [property: Id(0)] string Metric,
    [property: Id(1)] double Target,
    [property: Id(2)] GoalKind Kind = GoalKind.IncreaseTo,
    [property: Id(3)] double Baseline = 0,
    [property: Id(4)] DateTimeOffset? Start = null,
    [property: Id(5)] DateTimeOffset? End = null,
    [property: Id(6)] MetricDefinition? MetricDefinition = null);

[GenerateSerializer, Immutable, Alias("align.campaign")]
public sealed record Campaign(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] IReadOnlyList<string> Departments,
    [property: Id(3)] IReadOnlyList<CampaignActivity>? Activities = null,
    [property: Id(4)] DateTimeOffset? LaunchStart = null,
    [property: Id(5)] DateTimeOffset? LaunchEnd = null,
    // Archived: out of the lists; its results, war room and history stay, and events naming it still count.
    [property: Id(6)] bool Archived = false);

/// <summary>
/// What the ingest log needs to know to validate events and route them to their views: goals,
/// campaigns, departments and trigger rules. <see cref="Activities"/>: each campaign's activity ids.
/// </summary>
[GenerateSerializer, Immutable, Alias("align.routing")]
public sealed record OrganizationRouting(
    [property: Id(0)] IReadOnlyList<string> Departments,
    [property: Id(1)] IReadOnlyList<string> Campaigns,
    [property: Id(2)] IReadOnlyList<GoalDefinition> Goals,
    [property: Id(3)] IReadOnlyList<string>? BaseMetrics = null,
    [property: Id(4)] long Version = 0,
    [property: Id(5)] IReadOnlyDictionary<string, IReadOnlyList<string>>? Activities = null,
    [property: Id(6)] IReadOnlyList<TriggerRule>? Rules = null)
{
    /// <summary>Version 0: before the organization exists. Every catalogue change that routes raises the version.</summary>
    public static readonly OrganizationRouting Empty = new([], [], [], []);
}
