using Microsoft.Extensions.Logging;

namespace Orleans.Align.Grains.Log.Dedupe;

/// <summary>
/// One organization's event ids over the dedupe window, exactly, in bounded memory:
/// <list type="bullet">
/// <item>the <b>recent run</b>: the newest ids, exact, in memory (id → sequence and content hash), at
/// most <see cref="DedupeSettings.RecentMaxIds"/>; the hot retry case never leaves memory;</item>
/// <item><b>sealed runs</b>: when the recent run is full (or older than <see cref="DedupeSettings.RunMaxAge"/>)
/// it is sorted by id hash and written to storage; memory keeps only its Bloom filter and fences;</item>
/// <item>a lookup that a run's filter answers "maybe" reads the one block of that run that would hold
/// the id and compares the id itself: the filter can only cost a read, never a false duplicate.</item>
/// </list>
/// Not durable by itself: what is not in a sealed run yet is in the log after <see cref="DurableThrough"/>,
/// and the ingest grain re-reads that stretch (at most the recent run and any run still being sealed)
/// when it activates. Runs seal one at a time and in order, so sealed runs always cover the log up to
/// <see cref="DurableThrough"/> without a hole. Single-threaded: the ingest log grain owns one.
/// </summary>
public sealed class DedupeIndex(string orgId, IDedupeIndexStore store, DedupeSettings settings, TimeProvider clock, ILogger logger)
{
    private const int MaxConcurrentReads = 16;
    private const int MaxReadBytes = 4 * 1024 * 1024;
    private RecentRun _recent = new(clock.GetUtcNow());
    private readonly Queue<RecentRun> _sealing = new();
    private readonly List<RunSummary> _sealed = []; // in log order
    private Task? _sealer;
    private long _exactReads;

    /// <summary>Sealed runs cover the log through this sequence; what follows is only in memory (and the log).</summary>
    public long DurableThrough { get; private set; }

