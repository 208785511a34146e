namespace Orleans.Align.Grains.Log;

/// <summary>One segment of an organization's log as it stood when it was listed: its committed bytes are immutable.</summary>
public sealed record LogSegmentExtent(long FirstSequence, long Length);

/// <summary>A logged event with where its line starts in its segment.</summary>
public readonly record struct PositionedEvent(LoggedEvent Logged, long Offset);

/// <summary>What one ranged read returned: whole records only, and the offset just past the last of them.</summary>
public sealed record LogRangeRead(IReadOnlyList<PositionedEvent> Events, long End);

/// <summary>
/// Read-only access to the log for provenance and replay. It never takes the store's append lock:
/// an append blob is immutable up to its committed length, so a reader lists the segments (a
/// snapshot of their lengths) and reads byte ranges below those lengths, while appends continue.
/// A position is (segment, offset); segments are named by their first sequence number.
/// </summary>
public interface IEventLogReader
{
    /// <summary>The log's segments in order, with their committed lengths now.</summary>
    Task<IReadOnlyList<LogSegmentExtent>> GetSegmentsAsync(string orgId, CancellationToken cancellationToken);

    /// <summary>
    /// One ranged read of <c>[fromOffset, toOffset)</c> of a segment: the whole records in it. A range
    /// that ends inside a record stops before it (<see cref="LogRangeRead.End"/> says where).
    /// </summary>
    Task<LogRangeRead> ReadRangeAsync(string orgId, long segment, long fromOffset, long toOffset, CancellationToken cancellationToken);
}
