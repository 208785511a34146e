using Orleans.Align.Driver.Api;

namespace Orleans.Align.Driver.Load;

/// <summary>
/// What a load run creates in each fresh organization and what its events look like. One department,
/// one campaign, and a goal per counted metric scoped to the campaign, so every acknowledged batch
/// fans out to five goal grains. Some events count toward no goal (a metric without a goal, or no
/// campaign), as real traffic does; the driver knows which, so it can check the goals' counts exactly.
/// </summary>
public static class LoadScenario
{
    public const string DepartmentId = "growth";
    public const string CampaignId = "load-campaign";
    public const string Source = "load-driver";

    /// <summary>Metrics with a goal; an event's goal is <c>load-{metric}</c>.</summary>
    public static readonly IReadOnlyList<string> GoalMetrics = ["leads", "visits", "orders", "revenue", "engagements"];

    /// <summary>Sent but counted by no goal.</summary>
    public const string UncountedMetric = "media_mentions";

    /// <summary>One event in this many carries no campaign, so no campaign-scoped goal counts it.</summary>
    public const int OrganicOneIn = 10;

    public static readonly Department Department = new(DepartmentId, "Growth");

    public static readonly Campaign Campaign = new(CampaignId, "Load test campaign", [DepartmentId]);

    public static string GoalId(string metric) => "load-" + metric;

    /// <summary>Goals from a day ago for thirty days, so events stamped now count; targets no run reaches.</summary>
    public static IReadOnlyList<GoalDefinition> Goals(DateTimeOffset now) =>
    [
        .. GoalMetrics.Select(metric => new GoalDefinition(
            GoalId(metric), $"Load {metric}", metric, 1_000_000_000, [DepartmentId],
            new GoalScope(Campaign: CampaignId), now.AddDays(-1), now.AddDays(30))),
    ];

    /// <summary>
    /// The <paramref name="n"/>-th event of an organization: its metric (an index into
    /// <see cref="GoalMetrics"/>, or <see cref="GoalMetrics"/>.Count for the uncounted one) and whether it
    /// names the campaign. The goal that counts it, if any, follows from both.
    /// </summary>
    public static (int MetricIndex, bool InCampaign) Shape(long n) =>
        ((int)(n % (GoalMetrics.Count + 1)), n % OrganicOneIn != OrganicOneIn - 1);

    /// <summary>Revenue in currency, everything else one at a time.</summary>
    public static double ValueOf(int metricIndex) => MetricAt(metricIndex) == "revenue" ? 49.5 : 1;

    public static string MetricAt(int metricIndex) => metricIndex < GoalMetrics.Count ? GoalMetrics[metricIndex] : UncountedMetric;
}
