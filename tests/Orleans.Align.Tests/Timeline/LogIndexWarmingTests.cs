using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Align.Grains.Log;
using Orleans.Align.Grains.Timeline;
using Orleans.Align.Tests.Cluster;

namespace Orleans.Align.Tests.Timeline;

/// <summary>
/// The first query of a silo whose index is cold: it is answered within bounded time, with the index
/// or with a retryable refusal that says when to retry, and the warming goes on without it. And a
/// chunk saved and loaded again answers exactly as the chunk that was saved.
/// </summary>
public sealed class LogIndexWarmingTests
{
    private const string Org = "org-warming";
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_cold_index_that_takes_long_is_refused_as_retryable_within_the_wait_and_a_retry_gets_it()
    {
        var log = new MemoryEventLogStore();
        await log.AppendAsync(Org, Events(1, 500));
        var reader = new HeldReader(log);
        var indexes = new LogIndexes(reader, new NoLogIndexStore(),
            Microsoft.Extensions.Options.Options.Create(new TimelineOptions { ChunkEvents = 64, MarkEvery = 8, WarmWait = TimeSpan.FromMilliseconds(200) }),
            NullLogger<LogIndex>.Instance);

        // The warming is stuck in its first read of the log: the query does not wait with it.
        var refused = await Assert.ThrowsAsync<AlignException>(() => indexes.For(Org).CatchUpAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(AlignErrorKind.Unavailable, refused.Kind);
        Assert.InRange(refused.RetryAfterSeconds ?? 0, 1, 60);
        Assert.True(reader.Entered.Task.IsCompleted);

        // A caller that gives up does not stop the warming either: the retry finds the work done.
        reader.Release();
        await Eventually.Holds(async () =>
        {
            IndexSnapshot snapshot;
            try
            {
                snapshot = await indexes.For(Org).CatchUpAsync(CancellationToken.None);
            }
            catch (AlignException still)
            {
                Assert.Fail(still.Message);
                return;
            }
            Assert.Equal(500, snapshot.LastSequence);
            Assert.Equal(500, snapshot.Chunks.Sum(c => c.Count));
        }, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_chunk_saved_and_loaded_again_answers_as_the_chunk_that_was_saved()
    {
        var builder = new LogChunkBuilder();
        var offset = 0L;
        foreach (var e in Events(1_001, 300))
        {
            builder.Add(e, segment: 1, offset, offset + 100, markEvery: 8);
            offset += 100;
        }
        var chunk = builder.Build();

        var loaded = LogChunk.Deserialize(chunk.Serialize());

        Assert.Equal((chunk.FirstSequence, chunk.LastSequence, chunk.Count, chunk.EndSegment, chunk.EndOffset),
            (loaded.FirstSequence, loaded.LastSequence, loaded.Count, loaded.EndSegment, loaded.EndOffset));
        Assert.Equal(chunk.Marks, loaded.Marks);
        Assert.Equal(Describe(chunk), Describe(loaded));
        Assert.Equal(300, chunk.Count);
    }

    /// <summary>Every key, cell and event of a chunk, as text.</summary>
    private static List<string> Describe(LogChunk chunk)
    {
        var lines = new List<string>();
        for (var k = 0; k < chunk.KeyCount; k++)
        {
            foreach (var cell in chunk.CellsOf(k).ToArray())
            {
                lines.Add($"{chunk.KeyAt(k)} {cell}");
                for (var i = 0; i < cell.EventCount; i++) lines.Add($"  {chunk.SequenceAt(cell, i)} {chunk.TicksAt(cell, i)} {chunk.ValueAt(cell, i)}");
            }
        }
        return lines;
    }

    private static List<LoggedEvent> Events(long first, int count)
    {
        string?[] campaigns = ["launch", "spring", null];
        return [.. Enumerable.Range(0, count).Select(i => new LoggedEvent(first + i, new MetricEvent(
            $"e{first + i}", i % 3 == 0 ? "visits" : "leads", i % 7 + 0.5, Now.AddMinutes(-(i * 37 % 400)).AddSeconds(i % 60), campaigns[i % 3], i % 2 == 0 ? "marketing" : null)))];
    }

    /// <summary>Every ranged read waits for <see cref="Release"/>.</summary>
    private sealed class HeldReader(IEventLogReader inner) : IEventLogReader
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _released.TrySetResult();

        public Task<IReadOnlyList<LogSegmentExtent>> GetSegmentsAsync(string orgId, CancellationToken cancellationToken) => inner.GetSegmentsAsync(orgId, cancellationToken);

        public async Task<LogRangeRead> ReadRangeAsync(string orgId, long segment, long fromOffset, long toOffset, CancellationToken cancellationToken)
        {
            Entered.TrySetResult();
            await _released.Task.WaitAsync(cancellationToken);
            return await inner.ReadRangeAsync(orgId, segment, fromOffset, toOffset, cancellationToken);
        }
    }
}
