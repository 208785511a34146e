namespace Orleans.Align.Grains.Log;

/// <summary>
/// A per-silo, in-memory log for development and unit tests. It is lost with the process, so it makes
/// no durability claim; the Azure Blob log does. As a reader it is one segment whose "offsets" are
/// event indexes (event <c>n</c> is at offset <c>n - 1</c>).
/// </summary>
public sealed class MemoryEventLogStore : IEventLogStore, IEventLogReader
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

    public Task<IReadOnlyList<LogSegmentExtent>> GetSegmentsAsync(string orgId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<LogSegmentExtent>>(
                _logs.TryGetValue(orgId, out var log) && log.Count > 0 ? [new LogSegmentExtent(1, log.Count)] : []);
        }
    }

    public Task<LogRangeRead> ReadRangeAsync(string orgId, long segment, long fromOffset, long toOffset, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (segment != 1 || !_logs.TryGetValue(orgId, out var log)) return Task.FromResult(new LogRangeRead([], fromOffset));
            var to = Math.Min(toOffset, log.Count);
            var events = new List<PositionedEvent>((int)Math.Max(0, to - fromOffset));
            for (var i = fromOffset; i < to; i++) events.Add(new PositionedEvent(log[(int)i], i));
            return Task.FromResult(new LogRangeRead(events, Math.Max(fromOffset, to)));
        }
    }
}
