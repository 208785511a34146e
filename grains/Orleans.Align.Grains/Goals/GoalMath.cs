namespace Orleans.Align.Grains.Goals;

/// <summary>
/// The calculations behind a goal, free of grains and storage so that each rule can be tested on
/// its own: a metric's value from its parts, progress for each goal kind, pace status, mismatches,
/// trends and reset windows.
/// </summary>
public static class GoalMath
{
    /// <summary>
    /// The metric's value over summed parts: a sum, the latest gauge reading, or a ratio computed from
    /// the sums (never an average of ratios). Null is "no data".
    /// </summary>
    public static double? Value(MetricDefinition metric, IReadOnlyDictionary<string, double> sums, double? gauge) => metric.Kind switch
    {
        MetricKind.Additive => sums.GetValueOrDefault(metric.Key),
        MetricKind.Gauge => gauge,
        MetricKind.Ratio => metric.Formula!.Evaluate(m => sums.GetValueOrDefault(m)),
        _ => null,
    };

    /// <summary>Progress toward the target in percent (uncapped); null when there is no value or no distance to cover.</summary>
    public static double? Percent(GoalKind kind, double baseline, double target, double? value)
    {
        if (value is not { } v) return null;
        double? percent = kind switch
        {
            GoalKind.IncreaseTo => target == baseline ? null : (v - baseline) / (target - baseline) * 100,
            GoalKind.DecreaseTo => target == baseline ? null : (baseline - v) / (baseline - target) * 100,
            GoalKind.StayAbove => v >= target ? 100 : Shortfall(v, target),
            GoalKind.StayBelow => v <= target ? 100 : Shortfall(v, target),
            _ => null,
        };
        return percent is { } p ? Math.Round(p, 2) : null;
    }

    /// <summary>
    /// How close a stay-above/below goal that does not hold is to holding: 100% minus the relative
    /// distance to the target. Works for negative targets too (e.g. ROI staying above −20%).
    /// </summary>
    private static double Shortfall(double value, double target) =>
        target == 0 ? 0 : Math.Clamp(100 * (1 - Math.Abs(value - target) / Math.Abs(target)), 0, 100);

    /// <summary>
    /// A roll-up's progress: the weighted average of its children's progress, each clamped to 0–100%
    /// so one overshooting child cannot carry the others. Null without children (or weights).
    /// </summary>
    public static double? RollUp(IEnumerable<(double? Percent, double Weight)> children)
    {
        double weights = 0, sum = 0;
        foreach (var (percent, weight) in children)
        {
            weights += weight;
            sum += weight * Math.Clamp(percent ?? 0, 0, 100);
        }
        return weights <= 0 ? null : Math.Round(sum / weights, 2);
    }

    /// <summary>Linear expected progress at <paramref name="now"/>, in percent of the period.</summary>
    public static double Expected(DateTimeOffset start, DateTimeOffset end, DateTimeOffset now)
    {
        if (now <= start) return 0;
        if (now >= end) return 100;
        return Math.Round((now - start) / (end - start) * 100, 2);
    }

    /// <summary>
    /// Pace status. Increase/decrease goals compare actual progress with linear expected progress:
    /// on track at ≥ OnTrackRatio of it, at risk at ≥ AtRiskRatio, else off track; achieved once the
    /// target is reached, missed when the period ends short of it. Stay-above/below goals are on track
    /// while the condition holds, at risk within StayTolerance on the wrong side, off track beyond.
    /// </summary>
    public static GoalStatus Status(GoalKind kind, double target, double? value, double? percent, DateTimeOffset start, DateTimeOffset end, DateTimeOffset now, AlignmentSettings settings)
    {
        if (now < start) return GoalStatus.NotStarted;
        if (value is not { } v || percent is not { } p) return GoalStatus.NoData;
        var ended = now >= end;

        if (kind is GoalKind.StayAbove or GoalKind.StayBelow)
        {
            var holds = kind == GoalKind.StayAbove ? v >= target : v <= target;
            if (holds) return ended ? GoalStatus.Achieved : GoalStatus.OnTrack;
            if (ended) return GoalStatus.Missed;
            var distance = target == 0 ? double.PositiveInfinity : Math.Abs(v - target) / Math.Abs(target);
            return distance <= settings.StayTolerance ? GoalStatus.AtRisk : GoalStatus.OffTrack;
        }

        if (p >= 100) return GoalStatus.Achieved;
        if (ended) return GoalStatus.Missed;
        var expected = Expected(start, end, now);
        if (expected <= 0) return GoalStatus.OnTrack;
        var pace = p / expected;
        return pace >= settings.OnTrackRatio ? GoalStatus.OnTrack
            : pace >= settings.AtRiskRatio ? GoalStatus.AtRisk
            : GoalStatus.OffTrack;
    }

    /// <summary>Human confidence and computed status disagree: confident but failing, or worried but fine.</summary>
    public static bool Mismatch(CheckIn? checkIn, GoalStatus status, AlignmentSettings settings) => checkIn is { } c && (
        (c.Confidence >= settings.HighConfidence && status is GoalStatus.OffTrack or GoalStatus.Missed)
        || (c.Confidence <= settings.LowConfidence && status is GoalStatus.OnTrack or GoalStatus.Achieved));

    /// <summary>The start of the reset window that contains <paramref name="at"/> (the goal's start when it never resets).</summary>
    public static DateTimeOffset WindowStart(ResetCadence cadence, DateTimeOffset goalStart, DateTimeOffset at)
    {
        var u = at.ToUniversalTime();
        var start = cadence switch
        {
            ResetCadence.Weekly => new DateTimeOffset(u.Date.AddDays(-(((int)u.DayOfWeek + 6) % 7)), TimeSpan.Zero),
            ResetCadence.Monthly => new DateTimeOffset(u.Year, u.Month, 1, 0, 0, 0, TimeSpan.Zero),
            ResetCadence.Quarterly => new DateTimeOffset(u.Year, (u.Month - 1) / 3 * 3 + 1, 1, 0, 0, 0, TimeSpan.Zero),
            _ => goalStart,
        };
        return start < goalStart ? goalStart : start;
    }

    /// <summary>
    /// A goal's trend rule (<see cref="GoalTrendRule"/>) over the goal's history: the values of its two
    /// windows (for an additive metric the growth in each window; for ratios and gauges the goal's
    /// value at each window's end) and whether the rule's condition holds, by the same comparison as
    /// every trigger rule (<see cref="Rules.WindowChange"/>). Needs history covering both windows;
    /// otherwise there is no trend to speak of (no values).
    /// </summary>
    public static (double? Current, double? Previous, bool Holds) Trend(TriggerRule rule, IReadOnlyList<HistoryPoint> minutes, DateTimeOffset now)
    {
        var window = rule.Window();
        double? At(DateTimeOffset t) => minutes.LastOrDefault(p => p.At <= t)?.Value;
        if (minutes.Count == 0 || minutes[0].At > now - 2 * window) return (null, null, false);
        if (At(now) is not { } end || At(now - window) is not { } middle || At(now - 2 * window) is not { } begin) return (null, null, false);

        var (current, previous) = rule.Kind == MetricKind.Additive ? (end - middle, middle - begin) : (end, middle);
        return (current, previous, Rules.WindowChange.Holds(rule.Condition, rule.Threshold, current, previous));
    }
}
