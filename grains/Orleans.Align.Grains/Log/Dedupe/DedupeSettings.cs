namespace Orleans.Align.Grains.Log.Dedupe;

/// <summary>The dedupe index's bounds, from <see cref="IngestOptions"/>.</summary>
public sealed record DedupeSettings(
    TimeSpan Window,
    int RecentMaxIds,
    TimeSpan RunMaxAge,
    double FilterBitsPerId,
    long FilterMaxBytes,
    TimeSpan CompactionSpan,
    int CompactionFanIn)
{
    public DedupeSettings(TimeSpan window, int recentMaxIds, TimeSpan runMaxAge, double filterBitsPerId, long filterMaxBytes)
        : this(window, recentMaxIds, runMaxAge, filterBitsPerId, filterMaxBytes, TimeSpan.FromDays(1), 8)
    {
    }

    public static DedupeSettings From(IngestOptions o) =>
        new(o.DedupeWindow, o.DedupeRecentMaxIds, o.DedupeRunMaxAge, o.DedupeFilterBitsPerId, o.DedupeFilterMaxBytes, o.DedupeCompactionSpan, o.DedupeCompactionFanIn);
}
