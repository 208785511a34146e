using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Align.Grains.Goals;
using Orleans.Align.Grains.Log;
using Orleans.Align.Grains.Timeline;
using Orleans.Align.Persistence.Tests.Azurite;
using Orleans.Align.Silo.Storage;

namespace Orleans.Align.Persistence.Tests.Log;

/// <summary>
/// The provenance index over the real blob log on Azurite: byte positions, segments, appends handed
/// over in memory, chunks saved and loaded by another "silo", compared with a walk of the whole log.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class BlobTimelineTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Org = "org-timeline";
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimelineOptions Options = new() { ChunkEvents = 100, MarkEvery = 8 };

    private static readonly GoalDefinition Leads = new("launch-leads", "Launch leads", "leads", 1_000, ["marketing"],
        GoalScope.Of(campaign: "launch"), Now.AddDays(-3), Now.AddDays(1));

    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];
    private BlobContainerClient _log = null!;
    private BlobContainerClient _index = null!;

    public async Task InitializeAsync()
    {
        var blobs = new BlobServiceClient(azurite.ConnectionString);
        _log = blobs.GetBlobContainerClient($"log-{_suffix}");
        _index = blobs.GetBlobContainerClient($"index-{_suffix}");
        await _log.CreateIfNotExistsAsync();
    }

    public async Task DisposeAsync()
    {
        await _log.DeleteIfExistsAsync();
        await _index.DeleteIfExistsAsync();
    }

    [Fact]
    public async Task An_index_read_from_the_blob_log_and_fed_by_appends_answers_as_a_walk_of_the_log_does()
    {
        var indexes = Indexes(new BlobEventLogReader(_log));
        // Small segments: the log spans several append blobs, and chunks and runs cross their ends.
        var store = new BlobEventLogStore(_log, new BlobEventLogOptions { MaxSegmentBytes = 16 * 1024 }, NullLogger<BlobEventLogStore>.Instance, indexes);
        await AppendAsync(store, 0, 1_000);
        await indexes.For(Org).CatchUpAsync(CancellationToken.None); // read from the blobs
        await AppendAsync(store, 1_000, 1_000);                       // handed over in memory

        await AssertAnswersAsync(indexes, store);
    }

    [Fact]
    public async Task A_silo_that_starts_loads_the_saved_chunks_and_reads_only_the_rest_of_the_log()
    {
        var first = Indexes(new BlobEventLogReader(_log));
        var store = new BlobEventLogStore(_log, new BlobEventLogOptions { MaxSegmentBytes = 16 * 1024 }, NullLogger<BlobEventLogStore>.Instance, first);
        await AppendAsync(store, 0, 2_050);
        await first.For(Org).CatchUpAsync(CancellationToken.None);
        await WaitForSavedChunksAsync(20);
        var beforeRestart = await ProvenanceAsync(first);

        var reader = new CountingReader(new BlobEventLogReader(_log));
        var restarted = Indexes(reader);
        var snapshot = await restarted.For(Org).CatchUpAsync(CancellationToken.None);

        Assert.Equal(2_050, snapshot.LastSequence);
        // Only the 50 events past the last full chunk: one read, or two if they cross into a new segment.
        Assert.InRange(reader.Reads, 1, 2);
        Assert.Equal(beforeRestart, await ProvenanceAsync(restarted));
        await AssertAnswersAsync(restarted, store);
    }

    /// <summary>Every page of the goal's provenance, event ids and sequence numbers, page by page.</summary>
    private static async Task<List<string>> ProvenanceAsync(LogIndexes indexes)
    {
        var snapshot = await indexes.For(Org).CatchUpAsync(CancellationToken.None);
        var timeline = new GoalTimeline(Org, snapshot, indexes.Reader, Options);
        var basis = new GoalReadBasis(Leads, snapshot.LastSequence, Leads.Start, Now, []);
        var pages = new List<string>();
        long? before = null;
        do
        {
            var page = await timeline.ProvenanceAsync(basis, before, 37, CancellationToken.None);
            pages.Add(string.Join(",", page.Events.Select(e => $"{e.Sequence}:{e.Event.Id}:{e.Event.Value}")) + $" next {page.NextBefore}");
            before = page.NextBefore;
        }
        while (before is not null);
        return pages;
    }

    private async Task AssertAnswersAsync(LogIndexes indexes, BlobEventLogStore store)
    {
        var log = await store.ReadAsync(Org, 1, int.MaxValue);
        var snapshot = await indexes.For(Org).CatchUpAsync(CancellationToken.None);
        var timeline = new GoalTimeline(Org, snapshot, indexes.Reader, Options);
        var basis = new GoalReadBasis(Leads, log[^1].Sequence, Leads.Start, Now, []);

        var expected = log.Where(e => Leads.Counts(e.Event)).OrderByDescending(e => e.Sequence).Select(e => e.Event.Id).ToList();
        var paged = new List<string>();
        long? before = null;
        do
        {
            var page = await timeline.ProvenanceAsync(basis, before, 50, CancellationToken.None);
            paged.AddRange(page.Events.Select(e => e.Event.Id));
            before = page.NextBefore;
        }
        while (before is not null);
        Assert.Equal(expected, paged);

        foreach (var at in new[] { Now, Now.AddHours(-7.25), Now.AddDays(-1).AddMinutes(-0.5) })
        {
            var view = timeline.ViewAt(basis, at, AlignmentSettings.Default, CancellationToken.None);
            var counted = log.Where(e => Leads.Counts(e.Event) && e.Event.Timestamp <= at).ToList();
            Assert.Equal((counted.Sum(e => e.Event.Value), (long)counted.Count), (view.Progress!.Value, view.EventCount));
        }
    }

    private LogIndexes Indexes(IEventLogReader reader) =>
        new(reader, new BlobLogIndexStore(_index), Microsoft.Extensions.Options.Options.Create(Options), NullLogger<LogIndex>.Instance);

    private async Task AppendAsync(BlobEventLogStore store, int from, int count)
    {
        await store.ReloadAsync(Org);
        string?[] campaigns = ["launch", "spring", null];
        for (var batch = from; batch < from + count; batch += 50)
        {
            var events = Enumerable.Range(batch, 50).Select(i => new LoggedEvent(i + 1, new MetricEvent(
                $"e{i}", i % 3 == 0 ? "visits" : "leads", i % 7 + 1, Now.AddMinutes(-(i * 37 % 4_000)).AddSeconds(i % 60), campaigns[i % 3], i % 2 == 0 ? "marketing" : null))).ToList();
            await store.AppendAsync(Org, events);
        }
    }

    private async Task WaitForSavedChunksAsync(int count)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var saved = 0;
            await foreach (var _ in _index.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = Org + "/" })) saved++;
            if (saved >= count) return;
            await Task.Delay(50);
        }
        throw new TimeoutException($"Fewer than {count} index chunks were saved.");
    }

    private sealed class CountingReader(IEventLogReader inner) : IEventLogReader
    {
        private int _reads;

        public int Reads => _reads;

        public Task<IReadOnlyList<LogSegmentExtent>> GetSegmentsAsync(string orgId, CancellationToken cancellationToken) => inner.GetSegmentsAsync(orgId, cancellationToken);

        public Task<LogRangeRead> ReadRangeAsync(string orgId, long segment, long fromOffset, long toOffset, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _reads);
            return inner.ReadRangeAsync(orgId, segment, fromOffset, toOffset, cancellationToken);
        }
    }
}
