using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Align.Grains.Log.Dedupe;

namespace Orleans.Align.Grains.Log;

[GenerateSerializer, Alias("align.ingest-state")]
public sealed class IngestState
{
    /// <summary>The last sequence acknowledged to a caller, as of the last save (at most <see cref="IngestOptions.HighWaterInterval"/> old).</summary>
    [Id(0)] public long AcknowledgedThrough { get; set; }

    /// <summary>
    /// How many partitions hold this organization's sealed dedupe runs: chosen on first use and never
    /// changed (0: not chosen yet; the runs of an organization from before partitioning are read apart).
    /// </summary>
    [Id(1)] public int DedupePartitions { get; set; }
}

/// <summary>
/// One organization's ingest path. Reentrant so that concurrent callers can join the same group
/// commit: appends queue up while a write is in flight and share the next write; each caller
/// completes when its own events are in the log. Delivery to goals runs behind the acknowledgement:
/// each view (goal, campaign, department) has its own cursor, bounded queue and loop
/// (<see cref="ViewCursor"/>), and every handover names the log range it covers, so a view that
/// missed one reads the gap from the log.
/// </summary>
[Reentrant]
public sealed class IngestLogGrain(
    [PersistentState("ingest", StorageNames.Align)] IPersistentState<IngestState> state,
    IEventLogStore store,
    IDedupeIndexStore dedupeStore,
    LogIntegrity integrity,
    IOptions<IngestOptions> options,
    TimeProvider clock,
    ILogger<IngestLogGrain> logger) : Grain, IIngestLogGrain
{
    private readonly List<PendingAppend> _pending = [];
    private readonly Dictionary<string, ViewCursor> _cursors = new(StringComparer.Ordinal);
    private DedupeIndex _dedupe = null!;
    private OrganizationRouting _routing = OrganizationRouting.Empty;
    private HashSet<string> _campaigns = [];
    private HashSet<string> _departments = [];
    private HashSet<(string Campaign, string Activity)> _activities = [];
    private HashSet<string> _metrics = [];
    private long _lastSequence;
    private bool _resync;
    private Task? _writer;
    private LogBehind? _behind;
    private Task? _highWaterWrite;
    private bool _dedupePartitionsUnsaved;
    private LogGauges? _gauges;
    // Which ingest spans appended what, so that deliveries link back to them (in memory only).
    private readonly IngestTraces _traces = new();

    private string OrgId => this.GetPrimaryKeyString();
    private IOrganizationGrain Organization => GrainFactory.GetGrain<IOrganizationGrain>(OrgId);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        try
        {
            _dedupe = new DedupeIndex(OrgId, new GrainDedupePartitions(GrainFactory, OrgId, DedupePartitions(o.DedupePartitions)), dedupeStore, DedupeSettings.From(o), clock, logger);
            // The index's partitions (each loads its own filters and fences, not ids), then the log after
            // the least durable of them: at most the recent ids and a run still being sealed, never the window.
            await _dedupe.LoadAsync(cancellationToken);
            // Fresh from storage, and after the index: this silo's view of the log may predate writes from another silo.
            _lastSequence = await store.ReloadAsync(OrgId, cancellationToken);
            // A log with events: the partition count is stored now, before its ids are re-read into the index (and sealed).
            if (_dedupePartitionsUnsaved && _lastSequence > 0)
            {
                await state.WriteStateAsync(cancellationToken);
                _dedupePartitionsUnsaved = false;
            }
            await RememberLoggedIdsAsync(_dedupe.DurableThrough + 1, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "The log of {OrgId} could not be opened", OrgId);
            throw new AlignException(AlignErrorKind.Unavailable, "The event log is unavailable; nothing was accepted. Retry later.");
        }
        if (state.State.AcknowledgedThrough > _lastSequence) Behind(_lastSequence, state.State.AcknowledgedThrough);
        // The index holds ids of sequences the log no longer has: the log lost them.
        if (_dedupe.DurableThrough > _lastSequence) Behind(_lastSequence, _dedupe.DurableThrough);
        this.RegisterGrainTimer(SaveHighWaterAsync, new GrainTimerCreationOptions(o.HighWaterInterval, o.HighWaterInterval) { Interleave = true });
        // Every goal starts with a sync: what an earlier activation acknowledged but had not delivered
        // yet (its silo died) is in the log, and each goal reads what it lacks from there.
        ApplyRouting(await Organization.GetRoutingAsync());
        this.RegisterGrainTimer(CheckRoutingVersionAsync, new GrainTimerCreationOptions(o.RoutingCheckInterval, o.RoutingCheckInterval) { Interleave = true });
        _gauges = AlignMetrics.TrackLog();
        this.RegisterGrainTimer(PublishGauges, new GrainTimerCreationOptions(GaugesEvery, GaugesEvery) { Interleave = true });
    }

    private static readonly TimeSpan GaugesEvery = TimeSpan.FromSeconds(1);

    /// <summary>
    /// This log's delivery lag (head minus the slowest view's position) and in-memory dedupe ids, for
    /// the silo's gauges: computed here on the grain's turn, once a second, rather than on each delivery.
    /// </summary>
    private Task PublishGauges(CancellationToken cancellationToken)
    {
        if (_gauges is null) return Task.CompletedTask;
        var slowest = _lastSequence;
        foreach (var cursor in _cursors.Values) slowest = Math.Min(slowest, cursor.AppliedThrough);
        Volatile.Write(ref _gauges.DeliveryLag, Math.Max(0, _lastSequence - slowest));
        Volatile.Write(ref _gauges.DedupeEntries, _dedupe.InMemoryIds);
        return Task.CompletedTask;
    }

    /// <summary>
    /// The organization's partition count: the stored one, or on first use the configured one. Ids are
    /// placed by it, so it never changes silently. A new one is stored before anything can be sealed:
    /// on activation if the log holds events (they are re-read into the index), otherwise with the first
    /// group commit (<see cref="_dedupePartitionsUnsaved"/>), so that an activation that never writes
    /// (an unknown organization, a refused batch) writes nothing either.
    /// </summary>
    private int DedupePartitions(int configured)
    {
        var stored = state.State.DedupePartitions;
        if (stored > 0)
        {
            if (stored != configured)
                logger.LogWarning("The dedupe index of {OrgId} has {Stored} partitions; Align:Ingest:DedupePartitions says {Configured}. The stored count is kept: changing it would need every sealed run rewritten",
                    OrgId, stored, configured);
            return stored;
        }
        state.State.DedupePartitions = configured;
        _dedupePartitionsUnsaved = true;
        return configured;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _dedupe?.Stop();
        if (_gauges is not null) AlignMetrics.ForgetLog(_gauges);
        integrity.Clear(OrgId);
        await SaveHighWaterAsync(cancellationToken);
    }

    /// <summary>
    /// How far this organization's log was acknowledged, kept apart from the log (in grain storage),
    /// so that a log found shorter on activation is recognised as one that lost acknowledged writes.
    /// </summary>
    private async Task SaveHighWaterAsync(CancellationToken cancellationToken)
    {
        if (_behind is not null || state.State.AcknowledgedThrough >= _lastSequence || _highWaterWrite is { IsCompleted: false }) return;
        var through = _lastSequence;
        try
        {
            state.State.AcknowledgedThrough = through;
            await (_highWaterWrite = state.WriteStateAsync(cancellationToken));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Recording the acknowledged position {Through} of the log of {OrgId} failed; retrying", through, OrgId);
        }
    }

    /// <summary>
    /// The log's tail is behind what was acknowledged (<paramref name="acknowledged"/>): storage lost
    /// writes it had confirmed. Writing on would reuse sequence numbers that goals have applied, and
    /// they would skip the new events silently. Refuse every append instead, and raise the alarm.
    /// </summary>
    private void Behind(long tail, long acknowledged)
    {
        if (_behind is not null) return;
        _behind = new LogBehind(OrgId, tail, acknowledged, clock.GetUtcNow());
        integrity.ReportBehind(_behind);
        AlignMetrics.LogBehind.Add(1);
        logger.LogCritical(
            "The event log of {OrgId} ends at sequence {Tail}, but sequences through {Acknowledged} were acknowledged: storage lost acknowledged writes. " +
            "Ingest for this organization is stopped (503) until the log is restored; no sequence number will be reused.", OrgId, tail, acknowledged);
    }

    /// <summary>A goal has applied a sequence past the tail we know: either another writer moved the log on, or the log lost it.</summary>
    private async Task CheckTailAsync(long applied)
    {
        try
        {
            var tail = await store.ReloadAsync(OrgId);
            if (tail >= applied) _resync = true; // the log is longer than we thought: re-read its tail before the next write
            else Behind(tail, applied);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Checking the log of {OrgId} at sequence {Sequence} failed", OrgId, applied);
        }
    }

    /// <summary>The log after the index's durable runs is what the index lacks: retries are recognised across restarts.</summary>
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
            foreach (var e in page) Remember(e, EventFingerprint.OfContent(e.Event), now);
            from = page[^1].Sequence + 1;
        }
    }

    public Task RoutingChangedAsync(OrganizationRouting routing)
    {
        ApplyRouting(routing);
        return Task.CompletedTask;
    }

    /// <summary>A routing change whose push was lost (a failed call, a silo that died) is noticed here within the interval.</summary>
    private async Task CheckRoutingVersionAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (await Organization.GetRoutingVersionAsync() > _routing.Version) await RefreshRoutingAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogDebug(ex, "Checking the routing version of {OrgId} failed; trying again next interval", OrgId);
        }
    }

    private async Task RefreshRoutingAsync() => ApplyRouting(await Organization.GetRoutingAsync());

    private void ApplyRouting(OrganizationRouting routing)
    {
        if (routing.Version < _routing.Version) return; // a push that was overtaken by a fetch
        _routing = routing;
        _campaigns = [.. routing.Campaigns];
        _departments = [.. routing.Departments];
        _metrics = [.. routing.BaseMetrics ?? []];
        _activities = [.. (routing.Activities ?? new Dictionary<string, IReadOnlyList<string>>()).SelectMany(c => c.Value.Select(a => (c.Key, a)))];

        // Goals, campaigns and departments are all views of the log, each with its own cursor.
        var targets = ViewTarget.All(routing).ToList();
        var routed = targets.Select(t => t.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _cursors.Keys.Where(key => !routed.Contains(key)).ToList()) _cursors.Remove(gone);
        foreach (var target in targets)
        {
            // A view new to this activation syncs from the log's tail: events since its definition read
            // the log, and before this routing arrived, reach it through the gap check.
            if (_cursors.ContainsKey(target.Key)) continue;
            var cursor = new ViewCursor(target, _lastSequence, options.Value.MaxPendingEventsPerGoal);
            _cursors[target.Key] = cursor;
            StartDelivery(cursor);
        }
    }

    public async Task<IngestResult> AppendAsync(IReadOnlyList<MetricEvent> events)
    {
        if (_behind is { } behind)
            throw new AlignException(AlignErrorKind.Unavailable,
                $"The event log of this organization is behind what it acknowledged (it ends at {behind.Tail}, {behind.Acknowledged} were acknowledged); ingest is stopped until an operator restores it. Nothing was accepted.");
        if (events.Any(e => Unknown(e).Any()))
        {
            // Perhaps created a moment ago and the push has not arrived: ask before refusing.
            await RefreshRoutingAsync();
            var unknown = events.SelectMany(e => Unknown(e)).Distinct().Take(20).ToList();
            if (unknown.Count > 0)
                throw AlignException.Invalid($"Unknown {string.Join(", ", unknown)} in organization '{OrgId}'. Create them first; nothing was accepted.");
        }

        var pending = new PendingAppend(events);
        _pending.Add(pending);
        if (_writer is not { IsCompleted: false }) _writer = WriteLoopAsync();
        return await pending.Completion.Task;
    }

    private IEnumerable<string> Unknown(MetricEvent e)
    {
        if (e.Campaign is { } c && !_campaigns.Contains(c)) yield return $"campaign '{c}'";
        if (e.Department is { } d && !_departments.Contains(d)) yield return $"department '{d}'";
        if (e.Activity is { } a && (e.Campaign is not { } of || !_activities.Contains((of, a)))) yield return $"activity '{a}' of campaign '{e.Campaign}'";
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
            using var deadline = new CancellationTokenSource(options.Value.AppendTimeout);
            _lastSequence = await store.ReloadAsync(OrgId, deadline.Token);
            if (_lastSequence < known)
            {
                Behind(_lastSequence, known);
                Fail(group, new AlignException(AlignErrorKind.Unavailable, "The event log of this organization lost acknowledged writes; ingest is stopped until an operator restores it. Nothing was accepted."));
                return false;
            }
            await RememberLoggedIdsAsync(known + 1, CancellationToken.None);
            if (_lastSequence > known)
            {
                logger.LogWarning("The log of {OrgId} holds {Count} events from a write reported as failed; they count as stored", OrgId, _lastSequence - known);
                // The same path as any commit: the goals' cursors take them (or, past their bound, a gap to read).
                Deliver(await ReadAllAsync(known + 1), _lastSequence);
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

    /// <summary>The partition count is stored before the first event is logged (nothing can be sealed before that).</summary>
    private async Task<bool> TrySaveDedupePartitionsAsync(PendingAppend[] group)
    {
        try
        {
            using var deadline = new CancellationTokenSource(options.Value.AppendTimeout);
            // The high-water save shares this state: wait for one in flight rather than write beside it.
            if (_highWaterWrite is { IsCompleted: false } inFlight) await inFlight.WaitAsync(deadline.Token);
            await (_highWaterWrite = state.WriteStateAsync(deadline.Token));
            _dedupePartitionsUnsaved = false;
            return true;
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Storing the dedupe partition count of {OrgId} failed", OrgId);
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
        if (_behind is not null)
        {
            Fail(group, new AlignException(AlignErrorKind.Unavailable, "The event log of this organization lost acknowledged writes; ingest is stopped until an operator restores it. Nothing was accepted."));
            return;
        }
        if (_resync && !await TryResyncAsync(group)) return;
        if (_dedupePartitionsUnsaved && !await TrySaveDedupePartitionsAsync(group)) return;

        // Which ids the log already holds, exactly (a filter's "maybe" is settled by reading the index).
        // A check that cannot be made fails the group: an id is never taken for new because storage was away.
        // Corrections also look up the event they correct and whether it was corrected already (its marker),
        // and read those events from the log: what a correction needs is settled here, before the write.
        Dictionary<string, StoredId> stored;
        Dictionary<long, LoggedEvent> read;
        try
        {
            using var deadline = new CancellationTokenSource(options.Value.AppendTimeout);
            var all = group.SelectMany(p => p.Events).ToList();
            var keys = all.Select(e => e.Id)
                .Concat(all.Where(e => e.Corrects is not null).SelectMany(e => new[] { e.Corrects!, Corrections.MarkerOf(e.Corrects!) }));
            stored = await _dedupe.FindAsync(keys.Select(k => (k, EventFingerprint.OfId(k))), deadline.Token);
            read = await ReadCorrectedAsync(all, stored, deadline.Token);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Checking event ids of {OrgId} against the dedupe index failed", OrgId);
            Fail(group, ex);
            return;
        }

        var next = _lastSequence + 1;
        var inGroup = new Dictionary<string, StoredId>(StringComparer.Ordinal);
        var inGroupEvents = new Dictionary<long, LoggedEvent>();
        var batch = new List<LoggedEvent>();
        var contentHashes = new List<UInt128>();
        var results = new IngestResult[group.Length];

        for (var i = 0; i < group.Length; i++)
        {
            var (accepted, duplicates) = (0, 0);
            List<IngestConflict>? conflicts = null;
            List<IngestRefusal>? refusals = null;
            var (firstNext, firstBatch) = (next, batch.Count);
            var added = new List<string>();
            List<int>? duplicateIndexes = null;
            var events = group[i].Events;
            for (var j = 0; j < events.Count; j++)
            {
                var e = events[j];
                var content = EventFingerprint.OfContent(e);
                if (stored.TryGetValue(e.Id, out var known) || inGroup.TryGetValue(e.Id, out known))
                {
                    // The same id: a resend if the content is the same, a conflict if not (never stored, never counted).
                    if (known.ContentHash == content)
                    {
                        duplicates++;
                        (duplicateIndexes ??= []).Add(j);
                    }
                    else (conflicts ??= []).Add(new IngestConflict(j, e.Id, known.Sequence));
                    continue;
                }
                if (e.Corrects is { } target)
                {
                    var marker = Corrections.MarkerOf(target);
                    var corrected = Find(target);
                    var newer = Find(marker)?.Event.Id;
                    var (resolved, refusal) = Corrections.Resolve(j, e, corrected, newer);
                    if (refusal is not null)
                    {
                        (refusals ??= []).Add(refusal);
                        continue;
                    }
                    e = resolved!;
                    inGroup[marker] = new StoredId(next, default);
                    added.Add(marker);
                }
                inGroup[e.Id] = new StoredId(next, content);
                added.Add(e.Id);
                var logged = new LoggedEvent(next++, e);
                inGroupEvents[logged.Sequence] = logged;
                batch.Add(logged);
                contentHashes.Add(content);
                accepted++;
            }
            if (refusals is not null)
            {
                // A batch with a correction that cannot be applied is refused whole: none of its events is stored.
                foreach (var key in added) inGroup.Remove(key);
                for (var k = firstBatch; k < batch.Count; k++) inGroupEvents.Remove(batch[k].Sequence);
                batch.RemoveRange(firstBatch, batch.Count - firstBatch);
                contentHashes.RemoveRange(firstBatch, contentHashes.Count - firstBatch);
                next = firstNext;
                results[i] = new IngestResult(0, 0, next - 1, conflicts, refusals);
                continue;
            }
            results[i] = new IngestResult(accepted, duplicates, next - 1, conflicts, DuplicateIndexes: duplicateIndexes);
        }

        // An id (or a marker) in the log or earlier in this group: the event stored under it.
        LoggedEvent? Find(string key) =>
            inGroup.TryGetValue(key, out var mine) ? inGroupEvents.GetValueOrDefault(mine.Sequence)
            : stored.TryGetValue(key, out var known) ? read.GetValueOrDefault(known.Sequence)
            : null;

        if (batch.Count > 0)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                // A hanging storage must not hold the callers: past the deadline the write is cancelled
                // (it may still land: the resync below recognises it) and they get a 503 to resend.
                using var deadline = new CancellationTokenSource(options.Value.AppendTimeout);
                await store.AppendAsync(OrgId, batch, deadline.Token);
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

            var previous = _lastSequence;
            _lastSequence = next - 1;
            var now = clock.GetUtcNow();
            _traces.Record(previous, _lastSequence, group.Where((_, i) => results[i].Accepted > 0).Select(p => p.Trace), now);
            for (var k = 0; k < batch.Count; k++) Remember(batch[k], contentHashes[k], now);
            Deliver(batch, _lastSequence);
        }

        var (duplicated, conflicted) = (0, 0);
        for (var i = 0; i < group.Length; i++)
        {
            duplicated += results[i].Duplicates;
            conflicted += results[i].Conflicts?.Count ?? 0;
            group[i].Completion.TrySetResult(results[i] with { LastSequence = _lastSequence });
        }
        AlignMetrics.EventsAccepted.Add(batch.Count);
        AlignMetrics.EventsDuplicate.Add(duplicated);
        AlignMetrics.EventsConflicting.Add(conflicted);
    }

    /// <summary>An id the log now holds; for a correction also the marker that says its target is corrected (durable like any id).</summary>
    private void Remember(LoggedEvent e, UInt128 content, DateTimeOffset now)
    {
        _dedupe.Remember(e.Event.Id, e.Sequence, content, now);
        if (e.Event.Corrects is { } target) _dedupe.Remember(Corrections.MarkerOf(target), e.Sequence, default, now);
    }

    /// <summary>
    /// The stored events that this group's new corrections name, and the corrections that already
    /// corrected them (to name them in a refusal): read from the log by the sequences the index holds.
    /// </summary>
    private async Task<Dictionary<long, LoggedEvent>> ReadCorrectedAsync(List<MetricEvent> events, Dictionary<string, StoredId> stored, CancellationToken cancellationToken)
    {
        var read = new Dictionary<long, LoggedEvent>();
        var wanted = new SortedSet<long>();
        foreach (var e in events)
        {
            if (e.Corrects is not { } target || stored.ContainsKey(e.Id)) continue;
            if (stored.TryGetValue(target, out var corrected)) wanted.Add(corrected.Sequence);
            if (stored.TryGetValue(Corrections.MarkerOf(target), out var newer)) wanted.Add(newer.Sequence);
        }
        // Targets close together in the log (a month-end batch correcting a run of events) share one read.
        const int Span = 512;
        foreach (var sequence in wanted)
        {
            if (read.ContainsKey(sequence)) continue;
            var last = wanted.GetViewBetween(sequence, sequence + Span - 1).Max;
            var page = await store.ReadAsync(OrgId, sequence, (int)(last - sequence + 1), cancellationToken);
            foreach (var e in page)
            {
                if (wanted.Contains(e.Sequence)) read[e.Sequence] = e;
            }
            if (!read.ContainsKey(sequence))
                throw new InvalidOperationException($"The log of '{OrgId}' does not hold sequence {sequence}, which its dedupe index names.");
        }
        return read;
    }

    /// <summary>Offers newly logged events to every goal's cursor and starts the deliveries that have work.</summary>
    private void Deliver(IReadOnlyList<LoggedEvent> batch, long through)
    {
        foreach (var cursor in _cursors.Values)
        {
            cursor.Offer(batch, through);
            StartDelivery(cursor);
        }
    }

    private void StartDelivery(ViewCursor cursor)
    {
        if (cursor.HasWork && cursor.Loop is not { IsCompleted: false }) cursor.Loop = DeliveryLoopAsync(cursor);
    }

    /// <summary>
    /// One loop per goal with work, so a slow or failing goal never holds back the others. Each
    /// handover is a bounded range of the log; a goal that keeps failing is retried with a capped
    /// backoff while its queue is bounded by its cursor (past the bound it reads the gap from the
    /// log when it is back).
    /// </summary>
    private async Task DeliveryLoopAsync(ViewCursor cursor)
    {
        var target = cursor.Target;
        var key = GrainKeys.For(OrgId, target.Id);
        ILogViewGrain view = target.Kind switch
        {
            ViewKind.Campaign => GrainFactory.GetGrain<ICampaignGrain>(key),
            ViewKind.Department => GrainFactory.GetGrain<IDepartmentGrain>(key),
            ViewKind.Rule => GrainFactory.GetGrain<IRuleGrain>(key),
            _ => GrainFactory.GetGrain<IGoalGrain>(key),
        };
        // This loop runs on the flow of the append that started it: what that call carried is not ours.
        RequestContext.Clear();
        while (cursor.HasWork && _cursors.TryGetValue(target.Key, out var current) && current == cursor)
        {
            var handover = cursor.Take(options.Value.MaxEventsPerDelivery);
            using var span = AlignTracing.StartDelivery(_traces.For(handover.Range.From, handover.Range.Through), OrgId, target.Kind.ToString(), target.Id, handover.Range.From, handover.Range.Through);
            try
            {
                var applied = await view.ApplyAsync(handover.Range).WaitAsync(Views.PeerCalls.DeliveryWait);
                cursor.Confirm(handover);
                AlignMetrics.DeliveryLag.Record(Math.Max(0, _lastSequence - cursor.AppliedThrough));
                if (applied > _lastSequence) await CheckTailAsync(applied);
            }
            catch (Exception ex)
            {
                cursor.Failed();
                span?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
                var attempt = cursor.ConsecutiveFailures;
                var level = attempt < 5 ? LogLevel.Warning : LogLevel.Error;
                logger.Log(level, ex, "Delivering ({From}, {Through}] ({Count} events) to {Kind} {Id} of {OrgId} failed (attempt {Attempt}); retrying",
                    handover.Range.From, handover.Range.Through, handover.Range.Events.Count, target.Kind, target.Id, OrgId, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5_000, 100 * attempt * attempt)));
            }
        }
    }

    public Task<DedupeStats> GetDedupeStatsAsync() => _dedupe.StatsAsync();

    public Task<DeliveryStatus> GetDeliveryStatusAsync() => Task.FromResult(new DeliveryStatus(
        _lastSequence, _routing.Version, [.. _cursors.Values.Select(c => c.Status()).OrderBy(g => g.Kind).ThenBy(g => g.GoalId, StringComparer.Ordinal)]));

    private sealed class PendingAppend(IReadOnlyList<MetricEvent> events)
    {
        public IReadOnlyList<MetricEvent> Events { get; } = events;
        public TaskCompletionSource<IngestResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>The caller's AppendAsync span, which the deliveries of these events link to.</summary>
        public ActivityContext Trace { get; } = Activity.Current?.Context ?? default;
    }
}
