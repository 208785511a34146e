using Orleans.Align.Grains.Log.Dedupe;

namespace Orleans.Align.Tests.Log.Dedupe;

/// <summary>
/// What the dedupe index's tests share: ids <c>e{i}</c> logged at sequence <c>i</c>, their content
/// hashes, and running a test as a grain runs the index.
/// </summary>
internal static class DedupeIds
{
    public static readonly DateTimeOffset Start = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Runs a test as a grain runs the index: one turn at a time (the seal and compaction loops resume
    /// between the test's awaits, never beside them), with the sorting and merging on the thread pool.
    /// </summary>
    public static Task OnOneThread(Func<Task> test) =>
        Task.Factory.StartNew(() =>
        {
            SynchronizationContext.SetSynchronizationContext(null);
            return test();
        }, CancellationToken.None, TaskCreationOptions.None, new ConcurrentExclusiveSchedulerPair().ExclusiveScheduler).Unwrap();

    public static UInt128 Content(int i) => EventFingerprint.OfContent(new MetricEvent($"e{i}", "leads", i, Start));

    public static void RememberRange(DedupeIndex index, int from, int count, DateTimeOffset at)
    {
        for (var i = from; i < from + count; i++) index.Remember($"e{i}", i, Content(i), at);
    }

    public static Task<Dictionary<string, StoredId>> FindAsync(DedupeIndex index, IEnumerable<int> ids) =>
        index.FindAsync(ids.Select(i => ($"e{i}", EventFingerprint.OfId($"e{i}"))));

    public static async Task SealedAsync(DedupeIndex index, long through)
    {
        for (var i = 0; i < 500 && index.DurableThrough < through; i++) await Task.Delay(10);
        Assert.Equal(through, index.DurableThrough);
    }
}
