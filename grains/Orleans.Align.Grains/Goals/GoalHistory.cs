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

    private static DateTimeOffset Floor(DateTimeOffset t, TimeSpan bucket)
    {
        var u = t.ToUniversalTime();
        return new DateTimeOffset(u.Ticks - u.Ticks % bucket.Ticks, TimeSpan.Zero);
    }
}
