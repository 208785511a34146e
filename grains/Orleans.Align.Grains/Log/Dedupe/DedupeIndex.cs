using Microsoft.Extensions.Logging;

namespace Orleans.Align.Grains.Log.Dedupe;

/// <summary>
/// One organization's event ids over the dedupe window, exactly, in bounded memory per grain, as the
/// ingest grain holds it:
/// <list type="bullet">
/// <item>the <b>recent run</b>: the newest ids, exact, in memory (id → sequence and content hash), at
/// most <see cref="DedupeSettings.RecentMaxIds"/>; the hot retry case never leaves memory;</item>
/// <item><b>sealing</b>: when the recent run is full (or older than <see cref="DedupeSettings.RunMaxAge"/>)
/// its ids are split by partition (<see cref="DedupePartitioning"/>) and each partition writes its slice
/// as a run of its own (<see cref="IDedupePartitions"/>: a grain per partition in the silo). The run
/// stays here, exact, until <em>every</em> partition has said its slice is durable; a partition that
/// failed is asked again (slices are idempotent by their sequences), and no later run is sent first;</item>
/// <item>a <b>lookup</b> asks memory first, then each partition that holds ids for its share of the rest,
/// in parallel: one call per partition per group commit. A partition that cannot answer fails the
/// lookup: an id is never taken for new because its check failed;</item>
/// <item>runs written before partitioning (under the organization's own key) are still read, here, until
/// they expire (<see cref="SealedRuns.KeepsNewest"/>).</item>
/// </list>
/// Not durable by itself: what no partition holds yet is in the log after <see cref="DurableThrough"/>
/// (the smallest of the partitions' own), and the ingest grain re-reads that stretch when it activates.
/// Remembering never leaves this object: nothing that can fail happens after an acknowledgement.
/// Single-threaded: the ingest log grain owns one.
/// </summary>
public sealed class DedupeIndex(string orgId, IDedupePartitions partitions, IDedupeIndexStore store, DedupeSettings settings, TimeProvider clock, ILogger logger)
{
    private RecentRun _recent = new(clock.GetUtcNow());
    private readonly Queue<RecentRun> _sealing = new();
    private readonly long[] _partitionIds = new long[partitions.Count]; // as each partition last said: one with none is not asked
    private SealedRuns? _unpartitioned;
    private long _nextFirst = 1;
    private Task? _sealer;
    private readonly CancellationTokenSource _stopping = new();
    private long _lookups;
    private long _partitionCalls;

    /// <summary>Every partition's runs cover the log through this sequence; what follows is only in memory (and the log).</summary>
    public long DurableThrough { get; private set; }

    public int Partitions => partitions.Count;

    /// <summary>Ids held in memory: the recent run and the runs being sealed (the silo's <c>align.dedupe.entries</c>).</summary>
    public long InMemoryIds => _recent.Ids.Count + _sealing.Sum(r => (long)r.Ids.Count);

    /// <summary>Stops sealing in a grain that deactivates. What it had not sealed is in the log after <see cref="DurableThrough"/>.</summary>
    public void Stop()
    {
        _stopping.Cancel();
        _unpartitioned?.Stop();
    }

    private bool Stopped => _stopping.IsCancellationRequested;

    /// <summary>The sealing running now, if any (tests and the benchmark wait for it).</summary>
    public Task Sealing => _sealer ?? Task.CompletedTask;

