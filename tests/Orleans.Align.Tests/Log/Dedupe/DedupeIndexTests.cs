using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Align.Grains.Log.Dedupe;
using Orleans.Align.Tests.Support;

namespace Orleans.Align.Tests.Log.Dedupe;

/// <summary>
/// The index finds every id it was given over the window, exactly, after the recent ids have been
/// sealed into runs, and says nothing of ids it was not given, however small its filters.
/// </summary>
public sealed class DedupeIndexTests
{
    private static readonly DateTimeOffset Start = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly ManualClock _clock = new(Start);
    private readonly MemoryDedupeIndexStore _store = new();

    private DedupeIndex NewIndex(int recentMaxIds = 1_000, double bitsPerId = 10, long filterMaxBytes = 1 << 20) =>
        new("org", _store, new DedupeSettings(TimeSpan.FromDays(7), recentMaxIds, TimeSpan.FromHours(1), bitsPerId, filterMaxBytes), _clock, NullLogger.Instance);

    private static UInt128 Content(int i) => EventFingerprint.OfContent(new MetricEvent($"e{i}", "leads", i, Start));

    private static void RememberRange(DedupeIndex index, int from, int count, DateTimeOffset at)
    {
        for (var i = from; i < from + count; i++) index.Remember($"e{i}", i, Content(i), at);
    }

    private static Task<Dictionary<string, StoredId>> FindAsync(DedupeIndex index, IEnumerable<int> ids) =>
        index.FindAsync(ids.Select(i => ($"e{i}", EventFingerprint.OfId($"e{i}"))));

    private static async Task SealedAsync(DedupeIndex index, long through)
    {
        for (var i = 0; i < 500 && index.DurableThrough < through; i++) await Task.Delay(10);
        Assert.Equal(through, index.DurableThrough);
    }

    [Fact]
    public async Task Ids_sealed_into_runs_are_found_with_their_sequence_and_content()
    {
        var index = NewIndex(recentMaxIds: 1_000);
        RememberRange(index, 1, 5_000, Start);
        await SealedAsync(index, 5_000);

        var found = await FindAsync(index, [1, 999, 1_000, 1_001, 4_999, 5_000]);

        Assert.Equal(6, found.Count);
        Assert.Equal(new StoredId(1_001, Content(1_001)), found["e1001"]);
        Assert.Equal(0, index.Stats().RecentIds);
    }

    [Fact]
    public async Task With_a_filter_that_says_maybe_to_everything_no_unseen_id_is_found()
    {
        var index = NewIndex(recentMaxIds: 2_000, bitsPerId: 0.001);
        RememberRange(index, 1, 20_000, Start);
        await SealedAsync(index, 20_000);

        var found = await FindAsync(index, Enumerable.Range(20_001, 20_000));

        Assert.Empty(found);
        Assert.True(index.Stats().ExactReads > 0, "The filters should have sent lookups to the runs.");
    }

    [Fact]
    public async Task A_restart_loads_the_runs_and_finds_their_ids_without_the_log()
    {
        var index = NewIndex(recentMaxIds: 1_000);
        RememberRange(index, 1, 3_000, Start);
        await SealedAsync(index, 3_000);

        var restarted = NewIndex(recentMaxIds: 1_000);
        await restarted.LoadAsync(CancellationToken.None);

        Assert.Equal(3_000, restarted.DurableThrough);
        Assert.Equal(3, (await FindAsync(restarted, [1, 1_500, 3_000])).Count);
    }

    [Fact]
    public async Task Past_the_filter_cap_filters_fold_and_every_id_is_still_found()
    {
        var index = NewIndex(recentMaxIds: 1_000, bitsPerId: 16, filterMaxBytes: 4 * 1024);
        RememberRange(index, 1, 10_000, Start);
        await SealedAsync(index, 10_000);

        var stats = index.Stats();
        Assert.InRange(stats.FilterBytes, 0, 4 * 1024);
        Assert.Equal(10_000, (await FindAsync(index, Enumerable.Range(1, 10_000))).Count);
        Assert.Empty(await FindAsync(index, Enumerable.Range(10_001, 2_000)));
    }

    [Fact]
    public async Task Runs_older_than_the_window_are_forgotten_but_the_newest_run_is_kept_as_the_durable_mark()
    {
        var index = NewIndex(recentMaxIds: 1_000);
        RememberRange(index, 1, 2_000, Start);
        await SealedAsync(index, 2_000);

        _clock.Advance(TimeSpan.FromDays(8));
        RememberRange(index, 2_001, 1_000, _clock.GetUtcNow());
        await SealedAsync(index, 3_000);

        Assert.Empty(await FindAsync(index, [1, 1_000]));
        Assert.Single(await FindAsync(index, [2_500]));
        Assert.Single(await _store.LoadSummariesAsync("org"));
    }
}
