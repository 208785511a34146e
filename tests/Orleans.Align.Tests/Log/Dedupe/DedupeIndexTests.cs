using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Align.Grains.Log.Dedupe;
using Orleans.Align.Tests.Support;
using static Orleans.Align.Tests.Log.Dedupe.DedupeIds;

namespace Orleans.Align.Tests.Log.Dedupe;

/// <summary>
/// The index finds every id it was given over the window, exactly, after the recent ids have been
/// sealed into runs, and says nothing of ids it was not given, however small its filters.
/// </summary>
public sealed class DedupeIndexTests
{
    private readonly ManualClock _clock = new(Start);
    private readonly MemoryDedupeIndexStore _store = new();

    private readonly Dictionary<DedupeIndex, LocalDedupePartitions> _partitions = [];

    /// <summary>
    /// An index over <paramref name="partitions"/> partitions in process (one by default, so that runs
    /// and blobs are counted as in one grain; the partitioning itself is <see cref="DedupePartitionTests"/>'s).
    /// </summary>
    private DedupeIndex NewIndex(int recentMaxIds = 1_000, double bitsPerId = 10, long filterMaxBytes = 1 << 20, int fanIn = 8, IDedupeIndexStore? store = null, int partitions = 1)
    {
        var settings = new DedupeSettings(TimeSpan.FromDays(7), recentMaxIds, TimeSpan.FromHours(1), bitsPerId, filterMaxBytes, TimeSpan.FromDays(1), fanIn);
        var local = new LocalDedupePartitions("org", store ?? _store, settings, _clock, NullLogger.Instance, partitions);
        var index = new DedupeIndex("org", local, store ?? _store, settings, _clock, NullLogger.Instance);
        _partitions[index] = local;
        return index;
    }

    /// <summary>The one partition's store key.</summary>
    private const string Key = "org/0";

    private Task Compaction(DedupeIndex index) => _partitions[index].Compaction;

    private static Task<DedupeStats> Stats(DedupeIndex index) => index.StatsAsync();

    [Fact]
    public Task Ids_sealed_into_runs_are_found_with_their_sequence_and_content() => OnOneThread(async () =>
    {
        var index = NewIndex(recentMaxIds: 1_000);
        RememberRange(index, 1, 5_000, Start);
        await SealedAsync(index, 5_000);

        var found = await FindAsync(index, [1, 999, 1_000, 1_001, 4_999, 5_000]);

        Assert.Equal(6, found.Count);
        Assert.Equal(new StoredId(1_001, Content(1_001)), found["e1001"]);
        Assert.Equal(0, (await Stats(index)).RecentIds);
    });

    [Fact]
    public Task With_a_filter_that_says_maybe_to_everything_no_unseen_id_is_found() => OnOneThread(async () =>
    {
        var index = NewIndex(recentMaxIds: 2_000, bitsPerId: 0.001);
        RememberRange(index, 1, 20_000, Start);
        await SealedAsync(index, 20_000);

        var found = await FindAsync(index, Enumerable.Range(20_001, 20_000));

        Assert.Empty(found);
        Assert.True((await Stats(index)).ExactReads > 0, "The filters should have sent lookups to the runs.");
    });

    [Fact]
    public Task A_restart_loads_the_runs_and_finds_their_ids_without_the_log() => OnOneThread(async () =>
    {
        var index = NewIndex(recentMaxIds: 1_000);
        RememberRange(index, 1, 3_000, Start);
        await SealedAsync(index, 3_000);

        var restarted = NewIndex(recentMaxIds: 1_000);
        await restarted.LoadAsync(CancellationToken.None);

        Assert.Equal(3_000, restarted.DurableThrough);
        Assert.Equal(3, (await FindAsync(restarted, [1, 1_500, 3_000])).Count);
    });

    [Fact]
    public Task Past_the_filter_cap_filters_are_dropped_and_every_id_is_still_found() => OnOneThread(async () =>
    {
        var index = NewIndex(recentMaxIds: 1_000, bitsPerId: 16, filterMaxBytes: 4 * 1024);
        RememberRange(index, 1, 10_000, Start);
        await SealedAsync(index, 10_000);
        await Compaction(index);

        var stats = (await Stats(index));
        Assert.InRange(stats.FilterBytes, 0, 4 * 1024);
        Assert.True(stats.RunsWithoutFilter > 0, $"Some filters should have been dropped: {stats}");
        Assert.Equal(10_000, (await FindAsync(index, Enumerable.Range(1, 10_000))).Count);
        Assert.Empty(await FindAsync(index, Enumerable.Range(10_001, 2_000)));
    });

