using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Align.Grains.Log;
using Orleans.Align.Persistence.Tests.Azurite;
using Orleans.Align.Silo.Storage;

namespace Orleans.Align.Persistence.Tests.Log;

/// <summary>
/// The append-blob log as two silos see it: each process has its own <see cref="BlobEventLogStore"/>
/// with its own view of the same blobs. After a failover one silo reads what another wrote; a stale
/// view that answers "nothing there" makes a goal skip acknowledged events.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class BlobEventLogStoreTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly BlobContainerClient _container =
        new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient($"log-{Guid.NewGuid():N}");

    public Task InitializeAsync() => _container.CreateIfNotExistsAsync();

    public Task DisposeAsync() => _container.DeleteIfExistsAsync();

    private BlobEventLogStore Store(long maxSegmentBytes = 64L * 1024 * 1024) =>
        new(_container, new BlobEventLogOptions { MaxSegmentBytes = maxSegmentBytes }, NullLogger<BlobEventLogStore>.Instance);

    private static List<LoggedEvent> Events(long from, int count) =>
        [.. Enumerable.Range(0, count).Select(i => new LoggedEvent(from + i,
            new MetricEvent($"e{from + i}", "leads", 1, DateTimeOffset.UnixEpoch.AddSeconds(from + i), Campaign: "launch", Department: "marketing")))];

    [Fact]
    public async Task A_silo_that_saw_the_log_empty_reads_what_another_silo_wrote_since()
    {
        var writer = Store();
        var reader = Store();
        Assert.Empty(await reader.ReadAsync("org", 1, 100)); // the reader's view: an empty log

        await writer.AppendAsync("org", Events(1, 30));

        var read = await reader.ReadAsync("org", 1, 100);
        Assert.Equal(Enumerable.Range(1, 30).Select(i => (long)i), read.Select(e => e.Sequence));
        Assert.Equal(30, await reader.ReloadAsync("org"));
    }

    [Fact]
    public async Task A_silo_reads_past_the_segment_it_knew_into_segments_another_silo_started()
    {
        // Segments of a few hundred bytes: every append after the first starts a new blob.
        var writer = Store(maxSegmentBytes: 200);
        var reader = Store(maxSegmentBytes: 200);
        await writer.AppendAsync("org", Events(1, 5));
        Assert.Equal(5, (await reader.ReadAsync("org", 1, 100)).Count);

        for (var from = 6L; from <= 45; from += 5) await writer.AppendAsync("org", Events(from, 5));

        var all = new List<LoggedEvent>();
        for (var next = 6L; next <= 45;)
        {
            var page = await reader.ReadAsync("org", next, 7);
            Assert.NotEmpty(page); // never "nothing there" while the log holds more
            all.AddRange(page);
            next = page[^1].Sequence + 1;
        }
        Assert.Equal(Enumerable.Range(6, 40).Select(i => (long)i), all.Select(e => e.Sequence));
        Assert.Equal("e45", all[^1].Event.Id);
    }

    [Fact]
    public async Task A_silo_reads_the_tail_another_silo_appended_to_the_segment_it_knew()
    {
        var writer = Store();
        var reader = Store();
        await writer.AppendAsync("org", Events(1, 10));
        Assert.Equal(10, (await reader.ReadAsync("org", 1, 100)).Count);

        await writer.AppendAsync("org", Events(11, 10));

        var read = await reader.ReadAsync("org", 11, 100);
        Assert.Equal(Enumerable.Range(11, 10).Select(i => (long)i), read.Select(e => e.Sequence));
    }
}
