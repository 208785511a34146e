using Microsoft.Extensions.Logging;

namespace Orleans.Align.Grains.Log.Dedupe;

/// <summary>
/// The sealed part of one organization's dedupe index, as the ingest grain sees it: <see cref="Count"/>
/// partitions, each holding the runs of the ids that hash to it (<see cref="DedupePartitioning"/>).
/// In the silo each partition is a grain (<see cref="IDedupePartitionGrain"/>, key <c>{org}/{p}</c>),
/// so that a busy organization's filters are spread over silos; in tests of pure logic and in the
/// benchmark they live in process (<see cref="LocalDedupePartitions"/>).
/// </summary>
public interface IDedupePartitions
{
    int Count { get; }

    /// <summary>Activates partition <paramref name="partition"/> (it loads its own summaries) and says how far it is durable.</summary>
    Task<DedupePartitionState> OpenAsync(int partition);

    /// <summary>Writes a slice as a run of the partition (idempotent by its sequences); completes when it is durable.</summary>
    Task<DedupePartitionState> WriteSliceAsync(int partition, DedupeSlice slice);

    /// <summary>Which of <paramref name="ids"/> the partition holds, exactly. Throws if it cannot answer.</summary>
    Task<Dictionary<string, StoredId>> FindAsync(int partition, IReadOnlyList<string> ids);

    Task<DedupeStats> StatsAsync(int partition);
}

/// <summary>One grain per partition, keyed <c>{org}/{p}</c>.</summary>
public sealed class GrainDedupePartitions(IGrainFactory grains, string orgId, int count) : IDedupePartitions
{
    public int Count => count;

    private IDedupePartitionGrain Partition(int p) => grains.GetGrain<IDedupePartitionGrain>(DedupePartitionGrain.KeyFor(orgId, p));

    public Task<DedupePartitionState> OpenAsync(int partition) => Partition(partition).OpenAsync();

    public Task<DedupePartitionState> WriteSliceAsync(int partition, DedupeSlice slice) => Partition(partition).WriteSliceAsync(slice);

    public Task<Dictionary<string, StoredId>> FindAsync(int partition, IReadOnlyList<string> ids) => Partition(partition).FindAsync(ids);

    public Task<DedupeStats> StatsAsync(int partition) => Partition(partition).GetStatsAsync();
}

/// <summary>
/// The partitions in process, over the same store and the same <see cref="SealedRuns"/> the grains
/// use: for unit tests of the ingest side's logic and for the benchmark. <see cref="Restart"/> drops
/// them as a deactivation would; the next call loads them again.
/// </summary>
public sealed class LocalDedupePartitions(string orgId, IDedupeIndexStore store, DedupeSettings settings, TimeProvider clock, ILogger logger, int count) : IDedupePartitions
{
    private readonly SealedRuns?[] _partitions = new SealedRuns?[count];

    public int Count => count;

    private async Task<SealedRuns> PartitionAsync(int p)
    {
        if (_partitions[p] is { } open) return open;
        var runs = new SealedRuns(DedupePartitionGrain.KeyFor(orgId, p), store, settings, clock, logger);
        await runs.LoadAsync(CancellationToken.None);
        return _partitions[p] ??= runs;
    }

    public async Task<DedupePartitionState> OpenAsync(int partition)
    {
        var runs = await PartitionAsync(partition);
        return new DedupePartitionState(runs.DurableThrough, runs.Ids);
    }

    public async Task<DedupePartitionState> WriteSliceAsync(int partition, DedupeSlice slice)
    {
        var runs = await PartitionAsync(partition);
        await runs.WriteSliceAsync(slice);
        return new DedupePartitionState(runs.DurableThrough, runs.Ids);
    }

    public async Task<Dictionary<string, StoredId>> FindAsync(int partition, IReadOnlyList<string> ids) =>
        await (await PartitionAsync(partition)).FindAsync(ids.Select(id => (id, EventFingerprint.OfId(id))));

    public async Task<DedupeStats> StatsAsync(int partition) => (await PartitionAsync(partition)).Stats();

    /// <summary>The partitions as they are loaded now (the benchmark measures them; tests wait for their compactions).</summary>
    public IReadOnlyList<SealedRuns> Loaded => [.. _partitions.OfType<SealedRuns>()];

    /// <summary>Every partition's compaction running now.</summary>
    public Task Compaction => Task.WhenAll(Loaded.Select(p => p.Compaction));

    /// <summary>As if every partition grain were deactivated: stopped, and loaded again by the next call.</summary>
    public void Restart()
    {
        for (var p = 0; p < count; p++)
        {
            _partitions[p]?.Stop();
            _partitions[p] = null;
        }
    }
}
