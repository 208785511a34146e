namespace Orleans.Align.Grains.Goals;

/// <summary>
/// Progress over time at two resolutions: a point per minute for the last day (a launch day, minute by
/// minute) and a point per day for the last 400 days (a quarter at a glance). Each point holds the
/// value at the end of its bucket. Bounded: at most 1,440 + 400 points per goal.
/// </summary>
public static class GoalHistory
{
    public const int MaxMinutes = 24 * 60;
    public const int MaxDays = 400;

    public static void Record(List<HistoryPoint> minutes, List<HistoryPoint> days, DateTimeOffset now, double? value, double? percent)
    {
        Upsert(minutes, Floor(now, TimeSpan.FromMinutes(1)), value, percent, MaxMinutes);
        Upsert(days, Floor(now, TimeSpan.FromDays(1)), value, percent, MaxDays);
    }

    private static void Upsert(List<HistoryPoint> points, DateTimeOffset bucket, double? value, double? percent, int max)
    {
        var point = new HistoryPoint(bucket, value, percent);
        if (points.Count > 0 && points[^1].At == bucket) points[^1] = point;
        else if (points.Count == 0 || points[^1].At < bucket) points.Add(point);
        else return; // the clock went back: keep history monotonic
        if (points.Count > max) points.RemoveRange(0, points.Count - max);
    }

    /// <summary>
    /// The points with the buckets in which the goal's definition changed marked (<c>DefinitionChanged</c>,
    /// with the revision it changed to; the last one when several fell in one bucket). A change in a
    /// bucket with no point is marked on the next point.
    /// </summary>
    public static IReadOnlyList<HistoryPoint> Marked(IReadOnlyList<HistoryPoint> points, IReadOnlyList<GoalChange> changes, bool daily)
    {
        var marked = points.ToList();
        if (changes.Count == 0) return marked;
        var bucket = daily ? TimeSpan.FromDays(1) : TimeSpan.FromMinutes(1);
        foreach (var change in changes)
        {
            var at = Floor(change.At, bucket);
            var index = marked.FindIndex(p => p.At >= at);
            if (index >= 0) marked[index] = marked[index] with { DefinitionChanged = change.Revision };
        }
        return marked;
    }

    private static DateTimeOffset Floor(DateTimeOffset t, TimeSpan bucket)
    {
        var u = t.ToUniversalTime();
        return new DateTimeOffset(u.Ticks - u.Ticks % bucket.Ticks, TimeSpan.Zero);
    }
}