    [Fact]
    public Task Runs_older_than_the_window_are_forgotten_but_the_newest_run_is_kept_as_the_durable_mark() => OnOneThread(async () =>
    {
        var index = NewIndex(recentMaxIds: 1_000);
        RememberRange(index, 1, 2_000, Start);
        await SealedAsync(index, 2_000);

        _clock.Advance(TimeSpan.FromDays(8));
        RememberRange(index, 2_001, 1_000, _clock.GetUtcNow());
        await SealedAsync(index, 3_000);

        Assert.Empty(await FindAsync(index, [1, 1_000]));
        Assert.Single(await FindAsync(index, [2_500]));
        Assert.Single(await _store.LoadSummariesAsync(Key));
    });

    /// <summary>Seals what is full, then waits until no compaction has anything left to do.</summary>
    private async Task SettledAsync(DedupeIndex index, long through)
    {
        await SealedAsync(index, through);
        for (var i = 0; i < 500; i++)
        {
            await Compaction(index);
            await Task.Delay(10);
            if (Compaction(index).IsCompleted) return;
        }
    }

    [Fact]
    public Task Past_days_are_compacted_into_one_run_each_and_every_id_is_found_with_its_sequence() => OnOneThread(async () =>
    {
        var index = NewIndex(recentMaxIds: 1_000);
        // Three days of 20 runs each, one an hour from midnight, ids remembered as time goes by.
        for (var day = 0; day < 3; day++)
        {
            _clock.AdvanceTo(Start.Date.AddDays(day + 1));
            for (var run = 0; run < 20; run++)
            {
                RememberRange(index, day * 20_000 + run * 1_000 + 1, 1_000, _clock.GetUtcNow());
                _clock.Advance(TimeSpan.FromHours(1));
            }
        }
        await SettledAsync(index, 60_000);

        var stats = (await Stats(index));
        // Days 1 and 2 are over: one run each. Day 3 is open: 20 runs at fan-in 8 are two of level 1 and four of level 0.
        Assert.Equal(2 + 2 + 4, stats.Runs);
        Assert.Equal(60_000, stats.RunIds);
        var found = await FindAsync(index, Enumerable.Range(1, 60_000));
        Assert.Equal(60_000, found.Count);
        Assert.All(found, f => Assert.Equal(new StoredId(int.Parse(f.Key[1..]), Content(int.Parse(f.Key[1..]))), f.Value));
        Assert.Empty(await FindAsync(index, Enumerable.Range(60_001, 20_000)));
        Assert.Equal(stats.Runs, _store.RunBlobs(Key));
    });

    [Fact]
    public Task A_lookup_asks_one_filter_per_past_day_of_the_window_however_many_runs_were_sealed() => OnOneThread(async () =>
    {
        var index = NewIndex(recentMaxIds: 500);
        for (var day = 0; day < 10; day++)
        {
            RememberRange(index, day * 10_000 + 1, 10_000, Start.AddDays(day));
            _clock.AdvanceTo(Start.AddDays(day + 1));
        }
        RememberRange(index, 100_001, 500, _clock.GetUtcNow());
        await SettledAsync(index, 100_500);

        var before = (await Stats(index));
        await FindAsync(index, Enumerable.Range(200_001, 1_000));
        var after = (await Stats(index));

        // 200 runs were sealed; the window keeps 7 days and a run of today, each day one run.
        Assert.InRange(before.Runs, 7, 9);
        Assert.Equal(before.Runs * 1_000L, after.FilterProbes - before.FilterProbes);
        // Ids of days past the window are forgotten, those inside it are found, and the expired runs' blobs are gone.
        Assert.Empty(await FindAsync(index, [1, 5_000, 10_000]));
        Assert.Equal(3, (await FindAsync(index, [40_001, 99_999, 100_500])).Count);
        Assert.Equal(before.Runs, _store.RunBlobs(Key));
    });

    [Fact]
    public Task A_restart_after_compaction_loads_the_compacted_runs_and_finds_every_id() => OnOneThread(async () =>
    {
        var index = NewIndex(recentMaxIds: 1_000, fanIn: 4);
        RememberRange(index, 1, 16_000, Start);
        await SettledAsync(index, 16_000);
        Assert.Equal(1, (await Stats(index)).Runs); // 16 runs, fan-in 4: four of level 1, then one of level 2

        var restarted = NewIndex(recentMaxIds: 1_000, fanIn: 4);
        await restarted.LoadAsync(CancellationToken.None);

        Assert.Equal((1, 16_000L), ((await Stats(restarted)).Runs, restarted.DurableThrough));
        Assert.Equal(16_000, (await FindAsync(restarted, Enumerable.Range(1, 16_000))).Count);
    });

