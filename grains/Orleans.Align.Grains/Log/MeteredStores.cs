using System.Diagnostics;
using Orleans.Align.Grains.Log.Dedupe;
using Orleans.Align.Grains.Timeline;

namespace Orleans.Align.Grains.Log;

/// <summary>
/// <c>align.storage.duration</c> and <c>align.storage.failures</c> for the stores the product writes
/// itself (grain state has Orleans' own storage instruments). Decorators, so the blob stores stay about
/// blobs; each call is timed as its caller sees it, the store's own queueing and the client's retries included.
/// </summary>
public static class MeteredStores
{
    public const string EventLog = "event-log", EventLogReader = "event-log-reader", DedupeIndex = "dedupe-index", LogIndex = "log-index";

    public static async Task<T> TimeAsync<T>(string store, string operation, Func<Task<T>> call)
    {
        var started = Stopwatch.GetTimestamp();
        var tags = new TagList { { AlignMetrics.StoreTag, store }, { AlignMetrics.OperationTag, operation } };
        try
        {
            return await call();
        }
        catch
        {
            AlignMetrics.StorageFailures.Add(1, tags);
            throw;
        }
        finally
        {
            AlignMetrics.StorageDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, tags);
        }
    }

    public static Task TimeAsync(string store, string operation, Func<Task> call) =>
        TimeAsync(store, operation, async () => { await call(); return true; });
}

public sealed class MeteredEventLogStore(IEventLogStore inner) : IEventLogStore
{
    private const string Store = MeteredStores.EventLog;

    public Task AppendAsync(string orgId, IReadOnlyList<LoggedEvent> events, CancellationToken cancellationToken = default) =>
        MeteredStores.TimeAsync(Store, "append", () => inner.AppendAsync(orgId, events, cancellationToken));

    public Task<IReadOnlyList<LoggedEvent>> ReadAsync(string orgId, long fromSequence, int maxCount, CancellationToken cancellationToken = default) =>
        MeteredStores.TimeAsync(Store, "read", () => inner.ReadAsync(orgId, fromSequence, maxCount, cancellationToken));

    public Task<long> GetLastSequenceAsync(string orgId, CancellationToken cancellationToken = default) =>
        MeteredStores.TimeAsync(Store, "last-sequence", () => inner.GetLastSequenceAsync(orgId, cancellationToken));

    public Task<long> ReloadAsync(string orgId, CancellationToken cancellationToken = default) =>
        MeteredStores.TimeAsync(Store, "reload", () => inner.ReloadAsync(orgId, cancellationToken));
}

public sealed class MeteredEventLogReader(IEventLogReader inner) : IEventLogReader
{
    private const string Store = MeteredStores.EventLogReader;

    public Task<IReadOnlyList<LogSegmentExtent>> GetSegmentsAsync(string orgId, CancellationToken cancellationToken) =>
        MeteredStores.TimeAsync(Store, "segments", () => inner.GetSegmentsAsync(orgId, cancellationToken));

    public Task<LogRangeRead> ReadRangeAsync(string orgId, long segment, long fromOffset, long toOffset, CancellationToken cancellationToken) =>
        MeteredStores.TimeAsync(Store, "read-range", () => inner.ReadRangeAsync(orgId, segment, fromOffset, toOffset, cancellationToken));
}

public sealed class MeteredDedupeIndexStore(IDedupeIndexStore inner) : IDedupeIndexStore
{
    private const string Store = MeteredStores.DedupeIndex;

    public Task WriteRunAsync(string orgId, RunSummary summary, byte[] run, CancellationToken cancellationToken = default) =>
        MeteredStores.TimeAsync(Store, "write-run", () => inner.WriteRunAsync(orgId, summary, run, cancellationToken));

    public Task<Stream> OpenRunWriteAsync(string orgId, string runName, CancellationToken cancellationToken = default) =>
        MeteredStores.TimeAsync(Store, "open-run-write", () => inner.OpenRunWriteAsync(orgId, runName, cancellationToken));

    public Task WriteSummaryAsync(string orgId, RunSummary summary, CancellationToken cancellationToken = default) =>
        MeteredStores.TimeAsync(Store, "write-summary", () => inner.WriteSummaryAsync(orgId, summary, cancellationToken));

    public Task<IReadOnlyList<RunSummary>> LoadSummariesAsync(string orgId, CancellationToken cancellationToken = default) =>
        MeteredStores.TimeAsync(Store, "load-summaries", () => inner.LoadSummariesAsync(orgId, cancellationToken));

    public Task<byte[]> ReadRunAsync(string orgId, string runName, long offset, int length, CancellationToken cancellationToken = default) =>
        MeteredStores.TimeAsync(Store, "read-run", () => inner.ReadRunAsync(orgId, runName, offset, length, cancellationToken));

    public Task<Stream> OpenRunReadAsync(string orgId, string runName, CancellationToken cancellationToken = default) =>
        MeteredStores.TimeAsync(Store, "open-run-read", () => inner.OpenRunReadAsync(orgId, runName, cancellationToken));

    public Task DeleteRunAsync(string orgId, string runName, CancellationToken cancellationToken = default) =>
        MeteredStores.TimeAsync(Store, "delete-run", () => inner.DeleteRunAsync(orgId, runName, cancellationToken));
}

public sealed class MeteredLogIndexStore(ILogIndexStore inner) : ILogIndexStore
{
    private const string Store = MeteredStores.LogIndex;

    public Task SaveAsync(string orgId, LogChunk chunk, CancellationToken cancellationToken) =>
        MeteredStores.TimeAsync(Store, "save", () => inner.SaveAsync(orgId, chunk, cancellationToken));

    public Task<IReadOnlyList<LogChunk>> LoadAsync(string orgId, CancellationToken cancellationToken) =>
        MeteredStores.TimeAsync(Store, "load", () => inner.LoadAsync(orgId, cancellationToken));
}
