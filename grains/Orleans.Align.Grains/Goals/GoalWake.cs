namespace Orleans.Align.Grains.Goals;

/// <summary>
/// When time alone can next change what a goal tells, with no event arriving: its start, the end of its
/// period, the next reset of its window, the moment its pace status crosses a threshold as expected
/// progress grows, an alert's hold time running out, and its trend windows sliding past a change in its
/// history. A deactivated goal is woken then by its durable reminder, not every minute: with 10,000
/// goals a minute's reminders were 166 activations a second doing nothing. Pure: tested on its own.
/// </summary>
public static class GoalWake
{
    /// <summary>The longest a goal sleeps even when nothing seems due: a bound on anything not foreseen here.</summary>
    public static readonly TimeSpan MaxSleep = TimeSpan.FromDays(1);

    /// <summary>How soon a goal whose period is over but whose final status is not told yet (the feed failed) tries again.</summary>
    public static readonly TimeSpan AfterEndRetry = TimeSpan.FromMinutes(1);

    /// <summary>How close the pace crossing is found (the status is judged again at the wake).</summary>
    public static readonly TimeSpan Precision = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The next moment to judge the goal after <paramref name="now"/>, or null when time changes
    /// nothing any more (archived, or the period is over and its final status told).
    /// </summary>
    /// <param name="statusAt">The goal's pace status at a given time with what it has counted now.</param>
    /// <param name="trend">The trend rule's window and whether it holds at a given time, or null when the goal has none (a roll-up).</param>
    public static DateTimeOffset? Next(GoalDefinition d, Func<DateTimeOffset, GoalStatus> statusAt, GoalAlerts alerts,
        IReadOnlyList<HistoryPoint> minutes, (TimeSpan Window, Func<DateTimeOffset, bool> HoldsAt)? trend, TimeSpan hold, DateTimeOffset now)
    {
        if (d.Archived) return null;
        var status = statusAt(now);
        if (now >= d.End)
        {
            // Told for good once the final status is announced and nothing waits for the feed.
            var final = status is GoalStatus.Achieved or GoalStatus.Missed or GoalStatus.NoData;
            return final && alerts.Status.Announced == status && alerts.Status.Candidate is null && alerts.Outbox.Count == 0 ? null : now + AfterEndRetry;
        }

        var next = Min(now + MaxSleep, d.End);
        if (now < d.Start) next = Min(next, d.Start);
        if (NextWindow(d, now) is { } window) next = Min(next, window);
        if (Crossing(statusAt, status, now, next) is { } crossing) next = Min(next, crossing);

        if (alerts.Status is { Candidate: not null, CandidateSince: { } candidateSince }) next = Min(next, Later(candidateSince + hold, now));
        foreach (var episode in new[] { alerts.Mismatch, alerts.Trend })
        {
            if (!episode.Open && episode.Since is { } since) next = Min(next, Later(since + hold, now));
            if (episode.Open && episode.ClearingSince is { } clearing) next = Min(next, Later(clearing + hold, now));
        }

        if (trend is { } tr && TrendFlip(minutes, tr.Window, tr.HoldsAt, now) is { } flip) next = Min(next, flip);
        return next;
    }

    /// <summary>
    /// The first second after <paramref name="now"/> and before <paramref name="limit"/> at which the status
    /// differs from <paramref name="current"/>. Between two structural moments (start, window, end) the
    /// value is fixed and expected progress only grows, so the pace status only moves one way and a
    /// bisection finds the crossing.
    /// </summary>
    public static DateTimeOffset? Crossing(Func<DateTimeOffset, GoalStatus> statusAt, GoalStatus current, DateTimeOffset now, DateTimeOffset limit)
    {
        var last = limit - Precision;
        if (last <= now || statusAt(last) == current) return null;
        var (same, differs) = (now, last);
        while (differs - same > Precision)
        {
            var middle = same + (differs - same) / 2;
            if (statusAt(middle) == current) same = middle;
            else differs = middle;
        }
        return differs;
    }

    /// <summary>The start of the reset window after the one holding <paramref name="now"/>, if the goal resets.</summary>
    public static DateTimeOffset? NextWindow(GoalDefinition d, DateTimeOffset now)
    {
        var u = now.ToUniversalTime();
        DateTimeOffset? next = d.Reset switch
        {
            ResetCadence.Weekly => GoalMath.WindowStart(ResetCadence.Weekly, DateTimeOffset.MinValue, u).AddDays(7),
            ResetCadence.Monthly => new DateTimeOffset(u.Year, u.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1),
            ResetCadence.Quarterly => new DateTimeOffset(u.Year, (u.Month - 1) / 3 * 3 + 1, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(3),
            _ => null,
        };
        return next is { } n && n > now ? n : null;
    }

    /// <summary>Most trend slides judged for one wake; past them the goal wakes at the last one judged and looks again.</summary>
    public const int MaxTrendChecks = 100;

    /// <summary>
    /// The first moment after <paramref name="now"/> at which the trend's condition stops or starts to
    /// hold. The trend is read from the value at now, now − window and now − 2 × window, so it can only
    /// change when a window edge slides past a point where the goal's value changed, or past the oldest
    /// point (before then there is no trend); each such moment is judged in order.
    /// </summary>
    public static DateTimeOffset? TrendFlip(IReadOnlyList<HistoryPoint> minutes, TimeSpan window, Func<DateTimeOffset, bool> holdsAt, DateTimeOffset now)
    {
        if (minutes.Count == 0) return null;
        var slides = new SortedSet<DateTimeOffset>();
        void Consider(DateTimeOffset t)
        {
            if (t > now) slides.Add(t);
        }
        Consider(minutes[0].At + 2 * window);
        for (var i = 0; i < minutes.Count; i++)
        {
            if (i > 0 && minutes[i].Value == minutes[i - 1].Value) continue;
            Consider(minutes[i].At + window);
            Consider(minutes[i].At + 2 * window);
        }
        var holds = holdsAt(now);
        var checks = 0;
        foreach (var t in slides)
        {
            if (holdsAt(t) != holds || ++checks == MaxTrendChecks) return t;
        }
        return null;
    }

    private static DateTimeOffset Later(DateTimeOffset t, DateTimeOffset now) => t > now ? t : now + Precision;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a <= b ? a : b;
}
