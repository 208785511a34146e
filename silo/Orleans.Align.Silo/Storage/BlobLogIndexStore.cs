using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Orleans.Align.Grains.Timeline;

namespace Orleans.Align.Silo.Storage;

/// <summary>
/// Full index chunks as blobs <c>{org}/{first sequence, 19 digits}.idx</c> (gzip'd binary) in their own
/// container, so that a silo starts from them instead of reading the whole log. Derived data: a
/// chunk is written once, any silo may write the same one again (same bytes), and deleting the
/// container only costs a rebuild.
/// </summary>
public sealed class BlobLogIndexStore(BlobContainerClient container) : ILogIndexStore
{
    private const int Parallelism = 16;
    private volatile bool _containerReady;

    public async Task SaveAsync(string orgId, LogChunk chunk, CancellationToken cancellationToken)
    {
        if (!_containerReady)
        {
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _containerReady = true;
        }
        await container.GetBlobClient(Name(orgId, chunk.FirstSequence)).UploadAsync(BinaryData.FromBytes(chunk.Serialize()), overwrite: true, cancellationToken);
    }

    public async Task<IReadOnlyList<LogChunk>> LoadAsync(string orgId, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        try
        {
            await foreach (var item in container.GetBlobsAsync(new GetBlobsOptions { Prefix = orgId + "/" }, cancellationToken))
            {
                if (item.Name.EndsWith(".idx", StringComparison.Ordinal)) names.Add(item.Name);
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return [];
        }
        names.Sort(StringComparer.Ordinal);
        var chunks = new LogChunk?[names.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, names.Count), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var content = await container.GetBlobClient(names[i]).DownloadContentAsync(ct);
            try
            {
                chunks[i] = LogChunk.Deserialize(content.Value.Content.ToArray());
            }
            catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException)
            {
                // Saved by an older format, or damaged: from here on the log is read instead (and the chunks saved again).
                chunks[i] = null;
            }
        });
        return [.. chunks.TakeWhile(c => c is not null).Select(c => c!)];
    }

    private static string Name(string orgId, long firstSequence) => $"{orgId}/{firstSequence:D19}.idx";
}
