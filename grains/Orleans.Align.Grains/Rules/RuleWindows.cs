using Orleans.Align.Grains.Goals;
using Orleans.Align.Grains.Views;

namespace Orleans.Align.Grains.Rules;

/// <summary>
/// A trigger rule's parts: its metric per minute of event time (the last two windows, and for a gauge
/// the reading before them), where it is in the log, its episode and what it has not told the feed
/// yet. Pure rules, no grain. An additive metric keeps its sum per minute, a ratio the sum of each of
/// its base metrics per minute (the window's ratio is computed from the window's sums), a gauge its
/// latest reading per minute.
/// </summary>
[GenerateSerializer, Alias("align.rule-windows")]
public sealed class RuleWindows : IViewState
{
    [Id(0)] public long AppliedThrough { get; set; }
    [Id(1)] public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Additive metrics: the sum of the rule's events per minute of their time (Unix minutes).</summary>
    [Id(2)] public SortedDictionary<long, double> Minutes { get; set; } = [];
    [Id(3)] public AlertEpisode Episode { get; set; } = AlertEpisode.None;
    /// <summary>Changes the feed has not confirmed yet, oldest first (see <see cref="FeedOutbox"/>).</summary>
    [Id(4)] public List<FeedChange> Outbox { get; set; } = [];
    /// <summary>Ratios: each base metric's sum per minute.</summary>
    [Id(5)] public SortedDictionary<long, Dictionary<string, double>> Parts { get; set; } = [];
    /// <summary>Gauges: the latest reading (by event time) per minute.</summary>
    [Id(6)] public SortedDictionary<long, GaugeReading> Readings { get; set; } = [];

    public void Count(TriggerRule rule, MetricEvent e)
    {
        var minute = e.Timestamp.ToUnixTimeSeconds() / 60;
        switch (rule.Kind)
        {
            case MetricKind.Ratio:
                if (!Parts.TryGetValue(minute, out var parts)) Parts[minute] = parts = new Dictionary<string, double>(StringComparer.Ordinal);
                parts[e.Metric] = parts.GetValueOrDefault(e.Metric) + e.Amount;
                break;
            case MetricKind.Gauge:
                if (!Readings.TryGetValue(minute, out var latest) || e.Timestamp >= latest.At) Readings[minute] = new GaugeReading(e.Value, e.Timestamp);
                break;
            default:
                Minutes[minute] = Minutes.GetValueOrDefault(minute) + e.Amount; // a correction adds its difference
                break;
        }
    }

    /// <summary>
    /// The metric's value in the window ending now, (now − window, now], and in the one before it, to
    /// the minute; null where it has none. An additive metric's windows are both 0 rather than null
    /// once either had an event (a total that fell to nothing is a value).
    /// </summary>
    public (double? Current, double? Previous) Values(TriggerRule rule, DateTimeOffset now)
    {
        var window = rule.Window();
        bool InCurrent(long minute) => At(minute) > now - window && At(minute) <= now;
        bool InPrevious(long minute) => At(minute) > now - 2 * window && At(minute) <= now - window;
        switch (rule.Kind)
        {
            case MetricKind.Ratio:
                var formula = rule.MetricDefinition!.Formula!;
                double? RatioOf(Func<long, bool> inWindow) =>
                    formula.Evaluate(metric => Parts.Where(p => inWindow(p.Key)).Sum(p => p.Value.GetValueOrDefault(metric)));
                return (RatioOf(InCurrent), RatioOf(InPrevious));
            case MetricKind.Gauge:
                double? LatestAt(DateTimeOffset end) => Readings.LastOrDefault(r => At(r.Key) <= end).Value?.Value;
                return (LatestAt(now), LatestAt(now - window));
            default:
                double current = 0, previous = 0;
                var seen = false;
                foreach (var (minute, sum) in Minutes)
                {
                    if (InCurrent(minute)) (current, seen) = (current + sum, true);
                    else if (InPrevious(minute)) (previous, seen) = (previous + sum, true);
                }
                return seen ? (current, previous) : (null, null);
        }
    }

    private static DateTimeOffset At(long minute) => DateTimeOffset.FromUnixTimeSeconds(minute * 60);

