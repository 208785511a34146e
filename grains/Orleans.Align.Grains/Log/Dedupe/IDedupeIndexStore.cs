namespace Orleans.Align.Grains.Log.Dedupe;

/// <summary>
/// The durable form of an organization's dedupe index: sealed runs (sorted ids) and their summaries
/// (filter and fences). A run is visible only once its summary is written, which is therefore written last.
/// </summary>
public interface IDedupeIndexStore
{
    /// <summary>Stores a run and then its summary. Completes when both are durable.</summary>
    Task WriteRunAsync(string orgId, RunSummary summary, byte[] run, CancellationToken cancellationToken = default);

    /// <summary>Every run summary of the organization (a bounded read: filters and fences, never the ids).</summary>
    Task<IReadOnlyList<RunSummary>> LoadSummariesAsync(string orgId, CancellationToken cancellationToken = default);

    /// <summary>Reads <paramref name="length"/> bytes of a run from <paramref name="offset"/>: one block for an exact check.</summary>
    Task<byte[]> ReadRunAsync(string orgId, string runName, long offset, int length, CancellationToken cancellationToken = default);

    /// <summary>Deletes an expired run (its summary first, so a half-deleted run is simply not there).</summary>
    Task DeleteRunAsync(string orgId, string runName, CancellationToken cancellationToken = default);
}

/// <summary>The index in process memory, for development and tests that make no durability claim.</summary>
public sealed class MemoryDedupeIndexStore : IDedupeIndexStore
{
    private readonly Dictionary<(string Org, string Run), (byte[] Summary, byte[] Run)> _runs = [];
    private readonly Lock _gate = new();

    public Task WriteRunAsync(string orgId, RunSummary summary, byte[] run, CancellationToken cancellationToken = default)
    {
        lock (_gate) _runs[(orgId, summary.Name)] = (summary.ToBytes(), run);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<RunSummary>> LoadSummariesAsync(string orgId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<RunSummary>>(
                [.. _runs.Where(r => r.Key.Org == orgId).Select(r => RunSummary.FromBytes(r.Key.Run, r.Value.Summary))]);
        }
    }

    public Task<byte[]> ReadRunAsync(string orgId, string runName, long offset, int length, CancellationToken cancellationToken = default)
    {
        lock (_gate) return Task.FromResult(_runs[(orgId, runName)].Run.AsSpan((int)offset, length).ToArray());
    }

    public Task DeleteRunAsync(string orgId, string runName, CancellationToken cancellationToken = default)
    {
        lock (_gate) _runs.Remove((orgId, runName));
        return Task.CompletedTask;
    }
}
