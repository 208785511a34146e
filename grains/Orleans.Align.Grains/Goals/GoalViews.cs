namespace Orleans.Align.Grains.Goals;

/// <summary>How a goal's parts become the view boards and the API show: shared by the live goal and by replay.</summary>
public static class GoalViews
{
    public static MetricDefinition MetricOf(GoalDefinition d) =>
        d.RollUp == RollUp.Children ? new MetricDefinition(d.Metric, "Roll-up", MetricKind.Additive, "percent")
        : d.MetricDefinition ?? new MetricDefinition(d.Metric, d.Metric, MetricKind.Additive, "count");

    /// <summary>One counted event: into the scope's parts and into its department's own parts.</summary>
    public static void Count(GoalParts parts, Dictionary<string, GoalParts> byDepartment, MetricDefinition metric, MetricEvent e)
    {
        parts.Add(metric, e);
        if (e.Department is not { } department) return;
        if (!byDepartment.TryGetValue(department, out var own)) byDepartment[department] = own = new GoalParts();
        own.Add(metric, e);
    }

    /// <param name="children">A roll-up's children, or null to leave a roll-up's value empty (replay recomputes it from replayed children).</param>
    public static GoalView Build(
        GoalDefinition d, MetricDefinition metric, GoalParts parts, IReadOnlyDictionary<string, GoalParts> byDepartment, DateTimeOffset now,
        IEnumerable<ChildProgress>? children, DateTimeOffset updatedAt, long appliedThrough, CheckIn? checkIn, AlignmentSettings settings)
    {
        double? value, percent;
        if (d.RollUp == RollUp.Children)
        {
            value = percent = children is null ? null : GoalMath.RollUp(children.Select(c => (c.Percent, c.Weight)));
        }
        else
        {
            value = parts.Value(metric);
            percent = GoalMath.Percent(d.Kind, d.Baseline, d.Target, value);
        }
        var status = GoalMath.Status(d.Kind, d.RollUp == RollUp.Children ? 100 : d.Target, value, percent, d.Start, d.End, now, settings);
        var contributions = d.RollUp == RollUp.Children ? null
            : byDepartment.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new Contribution(p.Key, p.Value.Value(metric), p.Value.Events)).ToList();
        return new GoalView(
            d.Id, d.Title, d.Metric, value, d.RollUp == RollUp.Children ? 100 : d.Target, d.Owners, d.Scope, d.Start, d.End,
            updatedAt, appliedThrough, parts.Events,
            Percent: percent,
            Kind: d.Kind,
            Baseline: d.Baseline,
            Status: status,
            ExpectedPercent: GoalMath.Expected(d.Start, d.End, now),
            LatestCheckIn: checkIn,
            ConfidenceMismatch: GoalMath.Mismatch(checkIn, status, settings),
            ParentId: d.ParentId,
            Weight: d.Weight,
            RollUp: d.RollUp,
            Unit: metric.Unit,
            LowerIsBetter: metric.LowerIsBetter,
            Parts: metric.Kind == MetricKind.Ratio ? new Dictionary<string, double>(parts.Sums) : null,
            Contributions: contributions,
            Reset: d.Reset);
    }
}
