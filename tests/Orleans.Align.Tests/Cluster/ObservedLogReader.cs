using System.Collections.Concurrent;
using Orleans.Align.Grains.Log;

namespace Orleans.Align.Tests.Cluster;

/// <summary>
/// The silo's log reader (what provenance and replay read through) with test hooks, keyed by
/// organization so each test observes only its own: a count of ranged reads, and a hold that makes
/// every ranged read wait until the test releases it (or the read is cancelled).
/// </summary>
public sealed class ObservedLogReader(IEventLogReader inner) : IEventLogReader
{
    private static readonly ConcurrentDictionary<string, Hold> Holds = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, int> Reads = new(StringComparer.Ordinal);

    public sealed class Hold
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>A held read saw its reader's cancellation token fire.</summary>
        public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>From now on every ranged read of the organization's log waits for <see cref="Release"/>.</summary>
    public static Hold HoldReads(string orgId) => Holds[orgId] = new Hold();

    public static void Release(string orgId)
    {
        if (Holds.TryRemove(orgId, out var hold)) hold.Released.TrySetResult();
    }

    /// <summary>Ranged reads started on the organization's log so far.</summary>
    public static int ReadsOf(string orgId) => Reads.GetValueOrDefault(orgId);

    public Task<IReadOnlyList<LogSegmentExtent>> GetSegmentsAsync(string orgId, CancellationToken cancellationToken) =>
        inner.GetSegmentsAsync(orgId, cancellationToken);

    public async Task<LogRangeRead> ReadRangeAsync(string orgId, long segment, long fromOffset, long toOffset, CancellationToken cancellationToken)
    {
        Reads.AddOrUpdate(orgId, 1, (_, n) => n + 1);
        if (Holds.TryGetValue(orgId, out var hold))
        {
            hold.Entered.TrySetResult();
            try
            {
                await hold.Released.Task.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                hold.Cancelled.TrySetResult();
                throw;
            }
        }
        return await inner.ReadRangeAsync(orgId, segment, fromOffset, toOffset, cancellationToken);
    }
}
