using System.Text.Json.Serialization;

namespace Orleans.Align;

/// <summary>When a trigger rule holds, over the metric's value in its window (see <see cref="TriggerRule"/>).</summary>
[GenerateSerializer, Alias("align.rule-condition")]
public enum RuleCondition
{
    /// <summary>The window's value is at least <c>threshold</c> % above the previous window's (which must be above zero).</summary>
    RisesBy = 0,
    /// <summary>The window's value is at least <c>threshold</c> % below the previous window's (which must be above zero).</summary>
    FallsBy = 1,
    /// <summary>The window's value is at or above <c>threshold</c>.</summary>
    Above = 2,
    /// <summary>The window's value is at or below <c>threshold</c>, once the metric has data (an additive metric: in either window).</summary>
    Below = 3,
}

/// <summary>
/// An organization's cross-department trigger: a metric over a scope (campaigns and/or departments,
/// empty = all), a condition over a window of time against the window before it, and the departments
/// whose feed it posts to. The metric can be of any kind: an additive metric's value in a window is
/// its total there, a ratio's is computed from its parts summed over the window (never an average of
/// ratios), a gauge's is its latest reading at the window's end.
/// <para>
/// A rule can be changed (<see cref="Revision"/> counts the changes) and deleted. Each revision is
/// its own view of the log under its own grain (<see cref="ViewId"/>): a changed metric or scope
/// counts from the start of the log again, and nothing counted under the old definition leaks in.
/// </para>
/// <para>
/// <see cref="Goal"/> marks a goal's trend rule: every goal with its own metric has one, derived from
/// the goal and the organization's trend settings (<see cref="GoalTrendRule"/>), judged by the goal
/// itself over its history with the same comparison; it is listed with the rules but changed
/// through the goal and the settings, not through the rules API.
/// </para>
/// </summary>
[GenerateSerializer, Immutable, Alias("align.trigger-rule")]
public sealed record TriggerRule(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Metric,
    [property: Id(3)] GoalScope Scope,
    [property: Id(4)] RuleCondition Condition,
    [property: Id(5)] double Threshold,
    [property: Id(6)] double WindowMinutes,
    [property: Id(7)] IReadOnlyList<string> Notify,
    [property: Id(8)] string? Message = null,
    [property: Id(9)] int Revision = 0,
    // The metric as the organization defined it when the rule was made: its kind and, for a ratio, its
    // formula. The server's, not part of the API (GET /api/v1/metrics has the definitions).
    [property: Id(10), JsonIgnore] MetricDefinition? MetricDefinition = null,
    [property: Id(11)] string? Goal = null)
{
    /// <summary>The metric's kind; a rule made before kinds were kept watched an additive metric.</summary>
    public MetricKind Kind => MetricDefinition?.Kind ?? MetricKind.Additive;

    /// <summary>Which events the rule counts: the log routes by it, and the rule applies by it.</summary>
    public bool Counts(MetricEvent e) =>
        (MetricDefinition is { Formula: { } formula } ? formula.BaseMetrics.Contains(e.Metric) : e.Metric == Metric) && Scope.Covers(e);

    public TimeSpan Window() => TimeSpan.FromMinutes(WindowMinutes);

    /// <summary>The id of this revision's view (grain and delivery cursor): the rule's id, then <c>.{revision}</c> after the first change ('.' is not allowed in ids).</summary>
    [JsonIgnore]
    public string ViewId => Revision == 0 ? Id : $"{Id}.{Revision}";

    /// <summary>The same rule as the caller wrote it: revision and the metric's stored definition are the server's.</summary>
    public bool SameAs(TriggerRule other) =>
        Normal(this) == Normal(other) && Scope.Equivalent(other.Scope) && Notify.Order().SequenceEqual(other.Notify.Order());

    private static TriggerRule Normal(TriggerRule r) => r with { Scope = GoalScope.All, Notify = [], Revision = 0, MetricDefinition = null };
}

/// <summary>A goal's falling-trend alert as a trigger rule: the goal's metric and scope, a fall (a rise where lower is better) by the organization's trend drop over its trend window, posted to the goal's owners.</summary>
public static class GoalTrendRule
{
    /// <summary>The rule of a goal; its id is the goal's id with <c>-trend</c> (the feed keys its alerts by the goal, as before).</summary>
    public static TriggerRule For(GoalDefinition goal, MetricDefinition metric, AlignmentSettings settings) =>
        new($"{goal.Id}-trend", $"\"{goal.Title}\" trend", metric.Key, goal.Scope,
            metric.LowerIsBetter ? RuleCondition.RisesBy : RuleCondition.FallsBy, settings.TrendDrop * 100, settings.TrendWindow().TotalMinutes,
            goal.Owners, MetricDefinition: metric, Goal: goal.Id);
}

/// <summary>A rule as it stands: its totals in the current and the previous window, whether its condition holds, and its open episode.</summary>
[GenerateSerializer, Immutable, Alias("align.rule-view")]
public sealed record RuleView(
    [property: Id(0)] TriggerRule Rule,
    // The metric's value in the window ending now and in the one before it; null where it has no value
    // (a ratio whose denominator summed to zero, a gauge with no reading yet).
    [property: Id(1)] double? Current,
    [property: Id(2)] double? Previous,
    [property: Id(3)] double? ChangePercent,
    [property: Id(4)] bool Holds,
    [property: Id(5)] bool Open,
    [property: Id(6)] DateTimeOffset? Since,
    [property: Id(7)] long AppliedThrough);
