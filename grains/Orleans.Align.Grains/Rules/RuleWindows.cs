using Orleans.Align.Grains.Goals;
using Orleans.Align.Grains.Views;

namespace Orleans.Align.Grains.Rules;

/// <summary>
/// A trigger rule's parts: its metric's sums per minute of event time (the last two windows), where
/// it is in the log, its episode and what it has not told the feed yet. Pure rules, no grain.
/// </summary>
[GenerateSerializer, Alias("align.rule-windows")]
public sealed class RuleWindows : IViewState
{
    [Id(0)] public long AppliedThrough { get; set; }
    [Id(1)] public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Sum of the rule's events per minute of their time (Unix minutes).</summary>
    [Id(2)] public SortedDictionary<long, double> Minutes { get; set; } = [];
    [Id(3)] public AlertEpisode Episode { get; set; } = AlertEpisode.None;
    /// <summary>Changes the feed has not confirmed yet, oldest first (see <see cref="FeedOutbox"/>).</summary>
    [Id(4)] public List<FeedChange> Outbox { get; set; } = [];

    public void Count(MetricEvent e)
    {
        var minute = e.Timestamp.ToUnixTimeSeconds() / 60;
        Minutes[minute] = Minutes.GetValueOrDefault(minute) + e.Value;
    }

    /// <summary>The totals of the window ending now, (now − window, now], and of the one before it, to the minute; and whether either had any event.</summary>
    public (double Current, double Previous, bool Seen) Totals(DateTimeOffset now, TimeSpan window)
    {
        double current = 0, previous = 0;
        var seen = false;
        foreach (var (minute, sum) in Minutes)
        {
            var at = DateTimeOffset.FromUnixTimeSeconds(minute * 60);
            if (at > now || at <= now - 2 * window) continue;
            seen = true;
            if (at > now - window) current += sum;
            else previous += sum;
        }
        return (current, previous, seen);
    }

    /// <summary>
    /// Judges the rule at <paramref name="now"/> and queues what newly holds (for the hold time) or
    /// newly cleared. Minutes older than both windows are forgotten. Returns whether anything changed.
    /// </summary>
    public bool Judge(TriggerRule rule, DateTimeOffset now, TimeSpan hold)
    {
        var before = (Episode, Outbox.Count, Minutes.Count);
        var window = rule.Window();
        var oldest = (now - 2 * window).ToUnixTimeSeconds() / 60;
        foreach (var gone in Minutes.Keys.TakeWhile(m => m < oldest).ToList()) Minutes.Remove(gone);

        var (current, previous, seen) = Totals(now, window);
        var holds = WindowChange.Holds(rule.Condition, rule.Threshold, current, previous, seen);
        Episode = FeedOutbox.Judge(Outbox, Episode, holds, now, hold, rule.Id, AlertReasons.Trigger, since =>
            new FeedEntry(0, FeedKind.Alert, now, Text(rule, current, previous), To: rule.Notify,
                Campaigns: rule.Scope.Campaigns.Count > 0 ? rule.Scope.Campaigns : null, Reason: AlertReasons.Trigger,
                Key: AlertRules.Key(rule.Id, AlertReasons.Trigger, since), State: AlertState.Open, Since: since));
        return before != (Episode, Outbox.Count, Minutes.Count);
    }

    public RuleView View(TriggerRule rule, DateTimeOffset now)
    {
        var (current, previous, seen) = Totals(now, rule.Window());
        return new RuleView(rule, current, previous, WindowChange.Percent(current, previous),
            WindowChange.Holds(rule.Condition, rule.Threshold, current, previous, seen), Episode.Open, Episode.Since, AppliedThrough);
    }

    private static string Text(TriggerRule rule, double current, double previous)
    {
        var minutes = $"{rule.WindowMinutes:0.#} minutes";
        var what = rule.Condition switch
        {
            RuleCondition.RisesBy => $"{rule.Metric} rose {WindowChange.Percent(current, previous):0.#}% over the last {minutes} ({current:0.##} against {previous:0.##} the {minutes} before)",
            RuleCondition.FallsBy => $"{rule.Metric} fell {-WindowChange.Percent(current, previous):0.#}% over the last {minutes} ({current:0.##} against {previous:0.##} the {minutes} before)",
            RuleCondition.Above => $"{rule.Metric} reached {current:0.##} over the last {minutes} (at or above {rule.Threshold:0.##})",
            _ => $"{rule.Metric} is down to {current:0.##} over the last {minutes} (at or below {rule.Threshold:0.##})",
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
    /// <summary>The change in percent; null when the previous window is empty (no base to compare with).</summary>
    public static double? Percent(double current, double previous) => previous > 0 ? (current - previous) / previous * 100 : null;

    /// <summary>
    /// Whether the condition holds. A rise or fall needs a previous window with data; exactly the
    /// threshold holds (compared in percent with a rounding margin, so 12 against 10 is exactly 20 %).
    /// </summary>
    public static bool Holds(RuleCondition condition, double threshold, double current, double previous, bool seen = true)
    {
        const double margin = 1e-9;
        return condition switch
        {
            RuleCondition.RisesBy => Percent(current, previous) is { } up && up >= threshold - margin,
            RuleCondition.FallsBy => Percent(current, previous) is { } down && -down >= threshold - margin,
            RuleCondition.Above => current >= threshold,
            RuleCondition.Below => seen && current <= threshold,
            _ => false,
        };
    }
}
