using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orleans.Align.Grains.Log;
using Orleans.Storage;

namespace Orleans.Align.Grains.Views;

/// <summary>
/// When a view's snapshot is written. What only the snapshot holds (a check-in, an alert waiting for
/// the feed, a definition's history) is written within <see cref="Interval"/>. What the log can give
/// back (counts, the position) waits until the view is <see cref="Events"/> log entries past its last
/// snapshot or that snapshot is <see cref="MaxAge"/> old: a crash then replays at most that much of the
/// log, and a quiet organization's goals do not each write a blob a second (with 1,000 organizations
/// that was more blob writes than the storage took).
/// </summary>
public sealed record SnapshotPolicy(TimeSpan Interval, long Events, TimeSpan MaxAge)
{
    public static SnapshotPolicy From(IngestOptions options) =>
        new(options.ViewSnapshotInterval, options.ViewSnapshotEvents, options.ViewSnapshotMaxAge);

    /// <summary>Whether a dirty view writes now.</summary>
    /// <param name="urgent">Something only the snapshot holds changed.</param>
    /// <param name="behind">Log entries applied since the last snapshot.</param>
    /// <param name="age">Time since the last snapshot (or since the activation read it).</param>
    public bool Due(bool urgent, long behind, TimeSpan age) => urgent || behind >= Events || age >= MaxAge;

    /// <summary>How long a view waits after its <paramref name="failures"/>-th failed write in a row before it tries again (before jitter).</summary>
    public TimeSpan Backoff(int failures)
    {
        var limit = MaxAge > Interval ? MaxAge : Interval;
        var wait = Interval * Math.Pow(2, Math.Min(failures - 1, 20));
        return wait < limit ? wait : limit;
    }
}

/// <summary>
/// Snapshots of a view of the log, written at most once per interval rather than per event, and for
/// what the log holds only as often as <see cref="SnapshotPolicy"/> asks: the log has every event, so
/// a crash only costs replaying the events after the last snapshot's position.
/// Shared by goals, campaigns, departments and rules.
/// </summary>
public sealed class ViewSnapshots<TState>(Grain grain, IPersistentState<TState> state, SnapshotPolicy policy, Func<long> position, ILogger logger, string what)
{
    private IGrainTimer? _timer;
    private bool _urgent;
    private long _savedPosition = position();
    private long _savedAt = Stopwatch.GetTimestamp();
    private long _changes;
    private int _failures;
    private long _retryAt;

    public bool Dirty { get; private set; }

    /// <summary>Something only the snapshot holds changed: written within the interval.</summary>
    public void MarkDirty()
    {
        _urgent = true;
        MarkAdvanced();
    }

    /// <summary>Only what the log can give back changed (counts, the position): written when the policy says.</summary>
    public void MarkAdvanced()
    {
        Dirty = true;
        _changes++;
        _timer ??= grain.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(policy.Interval, policy.Interval));
    }

    /// <summary>
    /// Writes now. A write refused for a stale ETag ends this activation (see <see cref="SaveAsync"/>)
    /// and reaches the caller as a retryable failure; the retry meets a fresh activation.
    /// </summary>
    public async Task WriteAsync() => await WriteAsync(respectBackoff: false);

    /// <summary>
    /// Writes now, or (<paramref name="respectBackoff"/>) throws <see cref="SnapshotBackoffException"/> at once
    /// while the last write failed and its backoff runs: for work that can wait (an outbox for the feed).
    /// </summary>
    public async Task WriteAsync(bool respectBackoff)
    {
        if (respectBackoff && Stopwatch.GetTimestamp() < _retryAt) throw new SnapshotBackoffException(what);
        try
        {
            await WriteCoreAsync(CancellationToken.None);
        }
        catch (InconsistentStateException)
        {
            grain.DeactivateOnIdle();
            throw;
        }
    }

    private Task TickAsync(CancellationToken cancellationToken) =>
        Dirty && Stopwatch.GetTimestamp() >= _retryAt && policy.Due(_urgent, position() - _savedPosition, Stopwatch.GetElapsedTime(_savedAt))
            ? SaveAsync(cancellationToken)
            : Task.CompletedTask;

    private async Task WriteCoreAsync(CancellationToken cancellationToken)
    {
        var (at, changes, urgent) = (position(), _changes, _urgent);
        _urgent = false; // a change made while this write is on its way marks it again
        try
        {
            await state.WriteStateAsync(cancellationToken);
        }
        catch
        {
            _urgent |= urgent;
            // A storage that is failing or slow gets fewer writes, not more: each failure doubles the wait
            // before this view tries again (from the interval up to the policy's backoff limit, with
            // jitter), so thousands of views do not retry together every second and keep it down.
            _failures++;
            var wait = policy.Backoff(_failures) * (0.5 + Random.Shared.NextDouble());
            _retryAt = Stopwatch.GetTimestamp() + (long)(wait.TotalSeconds * Stopwatch.Frequency);
            throw;
        }
        (_failures, _retryAt) = (0, 0);
        if (_changes == changes) Dirty = false; // else changed while the write was on its way: still dirty
        (_savedPosition, _savedAt) = (at, Stopwatch.GetTimestamp());
    }

    /// <summary>Writes now if anything changed (a deactivation, a due tick); failures are logged, not thrown.</summary>
    public async Task SaveAsync(CancellationToken cancellationToken)
    {
        if (!Dirty) return;
        try
        {
            await WriteCoreAsync(cancellationToken);
        }
        catch (InconsistentStateException ex)
        {
            // Our ETag is stale: a write that timed out but landed, or another activation of this view
            // (a silo declared dead that was not) wrote since. Every later write would fail the same way,
            // so this activation ends; the next one reads the stored snapshot and catches up from the log,
            // which has every event, so nothing is lost or counted twice.
            logger.LogWarning(ex, "The snapshot of {What} changed under this activation; deactivating to reload it", what);
            Dirty = false;
            _urgent = false;
            grain.DeactivateOnIdle();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Saving the snapshot of {What} failed ({Failures} in a row); trying again in up to {Wait}", what, _failures, policy.Backoff(_failures) * 1.5);
        }
    }
}

/// <summary>A view's snapshot store failed moments ago and it waits before writing again; what needed the write waits too.</summary>
public sealed class SnapshotBackoffException(string what) : Exception($"The snapshot of {what} failed to save moments ago; it is not tried again before its backoff is over.");
