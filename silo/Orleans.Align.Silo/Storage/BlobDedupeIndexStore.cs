using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Orleans.Align.Grains.Log.Dedupe;

namespace Orleans.Align.Silo.Storage;

/// <summary>
/// The dedupe index in Azure Blob storage, container <c>Align:Storage:DedupeContainer</c>: per sealed
/// or compacted run a block blob <c>{org}/{first}-{last}.run</c> (ids sorted by hash, read a block at a
/// time with ranged reads, or front to back by a compaction) and a small <c>{org}/{first}-{last}.summary</c>
/// (filter and fences) that is written after the run and is what makes it count. A restart lists and
/// reads the summaries only. The key is a partition's (<c>{org}/{p}</c>), or an organization's own for
/// the runs written before the index was partitioned.
/// </summary>
public sealed class BlobDedupeIndexStore(BlobContainerClient container) : IDedupeIndexStore
{
    private const int StreamBufferBytes = 4 * 1024 * 1024;
    private volatile bool _containerReady;

    public async Task WriteRunAsync(string orgId, RunSummary summary, byte[] run, CancellationToken cancellationToken = default)
    {
        await EnsureContainerAsync(cancellationToken);
        await container.GetBlobClient(RunBlob(orgId, summary.Name)).UploadAsync(BinaryData.FromBytes(run), overwrite: true, cancellationToken);
        await WriteSummaryAsync(orgId, summary, cancellationToken);
    }

    public async Task<Stream> OpenRunWriteAsync(string orgId, string runName, CancellationToken cancellationToken = default)
    {
        await EnsureContainerAsync(cancellationToken);
        // Staged blocks, committed when the stream is flushed: a run of any size, never whole in memory.
        return await container.GetBlockBlobClient(RunBlob(orgId, runName))
            .OpenWriteAsync(overwrite: true, new BlockBlobOpenWriteOptions { BufferSize = StreamBufferBytes }, cancellationToken);
    }

    public async Task WriteSummaryAsync(string orgId, RunSummary summary, CancellationToken cancellationToken = default)
    {
        await EnsureContainerAsync(cancellationToken);
        await container.GetBlobClient(SummaryBlob(orgId, summary.Name)).UploadAsync(BinaryData.FromBytes(summary.ToBytes()), overwrite: true, cancellationToken);
    }

    /// <summary>
    /// Lists and reads every summary. A summary deleted between the listing and its read (an earlier
    /// activation's compaction or expiry finishing) starts the listing again: skipping it could miss
    /// both a compaction's inputs and its output, listed before the output existed.
    /// </summary>
    public async Task<IReadOnlyList<RunSummary>> LoadSummariesAsync(string orgId, CancellationToken cancellationToken = default)
    {
        await EnsureContainerAsync(cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var summaries = new List<RunSummary>();
                await foreach (var item in container.GetBlobsAsync(new GetBlobsOptions { Prefix = orgId + "/" }, cancellationToken))
                {
                    if (!item.Name.EndsWith(".summary", StringComparison.Ordinal)) continue;
                    var name = item.Name[(orgId.Length + 1)..^".summary".Length];
                    // A partition's runs ({org}/{p}/...) are under an organization's key too; they are its partition's, not its own.
                    if (name.Contains('/')) continue;
                    var content = await container.GetBlobClient(item.Name).DownloadContentAsync(cancellationToken);
                    summaries.Add(RunSummary.FromBytes(name, content.Value.Content.ToMemory().Span));
                }
                return summaries;
            }
            catch (RequestFailedException ex) when (ex.Status == 404 && attempt < 5)
            {
                // Listed, then deleted: list again.
            }
        }
    }

    public async Task<byte[]> ReadRunAsync(string orgId, string runName, long offset, int length, CancellationToken cancellationToken = default)
    {
        var download = await container.GetBlobClient(RunBlob(orgId, runName))
            .DownloadContentAsync(new BlobDownloadOptions { Range = new HttpRange(offset, length) }, cancellationToken);
        return download.Value.Content.ToArray();
    }

    public Task<Stream> OpenRunReadAsync(string orgId, string runName, CancellationToken cancellationToken = default) =>
        // Runs are written once and never modified: no need to pin an ETag.
        container.GetBlobClient(RunBlob(orgId, runName))
            .OpenReadAsync(new BlobOpenReadOptions(allowModifications: false) { BufferSize = StreamBufferBytes }, cancellationToken);

    public async Task DeleteRunAsync(string orgId, string runName, CancellationToken cancellationToken = default)
    {
        await container.GetBlobClient(SummaryBlob(orgId, runName)).DeleteIfExistsAsync(cancellationToken: cancellationToken);
        await container.GetBlobClient(RunBlob(orgId, runName)).DeleteIfExistsAsync(cancellationToken: cancellationToken);
    }

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (_containerReady) return;
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        _containerReady = true;
    }

    private static string RunBlob(string orgId, string runName) => $"{orgId}/{runName}.run";

    private static string SummaryBlob(string orgId, string runName) => $"{orgId}/{runName}.summary";
}
