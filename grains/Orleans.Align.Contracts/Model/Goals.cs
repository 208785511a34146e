namespace Orleans.Align;

/// <summary>Which events count toward a goal: all of them, or one campaign's, or one department's (or both).</summary>
[GenerateSerializer, Immutable, Alias("align.goal-scope")]
public sealed record GoalScope(
    [property: Id(0)] string? Campaign = null,
    [property: Id(1)] string? Department = null)
{
    public static readonly GoalScope All = new();
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
    [property: Id(7)] DateTimeOffset End)
{
    /// <summary>The single rule for whether an event moves this goal; the log routes by it and the goal applies by it.</summary>
    public bool Counts(MetricEvent e) =>
        e.Metric == Metric
        && (Scope.Campaign is null || e.Campaign == Scope.Campaign)
        && (Scope.Department is null || e.Department == Scope.Department)
        && e.Timestamp >= Start && e.Timestamp < End;
}

/// <summary>A goal as boards and the API show it.</summary>
[GenerateSerializer, Immutable, Alias("align.goal-view")]
public sealed record GoalView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Title,
    [property: Id(2)] string Metric,
    [property: Id(3)] double Progress,
    [property: Id(4)] double Target,
    [property: Id(5)] IReadOnlyList<string> Owners,
    [property: Id(6)] GoalScope Scope,
    [property: Id(7)] DateTimeOffset Start,
    [property: Id(8)] DateTimeOffset End,
    [property: Id(9)] DateTimeOffset UpdatedAt,
    [property: Id(10)] long AppliedThrough,
    [property: Id(11)] long EventCount)
{
    public double Percent => Target == 0 ? 0 : Math.Round(Progress / Target * 100, 2);
}