    /// <summary>
    /// Opens every partition (each loads its own summaries, filters and fences, never ids) and the runs
    /// from before partitioning, if any are left. <see cref="DurableThrough"/> is the least of the
    /// partitions' (or, just after the upgrade, how far the old runs go, which is further).
    /// </summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var unpartitioned = new SealedRuns(orgId, store, settings, clock, logger);
        await unpartitioned.LoadAsync(cancellationToken);
        _unpartitioned = unpartitioned.Runs > 0 ? unpartitioned : null;
        if (_unpartitioned is null) unpartitioned.Stop();
        var states = await Task.WhenAll(Enumerable.Range(0, partitions.Count).Select(partitions.OpenAsync)).WaitAsync(cancellationToken);
        for (var p = 0; p < states.Length; p++) _partitionIds[p] = states[p].Ids;
        var partitioned = states.Min(s => s.DurableThrough);
        DurableThrough = Math.Max(_unpartitioned?.DurableThrough ?? 0, partitioned);
        _nextFirst = DurableThrough + 1;
        RetireUnpartitioned();
    }

    /// <summary>Remembers an id the log now holds. Full or old, the recent run is handed to the sealer.</summary>
    public void Remember(string id, long sequence, UInt128 contentHash, DateTimeOffset at)
    {
        if (_recent.Ids.Count == 0) _recent.OpenedAt = at;
        _recent.Ids[id] = new StoredId(sequence, contentHash);
        if (sequence > _recent.LastSequence) _recent.LastSequence = sequence;
        if (at > _recent.NewestAt) _recent.NewestAt = at;
        if (_recent.Ids.Count >= settings.RecentMaxIds || at - _recent.OpenedAt >= settings.RunMaxAge) Rotate(at);
    }

    private void Rotate(DateTimeOffset now)
    {
        // Runs cover the log without a hole: each starts where the one before it ended.
        _recent.FirstSequence = _nextFirst;
        _nextFirst = _recent.LastSequence + 1;
        _sealing.Enqueue(_recent);
        _recent = new RecentRun(now);
        if (_sealer is not { IsCompleted: false }) _sealer = SealLoopAsync();
    }

    /// <summary>
    /// Finds which of <paramref name="ids"/> the log holds within the window, exactly. Throws if a
    /// partition (or storage behind it) cannot answer: an id is never taken for new because its check failed.
    /// </summary>
    public async Task<Dictionary<string, StoredId>> FindAsync(IEnumerable<(string Id, UInt128 IdHash)> ids, CancellationToken cancellationToken = default)
    {
        var found = new Dictionary<string, StoredId>(StringComparer.Ordinal);
        var asked = new HashSet<string>(StringComparer.Ordinal);
        var rest = new List<(string Id, UInt128 IdHash)>();
        foreach (var (id, hash) in ids)
        {
            if (!asked.Add(id)) continue;
            _lookups++;
            if (FindInMemory(id) is { } known) found[id] = known;
            else rest.Add((id, hash));
        }
        if (rest.Count == 0) return found;

        var shares = new List<string>?[partitions.Count];
        foreach (var (id, hash) in rest)
        {
            var p = DedupePartitioning.PartitionOf(hash, partitions.Count);
            if (_partitionIds[p] > 0) (shares[p] ??= []).Add(id);
        }
        var lookups = new List<Task<Dictionary<string, StoredId>>>();
        for (var p = 0; p < shares.Length; p++)
        {
            if (shares[p] is { } share) lookups.Add(partitions.FindAsync(p, share));
        }
        _partitionCalls += lookups.Count;
        if (_unpartitioned is { } old)
        {
            lookups.Add(old.FindAsync(rest, cancellationToken));
            if (old.Runs == 0) _unpartitioned = null; // every old run expired (its lookup above ran before)
        }
        foreach (var answer in await Task.WhenAll(lookups).WaitAsync(cancellationToken))
        {
            foreach (var (id, stored) in answer) found.TryAdd(id, stored);
        }
        return found;
    }

    private StoredId? FindInMemory(string id)
    {
        if (_recent.Ids.TryGetValue(id, out var stored)) return stored;
        foreach (var run in _sealing)
        {
            if (run.Ids.TryGetValue(id, out stored)) return stored;
        }
        return null;
    }

    /// <summary>
    /// Sends full runs to the partitions in order, one run at a time: each partition its slice, in
    /// parallel. The run leaves memory only when every partition has its slice durable; a partition that
    /// failed is asked again with a capped backoff (the others are not asked twice), and no later run is
    /// sent before it.
    /// </summary>
    private async Task SealLoopAsync()
    {
        var failures = 0;
        while (!Stopped && _sealing.TryPeek(out var run))
        {
            if (run.Slices is null)
            {
                var ids = run.Ids;
                var (first, last, newest) = (run.FirstSequence, run.LastSequence, run.NewestAt);
                // Hashing a million ids takes a while: off the grain's turn.
                run.Slices = await Task.Run(() => DedupePartitioning.Split(ids, first, last, newest, partitions.Count));
                run.Pending = [.. Enumerable.Range(0, partitions.Count)];
            }
            var slices = run.Slices;
            var attempts = await Task.WhenAll(run.Pending!.Select(async p =>
            {
                try
                {
                    return (p, State: await partitions.WriteSliceAsync(p, slices[p]), Error: (Exception?)null);
                }
                catch (Exception ex)
                {
                    return (p, State: (DedupePartitionState?)null, Error: ex);
                }
            }));
            if (Stopped) return;
            foreach (var (p, state, error) in attempts)
            {
                if (state is not null && state.DurableThrough >= run.LastSequence)
                {
                    _partitionIds[p] = state.Ids;
                    run.Pending!.Remove(p);
                }
                else
                {
                    logger.LogWarning(error, "Sealing {Count} dedupe ids ({First}..{Last}) of {OrgId} into partition {Partition} failed (attempt {Attempt}); they stay in memory and it is retried",
                        slices[p].Ids.Count, run.FirstSequence, run.LastSequence, orgId, p, failures + 1);
                }
            }
            if (run.Pending!.Count == 0)
            {
                _sealing.Dequeue();
                DurableThrough = run.LastSequence;
                failures = 0;
                RetireUnpartitioned();
                continue;
            }
            failures++;
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(30_000, 250 * (1 << Math.Min(failures, 7)))));
        }
    }

    /// <summary>
    /// The runs from before partitioning stop being the durable mark once every partition is durable
    /// past them: from then on they simply expire, and when none is left they are no longer asked.
    /// </summary>
    private void RetireUnpartitioned()
    {
        if (_unpartitioned is not { } old || DurableThrough <= old.DurableThrough) return;
        old.KeepsNewest = false;
        old.Expire();
        if (old.Runs == 0) _unpartitioned = null;
    }

    /// <summary>The ingest grain's part (recent and sealing ids, the old runs) plus every partition's.</summary>
    public async Task<DedupeStats> StatsAsync()
    {
        var parts = await Task.WhenAll(Enumerable.Range(0, partitions.Count).Select(partitions.StatsAsync));
        var old = _unpartitioned?.Stats();
        var all = old is null ? parts : [.. parts, old];
        return new DedupeStats(
            _recent.Ids.Count,
            _sealing.Sum(r => r.Ids.Count),
            all.Sum(s => s.Runs),
            all.Sum(s => s.RunIds),
            all.Sum(s => s.FilterBytes),
            all.Sum(s => s.FenceBytes),
            DurableThrough,
            all.Sum(s => s.ExactReads))
        {
            Lookups = _lookups,
            FilterProbes = all.Sum(s => s.FilterProbes),
            Compactions = all.Sum(s => s.Compactions),
            CompactedIds = all.Sum(s => s.CompactedIds),
            RunsWithoutFilter = all.Sum(s => s.RunsWithoutFilter),
            Partitions = partitions.Count,
            PartitionCalls = _partitionCalls,
            UnpartitionedRuns = old?.Runs ?? 0,
        };
    }

    private sealed class RecentRun(DateTimeOffset openedAt)
    {
        public Dictionary<string, StoredId> Ids { get; } = new(StringComparer.Ordinal);
        /// <summary>When its first id came: a run is sealed <see cref="DedupeSettings.RunMaxAge"/> after it at the latest.</summary>
        public DateTimeOffset OpenedAt { get; set; } = openedAt;
        public DateTimeOffset NewestAt { get; set; } = openedAt;
        /// <summary>The stretch of the log it covers (set when it is sealed: it starts where the run before it ended).</summary>
        public long FirstSequence { get; set; }
        public long LastSequence { get; set; }
        /// <summary>Its ids split by partition, once it is being sealed, and the partitions that have not confirmed theirs.</summary>
        public DedupeSlice[]? Slices { get; set; }
        public HashSet<int>? Pending { get; set; }
    }
}
