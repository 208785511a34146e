using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace Orleans.Align.Grains.Views;

/// <summary>
/// Snapshots of a view of the log, written at most once per interval rather than per event: the log
/// has every event, so a crash only costs replaying the events after the last snapshot's position.
/// Shared by goals, campaigns and departments.
/// </summary>
public sealed class ViewSnapshots<TState>(Grain grain, IPersistentState<TState> state, TimeSpan interval, ILogger logger, string what)
{
    private IGrainTimer? _timer;

    public bool Dirty { get; private set; }

    public void MarkDirty()
    {
        Dirty = true;
        _timer ??= grain.RegisterGrainTimer(SaveAsync, new GrainTimerCreationOptions(interval, interval));
    }

    /// <summary>
    /// Writes now. A write refused for a stale ETag ends this activation (see <see cref="SaveAsync"/>)
    /// and reaches the caller as a retryable failure; the retry meets a fresh activation.
    /// </summary>
    public async Task WriteAsync()
    {
        try
        {
            await state.WriteStateAsync();
            Dirty = false;
        }
        catch (InconsistentStateException)
        {
            grain.DeactivateOnIdle();
            throw;
        }
    }

    public async Task SaveAsync(CancellationToken cancellationToken)
    {
        if (!Dirty) return;
        try
        {
            await state.WriteStateAsync(cancellationToken);
            Dirty = false;
        }
        catch (InconsistentStateException ex)
        {
            // Our ETag is stale: a write that timed out but landed, or another activation of this view
            // (a silo declared dead that was not) wrote since. Every later write would fail the same way,
            // so this activation ends; the next one reads the stored snapshot and catches up from the log,
            // which has every event, so nothing is lost or counted twice.
            logger.LogWarning(ex, "The snapshot of {What} changed under this activation; deactivating to reload it", what);
            Dirty = false;
            grain.DeactivateOnIdle();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Saving the snapshot of {What} failed; retrying next interval", what);
        }
    }
}
