using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Align.Grains.Log.Dedupe;
using Orleans.Align.Tests.Support;
using static Orleans.Align.Tests.Log.Dedupe.DedupeIds;

namespace Orleans.Align.Tests.Log.Dedupe;

/// <summary>
/// The partitioned index: ids are placed by a stable function of their hash; each partition writes its
/// slice of a sealed run as its own run, idempotently; the ingest side keeps a run in memory until every
/// partition has its slice durable, asks each partition at most once per lookup, and still finds what was
/// written before partitioning. Partitions live in process here (<see cref="LocalDedupePartitions"/>);
/// the grains over blob storage are tested against Azurite (Persistence.Tests, DedupeIndexTests).
/// </summary>
public sealed class DedupePartitionTests
{
    private readonly ManualClock _clock = new(Start);
    private readonly MemoryDedupeIndexStore _store = new();

    private DedupeSettings Settings(int recentMaxIds = 1_000, double bitsPerId = 16) =>
        new(TimeSpan.FromDays(7), recentMaxIds, TimeSpan.FromHours(1), bitsPerId, 1L << 30, TimeSpan.FromDays(1), 8);

    private (DedupeIndex Index, LocalDedupePartitions Partitions) NewIndex(int partitions = 4, int recentMaxIds = 1_000, double bitsPerId = 16, IDedupeIndexStore? store = null)
    {
        var settings = Settings(recentMaxIds, bitsPerId);
        var local = new LocalDedupePartitions("org", store ?? _store, settings, _clock, NullLogger.Instance, partitions);
        return (new DedupeIndex("org", local, store ?? _store, settings, _clock, NullLogger.Instance), local);
    }

    private static DedupeSlice Slice(int first, int last, DateTimeOffset at) =>
        new(first, last, at, [.. Enumerable.Range(first, last - first + 1).Select(i => new SliceId($"e{i}", i, Content(i)))]);

    [Fact]
    public void An_ids_partition_is_the_same_in_every_process_and_version()
    {
        // Fixed values: ids stored under one placement must be looked up under the same one after any upgrade.
        Assert.Equal([PartitionA, PartitionB, PartitionC], new[] { "evt-0000001", "order-42", "e7" }.Select(id => DedupePartitioning.PartitionOf(id, 4)));
        Assert.Equal(PartitionD, DedupePartitioning.PartitionOf("evt-0000001", 16));
        Assert.All(Enumerable.Range(0, 1_000), i => Assert.Equal(0, DedupePartitioning.PartitionOf($"e{i}", 1)));
    }

    private const int PartitionA = 2, PartitionB = 3, PartitionC = 3, PartitionD = 8;

    [Theory]
    [InlineData(4)]
    [InlineData(16)]
    public void Ids_spread_evenly_over_the_partitions(int partitions)
    {
        var counts = new int[partitions];
        for (var i = 0; i < 160_000; i++) counts[DedupePartitioning.PartitionOf($"evt-{i:D7}", partitions)]++;

        var expected = 160_000 / partitions;
        Assert.All(counts, c => Assert.InRange(c, expected * 0.95, expected * 1.05));
    }

    [Fact]
    public void A_partitions_ids_keep_the_filters_false_positive_rate()
    {
        // The filters take their block from the hash's high half and their bits from the low half: a
        // partition chosen from either half alone would crowd its ids into a fraction of the blocks.
        var mine = Enumerable.Range(0, 200_000).Select(i => EventFingerprint.OfId($"evt-{i:D7}")).Where(h => DedupePartitioning.PartitionOf(h, 4) == 1).ToList();
        var filter = BlockedBloomFilter.For(mine.Count, 16);
        foreach (var hash in mine) filter.Add(hash);

        var falsePositives = Enumerable.Range(0, 200_000).Count(i => filter.MaybeContains(EventFingerprint.OfId($"new-{i:D7}")));

        // 0.086 % measured for one unpartitioned run (docs/benchmarks.md); within noise of it.
        Assert.InRange(falsePositives / 200_000.0, 0, 0.0025);
    }

    [Fact]
    public void A_run_is_split_into_one_slice_per_partition_each_covering_the_whole_stretch_and_each_id_in_exactly_one()
    {
        var ids = Enumerable.Range(101, 10).ToDictionary(i => $"e{i}", i => new StoredId(i, Content(i)));

        var slices = DedupePartitioning.Split(ids, 101, 150, Start, 16);

        Assert.Equal(16, slices.Length);
        Assert.All(slices, s => Assert.Equal((101L, 150L, Start), (s.FirstSequence, s.LastSequence, s.NewestAt)));
        Assert.Contains(slices, s => s.Ids.Count == 0); // 10 ids over 16 partitions: empty slices still carry the stretch
        var all = slices.SelectMany((s, p) => s.Ids.Select(id => (p, id))).ToList();
        Assert.Equal(10, all.Count);
        Assert.Equal(ids.Keys.Order(), all.Select(a => a.id.Id).Order());
        Assert.All(all, a => Assert.Equal(DedupePartitioning.PartitionOf(a.id.Id, 16), a.p));
        Assert.All(all, a => Assert.Equal(ids[a.id.Id], new StoredId(a.id.Sequence, a.id.ContentHash)));
    }

