namespace Orleans.Align.Grains.Log.Dedupe;

/// <summary>
/// One partition of an organization's dedupe index: the sealed runs of the ids that hash to it
/// (<see cref="DedupePartitioning"/>). Key <c>{org}/{p}</c>. Only the organization's ingest grain calls
/// it; the ingest grain keeps the recent ids itself and remembers only after the log write, so no call
/// here can fail after an acknowledgement.
/// </summary>
[Alias("align.IDedupePartitionGrain")]
public interface IDedupePartitionGrain : IGrainWithStringKey
{
    /// <summary>How far the partition's runs are durable, and how many ids they hold (its summaries are loaded on activation).</summary>
    [Alias("Open")]
    Task<DedupePartitionState> OpenAsync();

    /// <summary>Writes a slice as a run (idempotent by its sequences); completes when it is durable.</summary>
    [Alias("WriteSlice")]
    Task<DedupePartitionState> WriteSliceAsync(DedupeSlice slice);

    /// <summary>Which of <paramref name="ids"/> the partition's runs hold, exactly. Throws if storage cannot answer.</summary>
    [Alias("Find")]
    Task<Dictionary<string, StoredId>> FindAsync(IReadOnlyList<string> ids);

    [Alias("GetStats"), AlwaysInterleave]
    Task<DedupeStats> GetStatsAsync();
}
