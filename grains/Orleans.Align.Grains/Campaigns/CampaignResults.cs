using Orleans.Align.Grains.Goals;
using Orleans.Align.Grains.Views;

namespace Orleans.Align.Grains.Campaigns;

/// <summary>
/// A campaign's live results as additive parts: for the campaign, per department, per activity, and
/// per activity target over its period. Pure rules, no grain: <see cref="Count"/> takes one event,
/// <see cref="View"/> derives every value (ratios from summed parts) and each target's pace.
/// </summary>
[GenerateSerializer, Alias("align.campaign-results")]
public sealed class CampaignResults : IViewState
{
    [Id(0)] public long AppliedThrough { get; set; }
    [Id(1)] public MetricTotals Totals { get; set; } = new();
    [Id(2)] public Dictionary<string, MetricTotals> ByDepartment { get; set; } = new(StringComparer.Ordinal);
    [Id(3)] public Dictionary<string, MetricTotals> ByActivity { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Parts of each target, keyed <c>{activity}/{metric}</c>: only events inside the target's period.</summary>
    [Id(4)] public Dictionary<string, MetricTotals> ByTarget { get; set; } = new(StringComparer.Ordinal);
    [Id(5)] public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>The definition these parts were computed for; another one (an activity changed) means a rebuild from the log.</summary>
    [Id(6)] public string? ComputedFor { get; set; }

    /// <summary>One event of this campaign.</summary>
    public void Count(Campaign campaign, MetricEvent e)
    {
        Totals.Add(e);
        if (e.Department is { } department) ByDepartment.Slice(department).Add(e);
        if (e.Activity is not { } activityId || campaign.Activities?.FirstOrDefault(a => a.Id == activityId) is not { } activity) return;
        ByActivity.Slice(activityId).Add(e);
        foreach (var target in activity.Targets ?? [])
        {
            var (start, end) = Period(campaign, target);
            if (Metric(target).Inputs.Contains(e.Metric) && e.Timestamp >= start && e.Timestamp < end)
                ByTarget.Slice(TargetKey(activityId, target.Metric)).Add(e);
        }
    }

    public CampaignView View(Campaign campaign, IReadOnlyList<MetricDefinition> catalogue, AlignmentSettings settings, DateTimeOffset now)
    {
        var activities = (campaign.Activities ?? []).Select(a => new ActivityView(
            a.Id, a.Name, a.Department, a.Metrics,
            ByActivity.GetValueOrDefault(a.Id)?.View(catalogue) ?? new TotalsView(0, []),
            [.. (a.Targets ?? []).Select(t => Judge(campaign, a, t, settings, now))],
            campaign.Id)).ToList();
        return new CampaignView(campaign.Id, campaign.Name, campaign.Departments, campaign.LaunchStart, campaign.LaunchEnd,
            Totals.View(catalogue),
            [.. ByDepartment.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => new DepartmentTotals(d.Key, d.Value.View(catalogue)))],
            activities, AppliedThrough, UpdatedAt);
    }

    /// <summary>A target's value from its own parts and its pace against its period, as for a goal.</summary>
    private TargetView Judge(Campaign campaign, CampaignActivity activity, ActivityTarget target, AlignmentSettings settings, DateTimeOffset now)
    {
        var (start, end) = Period(campaign, target);
        var parts = ByTarget.GetValueOrDefault(TargetKey(activity.Id, target.Metric));
        var metric = Metric(target);
        // As for a goal: no event of an additive metric is zero done, so time alone turns it at risk.
        var value = parts?.Value(metric) ?? (metric.Kind == MetricKind.Additive ? 0 : null);
        var percent = GoalMath.Percent(target.Kind, target.Baseline, target.Target, value);
        var status = GoalMath.Status(target.Kind, target.Target, value, percent, start, end, now, settings);
        return new TargetView(target.Metric, target.Target, target.Kind, target.Baseline, start, end, value, percent,
            GoalMath.Expected(start, end, now), status, parts?.Events ?? 0);
    }

    /// <summary>The target's own period, or the campaign's launch window (the organization refuses a target with neither).</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) Period(Campaign campaign, ActivityTarget target) =>
        (target.Start ?? campaign.LaunchStart ?? DateTimeOffset.MinValue, target.End ?? campaign.LaunchEnd ?? DateTimeOffset.MaxValue);

    private static MetricDefinition Metric(ActivityTarget target) =>
        target.MetricDefinition ?? new MetricDefinition(target.Metric, target.Metric, MetricKind.Additive, "count");

    private static string TargetKey(string activity, string metric) => $"{activity}/{metric}";
}