    [Fact]
    public Task A_slice_sent_again_is_not_written_twice_and_an_overlapping_one_writes_only_what_is_new() => OnOneThread(async () =>
    {
        var runs = new SealedRuns("org/1", _store, Settings(), _clock, NullLogger.Instance);
        await runs.LoadAsync(CancellationToken.None);

        Assert.Equal(100, await runs.WriteSliceAsync(Slice(1, 100, Start)));
        Assert.Equal(100, await runs.WriteSliceAsync(Slice(1, 100, Start)));
        Assert.Equal(150, await runs.WriteSliceAsync(Slice(51, 150, Start)));

        var summaries = (await _store.LoadSummariesAsync("org/1")).OrderBy(s => s.FirstSequence).ToList();
        Assert.Equal([(1L, 100L, 100L), (101L, 150L, 50L)], summaries.Select(s => (s.FirstSequence, s.LastSequence, s.Count)));
        var found = await runs.FindAsync(Enumerable.Range(1, 200).Select(i => ($"e{i}", EventFingerprint.OfId($"e{i}"))));
        Assert.Equal(150, found.Count);
    });

    [Fact]
    public Task A_slice_that_would_leave_a_hole_after_the_runs_is_refused() => OnOneThread(async () =>
    {
        var runs = new SealedRuns("org/1", _store, Settings(), _clock, NullLogger.Instance);
        await runs.LoadAsync(CancellationToken.None);
        await runs.WriteSliceAsync(Slice(1, 100, Start));

        await Assert.ThrowsAsync<InvalidOperationException>(() => runs.WriteSliceAsync(Slice(102, 200, Start)));
        Assert.Equal(100, runs.DurableThrough);
    });

    [Fact]
    public Task Ids_sealed_into_partitions_are_found_after_the_index_and_every_partition_restart() => OnOneThread(async () =>
    {
        var (index, partitions) = NewIndex(partitions: 4);
        RememberRange(index, 1, 5_500, Start);
        await SealedAsync(index, 5_000);
        var stats = await index.StatsAsync();
        Assert.Equal((4, 5_000L, 500), (stats.Partitions, stats.RunIds, stats.RecentIds));
        Assert.All(partitions.Loaded, p => Assert.InRange(p.Ids, 1_000, 1_500)); // about a quarter each

        index.Stop();
        partitions.Restart();
        var (restarted, _) = NewIndex(partitions: 4);
        await restarted.LoadAsync(CancellationToken.None);

        Assert.Equal(5_000, restarted.DurableThrough); // 5,001.. are re-read from the log by the ingest grain
        var found = await FindAsync(restarted, Enumerable.Range(1, 5_000));
        Assert.Equal(5_000, found.Count);
        Assert.All(found, f => Assert.Equal(new StoredId(int.Parse(f.Key[1..]), Content(int.Parse(f.Key[1..]))), f.Value));
        Assert.Empty(await FindAsync(restarted, Enumerable.Range(5_001, 3_000)));
    });

    [Fact]
    public Task A_partition_whose_write_fails_holds_DurableThrough_back_and_its_ids_are_still_found() => OnOneThread(async () =>
    {
        var failing = new FailingPartition(_store, "org/2");
        var (index, _) = NewIndex(partitions: 4, store: failing);
        RememberRange(index, 1, 2_000, Start);
        await SealedAsync(index, 0);
        for (var i = 0; i < 100 && failing.Refused < 2; i++) await Task.Delay(10);

        // Partitions 0, 1 and 3 have the first run's slice, partition 2 not: nothing is durable yet, and
        // the second run is not sent to anyone before the first is everywhere.
        Assert.True(failing.Refused >= 2, $"The failing partition should have been retried: {failing.Refused}");
        Assert.Equal(0, index.DurableThrough);
        var stats = await index.StatsAsync();
        Assert.Equal(2_000, stats.SealingIds); // both runs wait, whole, in memory
        Assert.Equal(2_000, (await FindAsync(index, Enumerable.Range(1, 2_000))).Count);
        Assert.Empty(await FindAsync(index, Enumerable.Range(2_001, 2_000)));

        // A restart now starts from the least durable partition: the log after 0.
        var (meanwhile, _) = NewIndex(partitions: 4, store: failing);
        await meanwhile.LoadAsync(CancellationToken.None);
        Assert.Equal(0, meanwhile.DurableThrough);
        meanwhile.Stop();

        failing.Failing = false;
        await SealedAsync(index, 2_000);
        Assert.Equal(2_000, (await FindAsync(index, Enumerable.Range(1, 2_000))).Count);
        Assert.Equal(0, (await index.StatsAsync()).SealingIds);
    });

