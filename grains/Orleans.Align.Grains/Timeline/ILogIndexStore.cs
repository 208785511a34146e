namespace Orleans.Align.Grains.Timeline;

/// <summary>
/// Where full index chunks are kept between processes, so that a silo that starts does not read the
/// whole log again to answer its first provenance or replay. The index is derived data: losing it
/// costs one read of the log, never a wrong answer.
/// </summary>
public interface ILogIndexStore
{
    Task SaveAsync(string orgId, LogChunk chunk, CancellationToken cancellationToken);

    /// <summary>The saved chunks of an organization's log, in log order.</summary>
    Task<IReadOnlyList<LogChunk>> LoadAsync(string orgId, CancellationToken cancellationToken);
}

/// <summary>Keeps nothing: with the in-memory log, the index lives and dies with the process like the log.</summary>
public sealed class NoLogIndexStore : ILogIndexStore
{
    public Task SaveAsync(string orgId, LogChunk chunk, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IReadOnlyList<LogChunk>> LoadAsync(string orgId, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<LogChunk>>([]);
}
