namespace Orleans.Align.Grains.Log;

/// <summary>
/// A per-silo, in-memory log for development and unit tests. It is lost with the process, so it makes
/// no durability claim; the Azure Blob log does.
/// </summary>
public sealed class MemoryEventLogStore : IEventLogStore
{
    private readonly Dictionary<string, List<LoggedEvent>> _logs = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public Task AppendAsync(string orgId, IReadOnlyList<LoggedEvent> events, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_logs.TryGetValue(orgId, out var log)) _logs[orgId] = log = [];
            var expected = log.Count + 1L;
            foreach (var e in events)
            {
                if (e.Sequence != expected++)
                    throw new InvalidOperationException($"Log of '{orgId}' expected sequence {expected - 1}, got {e.Sequence}.");
            }
            log.AddRange(events);
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<LoggedEvent>> ReadAsync(string orgId, long fromSequence, int maxCount, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_logs.TryGetValue(orgId, out var log) || fromSequence > log.Count)
                return Task.FromResult<IReadOnlyList<LoggedEvent>>([]);
            var start = (int)Math.Max(0, fromSequence - 1);
            var count = Math.Min(maxCount, log.Count - start);
            return Task.FromResult<IReadOnlyList<LoggedEvent>>(log.GetRange(start, count));
        }
    }

    public Task<long> ReloadAsync(string orgId, CancellationToken cancellationToken = default) => GetLastSequenceAsync(orgId, cancellationToken);

    public Task<long> GetLastSequenceAsync(string orgId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_logs.TryGetValue(orgId, out var log) ? (long)log.Count : 0L);
        }
    }
}