    /// <summary>Reads every run summary (filters and fences, never the ids); expired runs are dropped.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var summaries = await store.LoadSummariesAsync(orgId, cancellationToken);
        _sealed.Clear();
        _sealed.AddRange(summaries.OrderBy(s => s.FirstSequence));
        DurableThrough = _sealed.Count == 0 ? 0 : _sealed[^1].LastSequence;
        Expire();
        FitFiltersToCap();
    }

    /// <summary>Remembers an id the log now holds. Full or old, the recent run is handed to the sealer.</summary>
    public void Remember(string id, long sequence, UInt128 contentHash, DateTimeOffset at)
    {
        if (_recent.Ids.Count == 0) _recent.OpenedAt = at;
        _recent.Ids[id] = new StoredId(sequence, contentHash);
        if (at > _recent.NewestAt) _recent.NewestAt = at;
        if (_recent.Ids.Count >= settings.RecentMaxIds || at - _recent.OpenedAt >= settings.RunMaxAge) Rotate(at);
    }

    private void Rotate(DateTimeOffset now)
    {
        _sealing.Enqueue(_recent);
        _recent = new RecentRun(now);
        if (_sealer is not { IsCompleted: false }) _sealer = SealLoopAsync();
    }

    /// <summary>
    /// Finds which of <paramref name="ids"/> the log holds within the window, exactly. Throws if storage
    /// cannot answer: an id is never taken for new because its check failed.
    /// </summary>
    public async Task<Dictionary<string, StoredId>> FindAsync(IEnumerable<(string Id, UInt128 IdHash)> ids, CancellationToken cancellationToken = default)
    {
        var found = new Dictionary<string, StoredId>(StringComparer.Ordinal);
        var reads = new Dictionary<(RunSummary Run, long Offset), (int Length, List<(string Id, UInt128 Hash)> Candidates)>();
        foreach (var (id, hash) in ids)
        {
            if (found.ContainsKey(id)) continue;
            if (FindInMemory(id) is { } known)
            {
                found[id] = known;
                continue;
            }
            for (var r = _sealed.Count - 1; r >= 0; r--)
            {
                var run = _sealed[r];
                if (!run.Filter.MaybeContains(hash)) continue;
                foreach (var (offset, length) in run.BlocksFor(hash))
                {
                    if (!reads.TryGetValue((run, offset), out var read)) reads[(run, offset)] = read = (length, []);
                    read.Candidates.Add((id, hash));
                }
            }
        }
        if (reads.Count == 0) return found;

        // Neighbouring blocks of a run are read as one range (a filter that says "maybe" to most ids
        // needs most blocks): one request per stretch rather than per block.
        var ranges = new List<(RunSummary Run, long Offset, int Length, List<(long Offset, int Length, List<(string Id, UInt128 Hash)> Candidates)> Blocks)>();
        foreach (var read in reads.OrderBy(r => r.Key.Run.Name, StringComparer.Ordinal).ThenBy(r => r.Key.Offset))
        {
            var (run, offset) = read.Key;
            if (ranges.Count > 0 && ranges[^1] is var last && last.Run == run && last.Offset + last.Length == offset && last.Length + read.Value.Length <= MaxReadBytes)
            {
                last.Blocks.Add((offset, read.Value.Length, read.Value.Candidates));
                ranges[^1] = last with { Length = last.Length + read.Value.Length };
            }
            else
            {
                ranges.Add((run, offset, read.Value.Length, [(offset, read.Value.Length, read.Value.Candidates)]));
            }
        }

        using var gate = new SemaphoreSlim(MaxConcurrentReads);
        var results = await Task.WhenAll(ranges.Select(async range =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                return (range, Bytes: await store.ReadRunAsync(orgId, range.Run.Name, range.Offset, range.Length, cancellationToken));
            }
            finally
            {
                gate.Release();
            }
        }));
        _exactReads += results.Length;
        foreach (var (range, bytes) in results)
        {
            foreach (var (offset, length, candidates) in range.Blocks)
            {
                var block = bytes.AsSpan((int)(offset - range.Offset), length);
                foreach (var (id, hash) in candidates)
                {
                    if (!found.ContainsKey(id) && IdRun.Find(block, hash, id) is { } stored) found[id] = stored;
                }
            }
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
    /// Writes full runs in order, one at a time; a failed write keeps the run in memory (still exact)
    /// and is retried with a capped backoff, and no later run is written before it.
    /// </summary>
    private async Task SealLoopAsync()
    {
        var failures = 0;
        while (_sealing.TryPeek(out var run))
        {
            try
            {
                var records = run.Ids.Select(p => new IdRecord(EventFingerprint.OfId(p.Key), p.Key, p.Value.Sequence, p.Value.ContentHash)).ToList();
                // Sorting a million ids takes a while: off the grain's turn.
                var (bytes, summary) = await Task.Run(() => IdRun.Seal(records, run.NewestAt, settings.FilterBitsPerId));
                await store.WriteRunAsync(orgId, summary, bytes);
                _sealing.Dequeue();
                _sealed.Add(summary);
                failures = 0;
                Expire();
                FitFiltersToCap();
                DurableThrough = summary.LastSequence;
            }
            catch (Exception ex)
            {
                failures++;
                logger.LogWarning(ex, "Sealing {Count} dedupe ids of {OrgId} failed (attempt {Attempt}); they stay in memory and it is retried", run.Ids.Count, orgId, failures);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(30_000, 250 * (1 << Math.Min(failures, 7)))));
            }
        }
    }

    /// <summary>Runs older than the window are forgotten; the newest stays, as the mark of how far the index is durable.</summary>
    private void Expire()
    {
        var oldest = clock.GetUtcNow() - settings.Window;
        while (_sealed.Count > 1 && _sealed[0].NewestAt < oldest)
        {
            var run = _sealed[0];
            _sealed.RemoveAt(0);
            _ = DeleteAsync(run.Name);
        }
    }

    private async Task DeleteAsync(string runName)
    {
        try
        {
            await store.DeleteRunAsync(orgId, runName);
        }
        catch (Exception ex)
        {
            // It is found again at the next load and deleted then; meanwhile it only costs storage.
            logger.LogWarning(ex, "Deleting the expired dedupe run {Run} of {OrgId} failed", runName, orgId);
        }
    }

    /// <summary>
    /// Past <see cref="DedupeSettings.FilterMaxBytes"/>, the largest filters are folded in half until
    /// the filters fit: memory stays bounded, and more lookups become exact checks (never false duplicates).
    /// </summary>
    private void FitFiltersToCap()
    {
        var total = _sealed.Sum(r => r.Filter.SizeBytes);
        while (total > settings.FilterMaxBytes)
        {
            var largest = _sealed.MaxBy(r => r.Filter.SizeBytes);
            if (largest is null || !largest.Filter.TryFoldInHalf()) break;
            total -= largest.Filter.SizeBytes;
        }
    }

    public DedupeStats Stats() => new(
        _recent.Ids.Count,
        _sealing.Sum(r => r.Ids.Count),
        _sealed.Count,
        _sealed.Sum(r => (long)r.Count),
        _sealed.Sum(r => r.Filter.SizeBytes),
        _sealed.Sum(r => r.FenceBytes),
        DurableThrough,
        _exactReads);

    private sealed class RecentRun(DateTimeOffset openedAt)
    {
        public Dictionary<string, StoredId> Ids { get; } = new(StringComparer.Ordinal);
        /// <summary>When its first id came: a run is sealed <see cref="DedupeSettings.RunMaxAge"/> after it at the latest.</summary>
        public DateTimeOffset OpenedAt { get; set; } = openedAt;
        public DateTimeOffset NewestAt { get; set; } = openedAt;
    }
}
