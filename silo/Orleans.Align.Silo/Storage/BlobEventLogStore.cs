using System.Collections.Concurrent;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Orleans.Align.Grains.Log;
using Orleans.Align.Grains.Timeline;

namespace Orleans.Align.Silo.Storage;

/// <summary>Configuration section <c>Align:Storage:Log</c>.</summary>
public sealed class BlobEventLogOptions
{
    public string ContainerName { get; set; } = "align-log";

    /// <summary>Where the index that provenance and replay read through is cached (derived data, rebuilt from the log if lost).</summary>
    public string IndexContainerName { get; set; } = "align-log-index";

    /// <summary>A segment (one append blob) is closed and a new one started past this size.</summary>
    public long MaxSegmentBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>The largest single append; Azure accepts 4 MiB blocks on every service version.</summary>
    public int MaxBlockBytes { get; set; } = 4 * 1024 * 1024;
}

/// <summary>
/// Each organization's log is a series of append blobs (segments) named <c>{org}/{firstSequence}.log</c>,
/// zero-padded so that names sort in log order. Every group commit is one append block written with
/// <c>If-Append-Position-Equal</c>: two writers can never interleave, a block is all or nothing, and
/// a writer that lost track (a timeout whose write did land) reloads the tail before writing again.
/// An in-memory sparse index (sequence → byte offset) lets readers start near where they need.
/// </summary>
public sealed class BlobEventLogStore(BlobContainerClient container, BlobEventLogOptions options, ILogger<BlobEventLogStore> logger, LogIndexes? indexes = null) : IEventLogStore
{
    private const long IndexEveryBytes = 256 * 1024;
    private readonly ConcurrentDictionary<string, OrgLog> _logs = new(StringComparer.Ordinal);
    private volatile bool _containerReady;

