namespace Orleans.Align.Grains.Log.Dedupe;

/// <summary>The dedupe index's bounds, from <see cref="IngestOptions"/>.</summary>
public sealed record DedupeSettings(TimeSpan Window, int RecentMaxIds, TimeSpan RunMaxAge, double FilterBitsPerId, long FilterMaxBytes)
{
    public static DedupeSettings From(IngestOptions o) =>
        new(o.DedupeWindow, o.DedupeRecentMaxIds, o.DedupeRunMaxAge, o.DedupeFilterBitsPerId, o.DedupeFilterMaxBytes);
}
