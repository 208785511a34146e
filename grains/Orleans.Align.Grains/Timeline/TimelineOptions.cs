namespace Orleans.Align.Grains.Timeline;

/// <summary>Configuration section <c>Align:Timeline</c>: the index provenance and replay read through.</summary>
public sealed class TimelineOptions
{
    public const string Section = "Align:Timeline";

    /// <summary>Events per index chunk. Full chunks are immutable and cached in storage; the newest, partial one is kept in memory.</summary>
    public int ChunkEvents { get; set; } = 16_384;

    /// <summary>Events per mark: reading one event reads the run of at most this many events around it.</summary>
    public int MarkEvery { get; set; } = 64;

    /// <summary>The largest ranged read when the index reads what was appended since it last looked.</summary>
    public int ReadBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Most appended events waiting to be indexed from memory; past it, appends are read back from the log when a query needs them.</summary>
    public int MaxHandoffEvents { get; set; } = 200_000;

    /// <summary>Runs of a segment closer than this are read in one request (a few KiB more beat a round trip more).</summary>
    public int MergeGapBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// Longest a query waits for the index of a silo that just started (loading the saved chunks, then
    /// reading the rest of the log) before it is refused as retryable, with the time the warming still
    /// needs as Retry-After. Well below the gateway's grain call timeout, so the caller gets that answer
    /// rather than a timeout.
    /// </summary>
    public TimeSpan WarmWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Ranged reads one query keeps in flight when it reads scattered events.</summary>
    public int ReadParallelism { get; set; } = 8;
}
