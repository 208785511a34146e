namespace Orleans.Align.Grains.Log;

/// <summary>
/// The durable, append-only log of one organization's accepted events. The log is the source of
/// truth: goals and boards are views of it and can be rebuilt from it.
/// </summary>
public interface IEventLogStore
{
    /// <summary>Appends events whose sequence numbers continue the log without gaps. Completes when they are durable.</summary>
    Task AppendAsync(string orgId, IReadOnlyList<LoggedEvent> events, CancellationToken cancellationToken = default);

    /// <summary>Reads events with <c>Sequence &gt;= fromSequence</c>, in order, at most <paramref name="maxCount"/>.</summary>
    Task<IReadOnlyList<LoggedEvent>> ReadAsync(string orgId, long fromSequence, int maxCount, CancellationToken cancellationToken = default);

    /// <summary>The sequence number of the last event in the log, 0 when it is empty (as this process last saw it).</summary>
    Task<long> GetLastSequenceAsync(string orgId, CancellationToken cancellationToken = default);

    /// <summary>Like <see cref="GetLastSequenceAsync"/>, but read from storage now: another silo may have written since this one looked.</summary>
    Task<long> ReloadAsync(string orgId, CancellationToken cancellationToken = default);
}