    public Task AppendAsync(string orgId, IReadOnlyList<LoggedEvent> events, CancellationToken cancellationToken = default) =>
        events.Count == 0 ? Task.CompletedTask : UnderGateAsync(orgId, async log =>
        {
            if (events[0].Sequence != log.LastSequence + 1)
                throw new InvalidOperationException($"The log of '{orgId}' is at {log.LastSequence}; an append must start at {log.LastSequence + 1}, not {events[0].Sequence}.");

            var data = LogRecordFormat.Encode(events);
            var segment = log.Segments.Count > 0 ? log.Segments[^1] : null;
            if (segment is null || (segment.Length > 0 && segment.Length + data.Length > options.MaxSegmentBytes) || segment.Blocks > 45_000)
            {
                segment = new Segment(events[0].Sequence, SegmentName(orgId, events[0].Sequence)) { Indexed = true };
                await container.GetAppendBlobClient(segment.BlobName).CreateAsync(
                    new AppendBlobCreateOptions { Conditions = new AppendBlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken);
                log.Segments.Add(segment);
            }

            var blob = container.GetAppendBlobClient(segment.BlobName);
            var dataStart = segment.Length;
            var chunkStart = 0;
            var sequenceIndex = 0;
            while (chunkStart < data.Length)
            {
                var chunkLength = ChunkLength(data, chunkStart, options.MaxBlockBytes);
                using var stream = new MemoryStream(data, chunkStart, chunkLength, writable: false);
                await blob.AppendBlockAsync(stream, new AppendBlobAppendBlockOptions
                {
                    Conditions = new AppendBlobRequestConditions { IfAppendPositionEqual = segment.Length },
                }, cancellationToken);
                segment.Index.Add((events[sequenceIndex].Sequence, segment.Length));
                segment.Length += chunkLength;
                segment.Blocks++;
                sequenceIndex += CountLines(data.AsSpan(chunkStart, chunkLength));
                chunkStart += chunkLength;
            }
            log.LastSequence = segment.LastSequence = events[^1].Sequence;
            HandToIndex(orgId, segment.FirstSequence, dataStart, data, events);
            return true;
        }, cancellationToken);

    public Task<IReadOnlyList<LoggedEvent>> ReadAsync(string orgId, long fromSequence, int maxCount, CancellationToken cancellationToken = default) =>
        UnderGateAsync<IReadOnlyList<LoggedEvent>>(orgId, async log =>
        {
            if (fromSequence > log.LastSequence)
            {
                // Another silo may have written since we looked (after a failover): read what it
                // appended, and only that (a stale view would answer "nothing there"). It may also have
                // started the log (we saw it empty) or a new segment, which the tail alone does not show.
                await CatchUpWithStorageAsync(orgId, log, cancellationToken);
                if (fromSequence > log.LastSequence) return [];
            }

            var result = new List<LoggedEvent>(Math.Min(maxCount, 4096));
            var segmentIndex = log.Segments.FindLastIndex(s => s.FirstSequence <= fromSequence);
            for (var i = Math.Max(0, segmentIndex); i < log.Segments.Count && result.Count < maxCount; i++)
            {
                var segment = log.Segments[i];
                if (!segment.Indexed) await ScanAsync(segment, cancellationToken);
                var start = segment.Index.FindLastIndex(e => e.Sequence <= fromSequence);
                var offset = start < 0 ? 0 : segment.Index[start].Offset;
                await ReadRangeAsync(segment, offset, segment.Length, e =>
                {
                    if (e.Sequence >= fromSequence) result.Add(e);
                    return result.Count < maxCount;
                }, cancellationToken);
            }
            return result;
        }, cancellationToken);

    public Task<long> GetLastSequenceAsync(string orgId, CancellationToken cancellationToken = default) =>
        UnderGateAsync(orgId, log => Task.FromResult(log.LastSequence), cancellationToken);

    /// <summary>
    /// Forgets what this process believed about the log and reads its tail again. An ingest grain
    /// that activates here may follow one on another silo that wrote more since this silo last looked.
    /// </summary>
    public Task<long> ReloadAsync(string orgId, CancellationToken cancellationToken = default) =>
        UnderGateAsync(orgId, async log =>
        {
            // A new segment started elsewhere means a full reload; otherwise the tail's new bytes suffice.
            await CatchUpWithStorageAsync(orgId, log, cancellationToken);
            return log.LastSequence;
        }, cancellationToken);

    /// <summary>
    /// Brings this process's view of the log up to what storage holds: a whole reload when the log
    /// was empty here or a segment starts right after the last sequence we know, else only the bytes
    /// appended to the tail segment.
    /// </summary>
    private async Task CatchUpWithStorageAsync(string orgId, OrgLog log, CancellationToken cancellationToken)
    {
        var newer = container.GetAppendBlobClient(SegmentName(orgId, log.LastSequence + 1));
        if (log.Segments.Count == 0 || (await newer.ExistsAsync(cancellationToken)).Value)
        {
            log.Loaded = false;
            await EnsureLoadedAsync(orgId, log, cancellationToken);
        }
        else
        {
            await RefreshTailAsync(log, cancellationToken);
        }
    }

    /// <summary>
    /// One operation at a time per organization, on a loaded view of its log. Whatever fails, what we
    /// believe about the tail may be wrong now: it is reloaded before the next operation.
    /// </summary>
    private async Task<T> UnderGateAsync<T>(string orgId, Func<OrgLog, Task<T>> operation, CancellationToken cancellationToken)
    {
        var log = _logs.GetOrAdd(orgId, _ => new OrgLog());
        await log.Gate.WaitAsync(cancellationToken);
        try
        {
            await EnsureLoadedAsync(orgId, log, cancellationToken);
            return await operation(log);
        }
        catch
        {
            log.Loaded = false;
            throw;
        }
        finally
        {
            log.Gate.Release();
        }
    }

    private async Task EnsureLoadedAsync(string orgId, OrgLog log, CancellationToken cancellationToken)
    {
        if (log.Loaded) return;
        if (!_containerReady)
        {
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _containerReady = true;
        }

        var segments = new List<Segment>();
        await foreach (var item in container.GetBlobsAsync(new GetBlobsOptions { Prefix = orgId + "/" }, cancellationToken))
        {
            var name = item.Name[(orgId.Length + 1)..];
            if (!name.EndsWith(".log", StringComparison.Ordinal) || !long.TryParse(name[..^4], out var first)) continue;
            segments.Add(new Segment(first, item.Name) { Length = item.Properties.ContentLength ?? 0 });
        }
        segments.Sort((a, b) => a.FirstSequence.CompareTo(b.FirstSequence));

        long last = 0;
        if (segments.Count > 0)
        {
            var tail = segments[^1];
            last = tail.FirstSequence - 1;
            await ScanAsync(tail, cancellationToken);
            if (tail.LastSequence > 0) last = tail.LastSequence;
        }
        log.Segments = segments;
        log.LastSequence = last;
        log.Loaded = true;
        logger.LogInformation("Loaded the log of {OrgId}: {Segments} segment(s), last sequence {Last}", orgId, segments.Count, last);
    }

    /// <summary>
    /// Reads only what was appended to the tail segment since this process looked (by another silo,
    /// after a failover) and extends the view and the index with it. Cheap when nothing changed: one
    /// properties request.
    /// </summary>
    private async Task RefreshTailAsync(OrgLog log, CancellationToken cancellationToken)
    {
        if (log.Segments.Count == 0) return;
        var tail = log.Segments[^1];
        if (!tail.Indexed) await ScanAsync(tail, cancellationToken);
        var properties = await container.GetAppendBlobClient(tail.BlobName).GetPropertiesAsync(cancellationToken: cancellationToken);
        var length = properties.Value.ContentLength;
        if (length <= tail.Length) return;
        var first = true;
        long lineStart = tail.Length;
        await ReadRangeAsync(tail, tail.Length, length, e =>
        {
            if (first) tail.Index.Add((e.Sequence, lineStart));
            first = false;
            tail.LastSequence = e.Sequence;
            return true;
        }, cancellationToken, offset => lineStart = offset);
        tail.Length = length;
        tail.Blocks = properties.Value.BlobCommittedBlockCount;
        log.LastSequence = Math.Max(log.LastSequence, tail.LastSequence);
    }

    /// <summary>Reads a whole segment once to learn its length, last sequence and a sparse index.</summary>
    private async Task ScanAsync(Segment segment, CancellationToken cancellationToken)
    {
        var properties = await container.GetAppendBlobClient(segment.BlobName).GetPropertiesAsync(cancellationToken: cancellationToken);
        segment.Length = properties.Value.ContentLength;
        segment.Blocks = properties.Value.BlobCommittedBlockCount;
        segment.Index.Clear();
        long lastIndexed = -IndexEveryBytes;
        long lineStart = 0;
        await ReadRangeAsync(segment, 0, segment.Length, e =>
        {
            // lineStart is the offset of this record's line; index it every IndexEveryBytes.
            if (lineStart - lastIndexed >= IndexEveryBytes)
            {
                segment.Index.Add((e.Sequence, lineStart));
                lastIndexed = lineStart;
            }
            segment.LastSequence = e.Sequence;
            return true;
        }, cancellationToken, (offset) => lineStart = offset);
        segment.Indexed = true;
    }

    /// <summary>Streams records from [from, to) in ranged reads, stopping when <paramref name="onRecord"/> says so.</summary>
    private async Task ReadRangeAsync(Segment segment, long from, long to, Func<LoggedEvent, bool> onRecord, CancellationToken cancellationToken, Action<long>? onNextLineStart = null)
    {
        var blob = container.GetAppendBlobClient(segment.BlobName);
        var carry = Array.Empty<byte>();
        var position = from;
        onNextLineStart?.Invoke(position);
        var go = true;
        while (go && position < to)
        {
            var length = Math.Min(options.MaxBlockBytes, to - position);
            var download = await blob.DownloadContentAsync(new BlobDownloadOptions { Range = new HttpRange(position, length) }, cancellationToken);
            var bytes = download.Value.Content.ToArray();
            var data = carry.Length == 0 ? bytes : [.. carry, .. bytes];
            var dataStart = position - carry.Length;
            var consumed = LogRecordFormat.Decode(data, (e, end) =>
            {
                go = onRecord(e);
                onNextLineStart?.Invoke(dataStart + end);
                return go;
            });
            carry = data[consumed..];
            position += bytes.Length;
            if (bytes.Length == 0) break;
        }
    }

    /// <summary>
    /// Gives what was just appended, with where each line starts, to the provenance index (if a query
    /// opened one here), so that it need not read and parse it back. It only enqueues: never waits.
    /// </summary>
    private void HandToIndex(string orgId, long segment, long dataStart, byte[] data, IReadOnlyList<LoggedEvent> events)
    {
        if (indexes is null) return;
        try
        {
            var positioned = new PositionedEvent[events.Count];
            var lineStart = 0;
            for (var i = 0; i < events.Count; i++)
            {
                positioned[i] = new PositionedEvent(events[i], dataStart + lineStart);
                lineStart = Array.IndexOf(data, (byte)'\n', lineStart) + 1;
            }
            indexes.Appended(orgId, segment, positioned, dataStart + data.Length);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Handing an append of {OrgId} to the provenance index failed; it is read from the log instead", orgId);
        }
    }

    private static int ChunkLength(byte[] data, int start, int max)
    {
        if (data.Length - start <= max) return data.Length - start;
        var cut = Array.LastIndexOf(data, (byte)'\n', start + max - 1, max);
        if (cut < start) throw new InvalidOperationException("A single log record is larger than a block.");
        return cut - start + 1;
    }

    private static int CountLines(ReadOnlySpan<byte> data) => data.Count((byte)'\n');

    private static string SegmentName(string orgId, long firstSequence) => $"{orgId}/{firstSequence:D19}.log";

    private sealed class OrgLog
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);
        public bool Loaded { get; set; }
        public List<Segment> Segments { get; set; } = [];
        public long LastSequence { get; set; }
    }

    private sealed class Segment(long firstSequence, string blobName)
    {
        public long FirstSequence { get; } = firstSequence;
        public string BlobName { get; } = blobName;
        public long Length { get; set; }
        public int Blocks { get; set; }
        public long LastSequence { get; set; }
        public bool Indexed { get; set; }
        public List<(long Sequence, long Offset)> Index { get; } = [];
    }
}
