using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Orleans.Align.Grains;
using Orleans.Align.Grains.Log;

namespace Orleans.Align.Silo.Storage;

/// <summary>
/// Reads the blob log for provenance and replay without <see cref="BlobEventLogStore"/>'s per-organization
/// gate. An append blob is immutable up to its committed length and every group commit ends with a
/// whole line, so a listing (names and lengths: one request) is a consistent snapshot of the log, and
/// any range below those lengths can be read while appends go on. Works across silos: it trusts no
/// process's view of the tail.
/// </summary>
public sealed class BlobEventLogReader(BlobContainerClient container) : IEventLogReader
{
    public async Task<IReadOnlyList<LogSegmentExtent>> GetSegmentsAsync(string orgId, CancellationToken cancellationToken)
    {
        var segments = new List<LogSegmentExtent>();
        try
        {
            await foreach (var item in container.GetBlobsAsync(new GetBlobsOptions { Prefix = orgId + "/" }, cancellationToken))
            {
                var name = item.Name[(orgId.Length + 1)..];
                if (!name.EndsWith(".log", StringComparison.Ordinal) || !long.TryParse(name[..^4], out var first)) continue;
                segments.Add(new LogSegmentExtent(first, item.Properties.ContentLength ?? 0));
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return []; // No log container yet: no events.
        }
        segments.Sort((a, b) => a.FirstSequence.CompareTo(b.FirstSequence));
        return segments;
    }

    public async Task<LogRangeRead> ReadRangeAsync(string orgId, long segment, long fromOffset, long toOffset, CancellationToken cancellationToken)
    {
        if (toOffset <= fromOffset) return new LogRangeRead([], fromOffset);
        var blob = container.GetAppendBlobClient($"{orgId}/{segment:D19}.log");
        var download = await blob.DownloadContentAsync(new BlobDownloadOptions { Range = new HttpRange(fromOffset, toOffset - fromOffset) }, cancellationToken);
        AlignMetrics.LogReads.Add(1);
        var bytes = download.Value.Content.ToMemory();
        var events = new List<PositionedEvent>();
        var lineStart = 0;
        var consumed = LogRecordFormat.Decode(bytes.Span, (e, end) =>
        {
            events.Add(new PositionedEvent(e, fromOffset + lineStart));
            lineStart = end;
            return true;
        });
        return new LogRangeRead(events, fromOffset + consumed);
    }
}
