using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Orleans.Align.Grains.Log;

/// <summary>
/// One organization's ingest path. Reentrant so that concurrent callers can join the same group
/// commit: appends queue up while a write is in flight and share the next write; each caller
/// completes when its own events are in the log. Delivery to goals runs behind the acknowledgement,
/// in sequence order, on its own loop, so a slow view never slows ingest.
/// </summary>
[Reentrant]
public sealed class IngestLogGrain(
    IEventLogStore store,
    IOptions<IngestOptions> options,
    TimeProvider clock,
    ILogger<IngestLogGrain> logger) : Grain, IIngestLogGrain
{
    private readonly List<PendingAppend> _pending = [];
    private readonly Queue<IReadOnlyList<LoggedEvent>> _deliveries = new();
    private DedupeWindow _dedupe = null!;
    private OrganizationRouting _routing = OrganizationRouting.Empty;
    private HashSet<string> _campaigns = [];
    private HashSet<string> _departments = [];
    private HashSet<string> _metrics = [];
    private long _lastSequence;
    private bool _resync;
    private Task? _writer;
    private Task? _deliverer;

    private string OrgId => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        _dedupe = new DedupeWindow(o.DedupeWindowMaxIds, o.DedupeWindowMaxAge, clock);
        try
        {
            _lastSequence = await store.GetLastSequenceAsync(OrgId, cancellationToken);
            await RememberLoggedIdsAsync(Math.Max(1, _lastSequence - o.DedupeWindowMaxIds + 1), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "The log of {OrgId} could not be opened", OrgId);
            throw new AlignException(AlignErrorKind.Unavailable, "The event log is unavailable; nothing was accepted. Retry later.");
        }
        ApplyRouting(await GrainFactory.GetGrain<IOrganizationGrain>(OrgId).GetRoutingAsync());
    }

    /// <summary>The window is derived from the log's tail, so retries are recognised across restarts.</summary>
    private async Task RememberLoggedIdsAsync(long from, CancellationToken cancellationToken)
    {
        var o = options.Value;
        while (from <= _lastSequence)
        {
            var page = await store.ReadAsync(OrgId, from, o.ReplayPageSize, cancellationToken);
            if (page.Count == 0) break;
            // Ids are remembered as of now: the log keeps event time, not ingest time, and an id
            // remembered a little too long is the safe side of the window.
            var now = clock.GetUtcNow();
            foreach (var e in page) _dedupe.Remember(e.Event.Id, now);
            from = page[^1].Sequence + 1;
        }
    }

    public Task RoutingChangedAsync(OrganizationRouting routing)
    {
        ApplyRouting(routing);
        return Task.CompletedTask;
    }

    private void ApplyRouting(OrganizationRouting routing)
    {
        _routing = routing;
        _campaigns = [.. routing.Campaigns];
        _departments = [.. routing.Departments];
        _metrics = [.. routing.BaseMetrics ?? []];
    }

    public Task<IngestResult> AppendAsync(IReadOnlyList<MetricEvent> events)
    {
        var unknown = events
            .SelectMany(e => Unknown(e))
            .Distinct()
            .ToList();
        if (unknown.Count > 0)
            throw AlignException.Invalid($"Unknown {string.Join(", ", unknown)} in organization '{OrgId}'. Create them first; nothing was accepted.");

        var pending = new PendingAppend(events);
        _pending.Add(pending);
        if (_writer is not { IsCompleted: false }) _writer = WriteLoopAsync();
        return pending.Completion.Task;
    }

    private IEnumerable<string> Unknown(MetricEvent e)
    {
        if (e.Campaign is { } c && !_campaigns.Contains(c)) yield return $"campaign '{c}'";
        if (e.Department is { } d && !_departments.Contains(d)) yield return $"department '{d}'";
        if (!_metrics.Contains(e.Metric)) yield return $"metric '{e.Metric}' (ratios are computed from their parts; send those)";
    }

    // A loop may finish synchronously (the memory store does not yield), so "running" is judged by
    // IsCompleted rather than by a field the loop clears itself.
    /// <summary>Re-reads the log's tail after a failed write. Returns false (and fails the group) if the store is still away.</summary>
    private async Task<bool> TryResyncAsync(PendingAppend[] group)
    {
        try
        {
            var known = _lastSequence;
            _lastSequence = await store.GetLastSequenceAsync(OrgId);
            await RememberLoggedIdsAsync(known + 1, CancellationToken.None);
            if (_lastSequence > known)
            {
                logger.LogWarning("The log of {OrgId} holds {Count} events from a write reported as failed; they count as stored", OrgId, _lastSequence - known);
                await DeliverAsync([.. await ReadAllAsync(known + 1)]);
            }
            _resync = false;
            return true;
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "The log of {OrgId} is still unavailable", OrgId);
            Fail(group, ex);
            return false;
        }
    }

    private async Task<List<LoggedEvent>> ReadAllAsync(long from)
    {
        var events = new List<LoggedEvent>();
        while (from <= _lastSequence)
        {
            var page = await store.ReadAsync(OrgId, from, options.Value.ReplayPageSize);
            if (page.Count == 0) break;
            events.AddRange(page);
            from = page[^1].Sequence + 1;
        }
        return events;
    }

    private static void Fail(PendingAppend[] group, Exception ex)
    {
        var failure = ex as AlignException ?? new AlignException(AlignErrorKind.Unavailable, "The event log is unavailable; nothing was accepted. Retry later.");
        foreach (var p in group) p.Completion.TrySetException(failure);
    }

    private async Task WriteLoopAsync()
    {
        while (_pending.Count > 0)
        {
            var group = _pending.ToArray();
            _pending.Clear();
            await CommitGroupAsync(group);
        }
    }

    /// <summary>One storage write for every caller that queued while the previous write was in flight.</summary>
    private async Task CommitGroupAsync(PendingAppend[] group)
    {
        if (_resync && !await TryResyncAsync(group)) return;
        var firstSequence = _lastSequence + 1;
        var next = firstSequence;
        var seenInGroup = new HashSet<string>(StringComparer.Ordinal);
        var batch = new List<LoggedEvent>();
        var results = new IngestResult[group.Length];

        for (var i = 0; i < group.Length; i++)
        {
            var accepted = 0;
            foreach (var e in group[i].Events)
            {
                if (_dedupe.Contains(e.Id) || !seenInGroup.Add(e.Id)) continue;
                batch.Add(new LoggedEvent(next++, e));
                accepted++;
            }
            results[i] = new IngestResult(accepted, group[i].Events.Count - accepted, next - 1);
        }

        if (batch.Count > 0)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await store.AppendAsync(OrgId, batch);
            }
            catch (Exception ex)
            {
                // Nothing of this group is acknowledged, and nothing is remembered as seen: the callers retry.
                // The write may still have landed (a timeout after the store took it): resync before the
                // next write, so that a retry of these events is recognised as a duplicate.
                logger.LogWarning(ex, "Appending {Count} events to the log of {OrgId} failed", batch.Count, OrgId);
                _resync = true;
                Fail(group, ex);
                return;
            }
            AlignMetrics.AppendDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);

            _lastSequence = next - 1;
            var now = clock.GetUtcNow();
            foreach (var e in batch) _dedupe.Remember(e.Event.Id, now);
            _deliveries.Enqueue(batch);
            if (_deliverer is not { IsCompleted: false }) _deliverer = DeliveryLoopAsync();
        }

        var duplicates = 0;
        for (var i = 0; i < group.Length; i++)
        {
            duplicates += results[i].Duplicates;
            group[i].Completion.TrySetResult(results[i] with { LastSequence = _lastSequence });
        }
        AlignMetrics.EventsAccepted.Add(batch.Count);
        AlignMetrics.EventsDuplicate.Add(duplicates);
    }

    private async Task DeliveryLoopAsync()
    {
        while (_deliveries.Count > 0)
        {
            var events = new List<LoggedEvent>();
            while (_deliveries.TryDequeue(out var batch)) events.AddRange(batch);
            await DeliverAsync(events);
        }
    }

    private async Task DeliverAsync(List<LoggedEvent> events)
    {
        var deliveries = new List<Task>();
        foreach (var goal in _routing.Goals)
        {
            var matching = events.Where(e => goal.Counts(e.Event)).ToList();
            if (matching.Count == 0) continue;
            deliveries.Add(DeliverWithRetryAsync(goal.Id, matching));
        }
        await Task.WhenAll(deliveries);
    }

    /// <summary>
    /// Never gives up: a goal that missed a delivery and then applied a later one would skip the
    /// missed events for good (its AppliedThrough moves past them). Retrying with a capped backoff
    /// holds back this organization's later deliveries while a goal is unreachable, which is the
    /// price of exactly-once; the events are safe in the log meanwhile and ingest keeps acknowledging.
    /// </summary>
    private async Task DeliverWithRetryAsync(string goalId, List<LoggedEvent> events)
    {
        var goal = GrainFactory.GetGrain<IGoalGrain>(GrainKeys.For(OrgId, goalId));
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await goal.ApplyAsync(events);
                return;
            }
            catch (Exception ex)
            {
                var level = attempt < 5 ? LogLevel.Warning : LogLevel.Error;
                logger.Log(level, ex, "Delivering {Count} events to goal {GoalId} of {OrgId} failed (attempt {Attempt}); retrying", events.Count, goalId, OrgId, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5_000, 100 * attempt * attempt)));
            }
        }
    }

    private sealed class PendingAppend(IReadOnlyList<MetricEvent> events)
    {
        public IReadOnlyList<MetricEvent> Events { get; } = events;
        public TaskCompletionSource<IngestResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