    [Fact]
    public Task No_false_duplicates_through_partitions_whose_filters_always_say_maybe() => OnOneThread(async () =>
    {
        var (index, _) = NewIndex(partitions: 4, recentMaxIds: 2_000, bitsPerId: 0.001);
        RememberRange(index, 1, 20_000, Start);
        await SealedAsync(index, 20_000);

        var found = await FindAsync(index, Enumerable.Range(20_001, 20_000));

        Assert.Empty(found);
        Assert.True((await index.StatsAsync()).ExactReads > 0, "The filters should have sent lookups to the runs.");
    });

    [Fact]
    public Task A_lookup_asks_each_partition_at_most_once_and_none_that_holds_no_ids() => OnOneThread(async () =>
    {
        var (index, _) = NewIndex(partitions: 4);
        RememberRange(index, 1, 500, Start);
        await FindAsync(index, Enumerable.Range(10_001, 5_000));
        Assert.Equal(0, (await index.StatsAsync()).PartitionCalls); // nothing sealed: every partition is empty

        RememberRange(index, 501, 4_500, Start);
        await SealedAsync(index, 5_000);
        await FindAsync(index, Enumerable.Range(10_001, 5_000));

        Assert.Equal(4, (await index.StatsAsync()).PartitionCalls);
    });

    [Fact]
    public Task Runs_from_before_partitioning_are_found_and_expire_once_the_partitions_are_past_them() => OnOneThread(async () =>
    {
        // What the unpartitioned index wrote: runs under the organization's own key.
        var old = new SealedRuns("org", _store, Settings(), _clock, NullLogger.Instance);
        await old.LoadAsync(CancellationToken.None);
        await old.WriteSliceAsync(Slice(1, 1_000, Start));
        await old.WriteSliceAsync(Slice(1_001, 2_000, Start));
        old.Stop();

        var (index, _) = NewIndex(partitions: 4);
        await index.LoadAsync(CancellationToken.None);
        Assert.Equal(2_000, index.DurableThrough);
        Assert.Equal(2, (await index.StatsAsync()).UnpartitionedRuns);
        RememberRange(index, 2_001, 1_000, Start); // as the ingest grain re-reads the log after 2,000, then goes on
        await SealedAsync(index, 3_000);

        Assert.Equal(3_000, (await FindAsync(index, Enumerable.Range(1, 3_000))).Count);
        Assert.Empty(await FindAsync(index, Enumerable.Range(3_001, 1_000)));

        // Eight days on: the old runs expire like any (the partitions are past them, so none is kept as a mark).
        _clock.Advance(TimeSpan.FromDays(8));
        RememberRange(index, 3_001, 1_000, _clock.GetUtcNow());
        await SealedAsync(index, 4_000);
        Assert.Empty(await FindAsync(index, [1, 1_500]));
        Assert.Equal(0, (await index.StatsAsync()).UnpartitionedRuns);
        for (var i = 0; i < 100 && (await _store.LoadSummariesAsync("org")).Count > 0; i++) await Task.Delay(10);
        Assert.Empty(await _store.LoadSummariesAsync("org"));
        Assert.Single(await FindAsync(index, [3_500]));
    });

    /// <summary>A store that cannot write the runs of one partition while <see cref="Failing"/>.</summary>
    private sealed class FailingPartition(MemoryDedupeIndexStore inner, string key) : IDedupeIndexStore
    {
        private int _refused;
        public bool Failing { get; set; } = true;
        public int Refused => Volatile.Read(ref _refused);

        public Task WriteRunAsync(string orgId, RunSummary summary, byte[] run, CancellationToken cancellationToken = default)
        {
            if (Failing && orgId == key)
            {
                Interlocked.Increment(ref _refused);
                throw new IOException("Storage is away.");
            }
            return inner.WriteRunAsync(orgId, summary, run, cancellationToken);
        }

        public Task<Stream> OpenRunWriteAsync(string orgId, string runName, CancellationToken cancellationToken = default) => inner.OpenRunWriteAsync(orgId, runName, cancellationToken);
        public Task WriteSummaryAsync(string orgId, RunSummary summary, CancellationToken cancellationToken = default) => inner.WriteSummaryAsync(orgId, summary, cancellationToken);
        public Task<IReadOnlyList<RunSummary>> LoadSummariesAsync(string orgId, CancellationToken cancellationToken = default) => inner.LoadSummariesAsync(orgId, cancellationToken);
        public Task<byte[]> ReadRunAsync(string orgId, string runName, long offset, int length, CancellationToken cancellationToken = default) => inner.ReadRunAsync(orgId, runName, offset, length, cancellationToken);
        public Task<Stream> OpenRunReadAsync(string orgId, string runName, CancellationToken cancellationToken = default) => inner.OpenRunReadAsync(orgId, runName, cancellationToken);
        public Task DeleteRunAsync(string orgId, string runName, CancellationToken cancellationToken = default) => inner.DeleteRunAsync(orgId, runName, cancellationToken);
    }
}
