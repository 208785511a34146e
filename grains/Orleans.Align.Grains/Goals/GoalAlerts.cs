namespace Orleans.Align.Grains.Goals;

/// <summary>Something a goal tells its feed: an entry to post, or the key of an alert to resolve.</summary>
[GenerateSerializer, Immutable, Alias("align.feed-change")]
public sealed record FeedChange(
    [property: Id(0)] FeedEntry? Post = null,
    [property: Id(1)] string? ResolveKey = null,
    [property: Id(2)] DateTimeOffset ResolvedAt = default);

/// <summary>
/// What a goal has told its feed and what is waiting to be: the pace status (held before it is
/// told), the episodes of its other conditions, and an outbox. The outbox is written with the goal's
/// snapshot before the feed is told, so a goal that dies in between tells it again when it comes back;
/// every entry carries a key, and the feed keeps one entry per key.
/// </summary>
[GenerateSerializer, Alias("align.goal-alerts")]
public sealed class GoalAlerts
{
    [Id(0)] public HeldStatus Status { get; set; } = new();
    /// <summary>The key of the open pace alert (at risk or off track), if any.</summary>
    [Id(1)] public string? PaceKey { get; set; }
    [Id(2)] public AlertEpisode Mismatch { get; set; } = AlertEpisode.None;
    [Id(3)] public AlertEpisode Trend { get; set; } = AlertEpisode.None;
    /// <summary>Changes the feed has not confirmed yet, oldest first.</summary>
    [Id(4)] public List<FeedChange> Outbox { get; set; } = [];

    /// <summary>
    /// Judges the goal's conditions at <paramref name="now"/> and queues what newly holds or newly
    /// cleared. Returns whether anything here changed.
    /// </summary>
    public bool Judge(GoalDefinition d, GoalView view, MetricDefinition metric, bool trendFalls, DateTimeOffset now, AlignmentSettings settings)
    {
        var hold = settings.AlertHold();
        var periodOver = now >= d.End;
        var before = (Status, Mismatch, Trend, Outbox.Count);

        (Status, var told) = AlertRules.Judge(Status, view.Status, periodOver, now, hold);
        if (told is { } t) Tell(d, view, t, now);

        // Once the period is over there is nothing left to realign: what is still open is resolved.
        Mismatch = Episode(d, Mismatch, AlertReasons.ConfidenceMismatch, view.ConfidenceMismatch && !periodOver, periodOver ? TimeSpan.Zero : hold, now, () =>
        {
            var c = view.LatestCheckIn!;
            return $"{c.Department} is {(c.Confidence >= settings.HighConfidence ? "confident" : "worried")} ({c.Confidence}/10) about \"{d.Title}\", but it is {Words(view.Status)}.";
        });
        Trend = Episode(d, Trend, AlertReasons.TrendDown, trendFalls && !periodOver, periodOver ? TimeSpan.Zero : hold, now, () =>
            $"\"{d.Title}\": {metric.Name} is trending {(metric.LowerIsBetter ? "up" : "down")} over the last {settings.TrendWindow().TotalMinutes:0} minutes against the {settings.TrendWindow().TotalMinutes:0} before.");

        return before != (Status, Mismatch, Trend, Outbox.Count);
    }

    /// <summary>A new check-in is a new statement: an open mismatch about the previous one is resolved, and the new one is judged afresh.</summary>
    public void CheckedIn(string goalId, DateTimeOffset at)
    {
        if (!Mismatch.Open) return;
        Outbox.Add(new FeedChange(ResolveKey: AlertRules.Key(goalId, AlertReasons.ConfidenceMismatch, Mismatch.Since!.Value), ResolvedAt: at));
        Mismatch = AlertEpisode.None;
    }

    private void Tell(GoalDefinition d, GoalView view, StatusAnnouncement t, DateTimeOffset now)
    {
        // A goal has one open pace alert at most: turning from at risk to off track resolves the one and raises the other.
        if (PaceKey is { } open)
        {
            Outbox.Add(new FeedChange(ResolveKey: open, ResolvedAt: t.Since));
            PaceKey = null;
        }
        if (AlertRules.IsAlert(t.To))
        {
            var reason = AlertRules.ReasonOf(t.To);
            PaceKey = AlertRules.Key(d.Id, reason, t.Since);
            Outbox.Add(new FeedChange(Alert(d, now, reason, t.Since,
                $"\"{d.Title}\" is {Words(t.To)}: {view.Percent ?? 0:0.#}% done against {view.ExpectedPercent:0.#}% expected by now.")));
        }
        else if (t.From is not GoalStatus.NotStarted || t.To is GoalStatus.Achieved or GoalStatus.Missed)
        {
            Outbox.Add(new FeedChange(new FeedEntry(0, FeedKind.StatusChange, now, $"Now {Words(t.To)} (was {Words(t.From)}).",
                GoalId: d.Id, Campaigns: d.Scope.Campaigns, Key: AlertRules.Key(d.Id, $"status_{t.To}", t.Since))));
        }
    }

    private AlertEpisode Episode(GoalDefinition d, AlertEpisode episode, string reason, bool holds, TimeSpan hold, DateTimeOffset now, Func<string> text) =>
        Views.FeedOutbox.Judge(Outbox, episode, holds, now, hold, d.Id, reason, since => Alert(d, now, reason, since, text()));

    private static FeedEntry Alert(GoalDefinition d, DateTimeOffset at, string reason, DateTimeOffset since, string text) =>
        new(0, FeedKind.Alert, at, text, GoalId: d.Id, Campaigns: d.Scope.Campaigns, Reason: reason,
            Key: AlertRules.Key(d.Id, reason, since), State: AlertState.Open, Since: since);

    public static string Words(GoalStatus status) => status switch
    {
        GoalStatus.OnTrack => "on track",
        GoalStatus.AtRisk => "at risk",
        GoalStatus.OffTrack => "off track",
        GoalStatus.Achieved => "achieved",
        GoalStatus.Missed => "missed",
        GoalStatus.NotStarted => "not started",
        _ => "without data",
    };
}
