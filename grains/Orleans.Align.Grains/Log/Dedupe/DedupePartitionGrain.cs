using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Orleans.Align.Grains.Log.Dedupe;

/// <summary>
/// A partition of an organization's dedupe index (<see cref="IDedupePartitionGrain"/>). Reentrant:
/// lookups go on while a slice is being written or runs are compacted, as they did in the ingest
/// grain; slices are written one at a time (<see cref="SealedRuns.WriteSliceAsync"/>). Holds no grain
/// state: its runs and summaries in the dedupe store are its state, read on activation.
/// </summary>
[Reentrant]
public sealed class DedupePartitionGrain(IDedupeIndexStore store, IOptions<IngestOptions> options, TimeProvider clock, ILogger<DedupePartitionGrain> logger)
    : Grain, IDedupePartitionGrain
{
    private SealedRuns _runs = null!;

    /// <summary>The grain key and the store key of partition <paramref name="partition"/>: <c>{org}/{p}</c>.</summary>
    public static string KeyFor(string orgId, int partition) => GrainKeys.For(orgId, partition.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = this.GetPrimaryKeyString();
        _runs = new SealedRuns(key, store, DedupeSettings.From(options.Value), clock, logger);
        try
        {
            await _runs.LoadAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "The dedupe partition {Key} could not be loaded", key);
            throw new AlignException(AlignErrorKind.Unavailable, "The dedupe index is unavailable; nothing was accepted. Retry later.");
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _runs?.Stop();
        return Task.CompletedTask;
    }

    public Task<DedupePartitionState> OpenAsync() => Task.FromResult(State());

    public async Task<DedupePartitionState> WriteSliceAsync(DedupeSlice slice)
    {
        await _runs.WriteSliceAsync(slice);
        return State();
    }

    public async Task<Dictionary<string, StoredId>> FindAsync(IReadOnlyList<string> ids) =>
        await _runs.FindAsync(ids.Select(id => (id, EventFingerprint.OfId(id))));

    public Task<DedupeStats> GetStatsAsync() => Task.FromResult(_runs.Stats());

    private DedupePartitionState State() => new(_runs.DurableThrough, _runs.Ids);
}