    /// <summary>
    /// Judges the rule at <paramref name="now"/> and queues what newly holds (for the hold time) or
    /// newly cleared. Minutes older than both windows are forgotten (a gauge keeps the last reading
    /// before them: it is still the value at the older window's end). Returns whether anything changed.
    /// </summary>
    public bool Judge(TriggerRule rule, DateTimeOffset now, TimeSpan hold)
    {
        var before = (Episode, Outbox.Count, Minutes.Count + Parts.Count + Readings.Count);
        Forget((now - 2 * rule.Window()).ToUnixTimeSeconds() / 60);

        var (current, previous) = Values(rule, now);
        var holds = WindowChange.Holds(rule.Condition, rule.Threshold, current, previous);
        // Keyed by the revision: a changed rule's episodes are its own, even one that begins the moment the old one's is resolved.
        Episode = FeedOutbox.Judge(Outbox, Episode, holds, now, hold, rule.ViewId, AlertReasons.Trigger, since =>
            new FeedEntry(0, FeedKind.Alert, now, Text(rule, current, previous), To: rule.Notify,
                Campaigns: rule.Scope.Campaigns.Count > 0 ? rule.Scope.Campaigns : null, Reason: AlertReasons.Trigger,
                Key: AlertRules.Key(rule.ViewId, AlertReasons.Trigger, since), State: AlertState.Open, Since: since));
        return before != (Episode, Outbox.Count, Minutes.Count + Parts.Count + Readings.Count);
    }

    private void Forget(long oldest)
    {
        foreach (var gone in Minutes.Keys.TakeWhile(m => m < oldest).ToList()) Minutes.Remove(gone);
        foreach (var gone in Parts.Keys.TakeWhile(m => m < oldest).ToList()) Parts.Remove(gone);
        var older = Readings.Keys.TakeWhile(m => m < oldest).ToList();
        foreach (var gone in older.SkipLast(1)) Readings.Remove(gone);
    }

    /// <summary>
    /// The rule is retired (changed or deleted): an open episode is resolved now, under its key, so
    /// the feed does not keep an alert that nothing will ever clear. Returns whether one was open.
    /// </summary>
    public bool Retire(TriggerRule rule, DateTimeOffset now)
    {
        if (!Episode.Open)
        {
            Episode = AlertEpisode.None;
            return false;
        }
        Outbox.Add(new FeedChange(ResolveKey: AlertRules.Key(rule.ViewId, AlertReasons.Trigger, Episode.Since!.Value), ResolvedAt: now));
        Episode = AlertEpisode.None;
        return true;
    }

    public RuleView View(TriggerRule rule, DateTimeOffset now)
    {
        var (current, previous) = Values(rule, now);
        return new RuleView(rule, current, previous, WindowChange.Percent(current, previous),
            WindowChange.Holds(rule.Condition, rule.Threshold, current, previous), Episode.Open, Episode.Since, AppliedThrough);
    }

    private static string Text(TriggerRule rule, double? current, double? previous)
    {
        var minutes = $"{rule.WindowMinutes:0.#} minutes";
        string V(double? value) => value is not { } v ? "nothing" : rule.Kind == MetricKind.Ratio ? v.ToString("0.####") : v.ToString("0.##");
        var verb = rule.Kind == MetricKind.Gauge ? "read" : "reached";
        var what = rule.Condition switch
        {
            RuleCondition.RisesBy => $"{rule.Metric} rose {WindowChange.Percent(current, previous):0.#}% over the last {minutes} ({V(current)} against {V(previous)} the {minutes} before)",
            RuleCondition.FallsBy => $"{rule.Metric} fell {-WindowChange.Percent(current, previous):0.#}% over the last {minutes} ({V(current)} against {V(previous)} the {minutes} before)",
            RuleCondition.Above => $"{rule.Metric} {verb} {V(current)} over the last {minutes} (at or above {rule.Threshold:0.####})",
            _ => $"{rule.Metric} is down to {V(current)} over the last {minutes} (at or below {rule.Threshold:0.####})",
        };
        return rule.Message is { Length: > 0 } message ? $"{rule.Name}: {message} ({what})." : $"{rule.Name}: {what}.";
    }
}

/// <summary>
/// A window of a metric against the window before it: the one comparison behind trigger rules and
/// the goal's falling-trend alert.
/// </summary>
public static class WindowChange
{
    /// <summary>The change in percent; null when either window has no value or the previous one is not above zero (no base to compare with).</summary>
    public static double? Percent(double? current, double? previous) =>
        current is { } c && previous is { } p && p > 0 ? (c - p) / p * 100 : null;

    /// <summary>
    /// Whether the condition holds. A rise or fall needs a value above zero in the previous window, a
    /// crossing a value in the current one; exactly the threshold holds (compared in percent with a
    /// rounding margin, so 12 against 10 is exactly 20 %).
    /// </summary>
    public static bool Holds(RuleCondition condition, double threshold, double? current, double? previous)
    {
        const double margin = 1e-9;
        return condition switch
        {
            RuleCondition.RisesBy => Percent(current, previous) is { } up && up >= threshold - margin,
            RuleCondition.FallsBy => Percent(current, previous) is { } down && -down >= threshold - margin,
            RuleCondition.Above => current >= threshold,
            RuleCondition.Below => current <= threshold,
            _ => false,
        };
    }
}
