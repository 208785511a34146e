namespace Orleans.Align.Grains.Log.Dedupe;

/// <summary>
/// The durable form of an organization's dedupe index: sealed runs (sorted ids) and their summaries
/// (filter and fences). A run is visible only once its summary is written, which is therefore written last.
/// </summary>
public interface IDedupeIndexStore
{
    /// <summary>Stores a run and then its summary. Completes when both are durable.</summary>
    Task WriteRunAsync(string orgId, RunSummary summary, byte[] run, CancellationToken cancellationToken = default);

    /// <summary>
    /// A stream that writes a run blob of any size (a compaction's output); the blob is complete once
    /// the stream is flushed. Invisible to lookups and restarts until <see cref="WriteSummaryAsync"/>.
    /// </summary>
    Task<Stream> OpenRunWriteAsync(string orgId, string runName, CancellationToken cancellationToken = default);

    /// <summary>Writes a run's summary: the commit point of a run written through <see cref="OpenRunWriteAsync"/>.</summary>
    Task WriteSummaryAsync(string orgId, RunSummary summary, CancellationToken cancellationToken = default);

    /// <summary>Every run summary of the organization (a bounded read: filters and fences, never the ids).</summary>
    Task<IReadOnlyList<RunSummary>> LoadSummariesAsync(string orgId, CancellationToken cancellationToken = default);

    /// <summary>Reads <paramref name="length"/> bytes of a run from <paramref name="offset"/>: one block for an exact check.</summary>
    Task<byte[]> ReadRunAsync(string orgId, string runName, long offset, int length, CancellationToken cancellationToken = default);

    /// <summary>A stream over a whole run, front to back (a compaction's input).</summary>
    Task<Stream> OpenRunReadAsync(string orgId, string runName, CancellationToken cancellationToken = default);

    /// <summary>Deletes an expired or compacted run (its summary first, so a half-deleted run is simply not there).</summary>
    Task DeleteRunAsync(string orgId, string runName, CancellationToken cancellationToken = default);
}

/// <summary>The index in process memory, for development and tests that make no durability claim.</summary>
public sealed class MemoryDedupeIndexStore : IDedupeIndexStore
{
    private readonly Dictionary<(string Org, string Run), byte[]> _runs = [];
    private readonly Dictionary<(string Org, string Run), byte[]> _summaries = [];
    private readonly Lock _gate = new();

    public Task WriteRunAsync(string orgId, RunSummary summary, byte[] run, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _runs[(orgId, summary.Name)] = run;
            _summaries[(orgId, summary.Name)] = summary.ToBytes();
        }
        return Task.CompletedTask;
    }

    public Task<Stream> OpenRunWriteAsync(string orgId, string runName, CancellationToken cancellationToken = default) =>
        Task.FromResult<Stream>(new RunWriteStream(this, orgId, runName));

    public Task WriteSummaryAsync(string orgId, RunSummary summary, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_runs.ContainsKey((orgId, summary.Name))) throw new InvalidOperationException($"The run '{summary.Name}' was not written.");
            _summaries[(orgId, summary.Name)] = summary.ToBytes();
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<RunSummary>> LoadSummariesAsync(string orgId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<RunSummary>>(
                [.. _summaries.Where(r => r.Key.Org == orgId).Select(r => RunSummary.FromBytes(r.Key.Run, r.Value))]);
        }
    }

    public Task<byte[]> ReadRunAsync(string orgId, string runName, long offset, int length, CancellationToken cancellationToken = default)
    {
        lock (_gate) return Task.FromResult(_runs[(orgId, runName)].AsSpan((int)offset, length).ToArray());
    }

    public Task<Stream> OpenRunReadAsync(string orgId, string runName, CancellationToken cancellationToken = default)
    {
        lock (_gate) return Task.FromResult<Stream>(new MemoryStream(_runs[(orgId, runName)], writable: false));
    }

    public Task DeleteRunAsync(string orgId, string runName, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _summaries.Remove((orgId, runName));
            _runs.Remove((orgId, runName));
        }
        return Task.CompletedTask;
    }

    /// <summary>How many run blobs are stored, summaries or not (tests: compaction leaves no inputs behind).</summary>
    public int RunBlobs(string orgId)
    {
        lock (_gate) return _runs.Keys.Count(k => k.Org == orgId);
    }

    /// <summary>Like a blob's write stream: the bytes exist once it is flushed.</summary>
    private sealed class RunWriteStream(MemoryDedupeIndexStore store, string orgId, string runName) : MemoryStream
    {
        public override void Flush()
        {
            base.Flush();
            lock (store._gate) store._runs[(orgId, runName)] = ToArray();
        }

        public override Task FlushAsync(CancellationToken cancellationToken)
        {
            Flush();
            return Task.CompletedTask;
        }
    }
}
