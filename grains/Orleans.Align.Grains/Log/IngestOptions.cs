namespace Orleans.Align.Grains.Log;

/// <summary>Configuration section <c>Align:Ingest</c>.</summary>
public sealed class IngestOptions
{
    public const string Section = "Align:Ingest";

    /// <summary>How many recent event ids each organization remembers for dedupe.</summary>
    public int DedupeWindowMaxIds { get; set; } = 1_000_000;

    /// <summary>How long an event id is remembered for dedupe (bounded by <see cref="DedupeWindowMaxIds"/> too).</summary>
    public TimeSpan DedupeWindowMaxAge { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How many events a goal reads from the log per page when it catches up or rebuilds.</summary>
    public int ReplayPageSize { get; set; } = 5_000;

    /// <summary>How often a goal writes its snapshot while it is changing. A crash replays at most this much of the log.</summary>
    public TimeSpan ViewSnapshotInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often an active goal re-judges its pace: status moves with time even without events.</summary>
    public TimeSpan PaceCheckInterval { get; set; } = TimeSpan.FromSeconds(30);
}