    [Fact]
    public Task A_crash_between_a_compactions_output_and_the_deletion_of_its_inputs_leaves_no_gap_and_the_restart_deletes_them() => OnOneThread(async () =>
    {
        var crashing = new NoDeletes(_store);
        var index = NewIndex(recentMaxIds: 1_000, fanIn: 4, store: crashing);
        RememberRange(index, 1, 4_000, Start);
        await SettledAsync(index, 4_000);
        Assert.Equal(5, (await _store.LoadSummariesAsync(Key)).Count); // the output and its four inputs

        var restarted = NewIndex(recentMaxIds: 1_000, fanIn: 4);
        await restarted.LoadAsync(CancellationToken.None);

        Assert.Equal((1, 4_000L), ((await Stats(restarted)).Runs, restarted.DurableThrough));
        Assert.Single(await _store.LoadSummariesAsync(Key));
        Assert.Equal(1, _store.RunBlobs(Key));
        Assert.Equal(4_000, (await FindAsync(restarted, Enumerable.Range(1, 4_000))).Count);
    });

    [Fact]
    public Task A_compaction_that_fails_changes_nothing_and_every_id_is_still_found() => OnOneThread(async () =>
    {
        var failing = new NoCompactions(_store);
        var index = NewIndex(recentMaxIds: 1_000, fanIn: 2, store: failing);
        RememberRange(index, 1, 4_000, Start);
        await SealedAsync(index, 4_000);
        await Task.Delay(200);

        Assert.Equal(4, (await Stats(index)).Runs);
        Assert.Equal(4_000, (await FindAsync(index, Enumerable.Range(1, 4_000))).Count);
        Assert.Empty(await FindAsync(index, Enumerable.Range(4_001, 4_000)));
    });

    [Fact]
    public Task A_stopped_index_seals_compacts_and_deletes_nothing_more_and_the_next_load_finds_every_id() => OnOneThread(async () =>
    {
        var index = NewIndex(recentMaxIds: 1_000, fanIn: 2);
        RememberRange(index, 1, 1_000, Start);
        await SettledAsync(index, 1_000);

        index.Stop();
        RememberRange(index, 1_001, 3_000, Start);
        await Task.Delay(200);

        Assert.Equal(1_000, index.DurableThrough);
        Assert.Single(await _store.LoadSummariesAsync(Key));
        var next = NewIndex(recentMaxIds: 1_000, fanIn: 2);
        await next.LoadAsync(CancellationToken.None);
        Assert.Equal(1_000, next.DurableThrough); // the rest is in the log, which the ingest grain re-reads after it
        Assert.Equal(1_000, (await FindAsync(next, Enumerable.Range(1, 1_000))).Count);
    });

    /// <summary>A store whose deletes never happen, as if the silo died right after a compaction's summary was written.</summary>
    private sealed class NoDeletes(MemoryDedupeIndexStore inner) : DelegatingStore(inner)
    {
        public override Task DeleteRunAsync(string orgId, string runName, CancellationToken cancellationToken = default) => Task.CompletedTask;
    }

    /// <summary>A store that cannot write a compaction's summary.</summary>
    private sealed class NoCompactions(MemoryDedupeIndexStore inner) : DelegatingStore(inner)
    {
        public override Task WriteSummaryAsync(string orgId, RunSummary summary, CancellationToken cancellationToken = default) =>
            throw new IOException("Storage is away.");
    }

    private abstract class DelegatingStore(IDedupeIndexStore inner) : IDedupeIndexStore
    {
        public Task WriteRunAsync(string orgId, RunSummary summary, byte[] run, CancellationToken cancellationToken = default) => inner.WriteRunAsync(orgId, summary, run, cancellationToken);
        public Task<Stream> OpenRunWriteAsync(string orgId, string runName, CancellationToken cancellationToken = default) => inner.OpenRunWriteAsync(orgId, runName, cancellationToken);
        public virtual Task WriteSummaryAsync(string orgId, RunSummary summary, CancellationToken cancellationToken = default) => inner.WriteSummaryAsync(orgId, summary, cancellationToken);
        public Task<IReadOnlyList<RunSummary>> LoadSummariesAsync(string orgId, CancellationToken cancellationToken = default) => inner.LoadSummariesAsync(orgId, cancellationToken);
        public Task<byte[]> ReadRunAsync(string orgId, string runName, long offset, int length, CancellationToken cancellationToken = default) => inner.ReadRunAsync(orgId, runName, offset, length, cancellationToken);
        public Task<Stream> OpenRunReadAsync(string orgId, string runName, CancellationToken cancellationToken = default) => inner.OpenRunReadAsync(orgId, runName, cancellationToken);
        public virtual Task DeleteRunAsync(string orgId, string runName, CancellationToken cancellationToken = default) => inner.DeleteRunAsync(orgId, runName, cancellationToken);
    }
}
