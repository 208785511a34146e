namespace Orleans.Align;

/// <summary>When a trigger rule holds, over the metric's total in its window.</summary>
[GenerateSerializer, Alias("align.rule-condition")]
public enum RuleCondition
{
    /// <summary>The window's total is at least <c>threshold</c> % above the previous window's (which must have data).</summary>
    RisesBy = 0,
    /// <summary>The window's total is at least <c>threshold</c> % below the previous window's (which must have data).</summary>
    FallsBy = 1,
    /// <summary>The window's total is at or above <c>threshold</c>.</summary>
    Above = 2,
    /// <summary>The window's total is at or below <c>threshold</c>, once the metric has data in either window.</summary>
    Below = 3,
}

/// <summary>
/// An organization's cross-department trigger: a base metric over a scope (campaigns and/or
/// departments, empty = all), a condition over a window of time against the window before it, and the
/// departments whose feed it posts to. Like a goal, a rule is defined once and then only read: the
/// same id with a different definition is a conflict.
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
    [property: Id(8)] string? Message = null)
{
    /// <summary>Which events the rule counts: the log routes by it, and the rule applies by it.</summary>
    public bool Counts(MetricEvent e) => e.Metric == Metric && Scope.Covers(e);

    public TimeSpan Window() => TimeSpan.FromMinutes(WindowMinutes);

    public bool SameAs(TriggerRule other) =>
        this with { Scope = GoalScope.All, Notify = [] } == other with { Scope = GoalScope.All, Notify = [] }
        && Scope.Equivalent(other.Scope) && Notify.Order().SequenceEqual(other.Notify.Order());
}

/// <summary>A rule as it stands: its totals in the current and the previous window, whether its condition holds, and its open episode.</summary>
[GenerateSerializer, Immutable, Alias("align.rule-view")]
public sealed record RuleView(
    [property: Id(0)] TriggerRule Rule,
    [property: Id(1)] double Current,
    [property: Id(2)] double Previous,
    [property: Id(3)] double? ChangePercent,
    [property: Id(4)] bool Holds,
    [property: Id(5)] bool Open,
    [property: Id(6)] DateTimeOffset? Since,
    [property: Id(7)] long AppliedThrough);
