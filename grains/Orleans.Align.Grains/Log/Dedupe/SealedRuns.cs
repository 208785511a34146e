using Microsoft.Extensions.Logging;

namespace Orleans.Align.Grains.Log.Dedupe;

/// <summary>
/// The sealed part of a dedupe index: runs of ids in storage under one key (a partition of an
/// organization, <c>{org}/{p}</c>, or an organization's runs from before partitioning, <c>{org}</c>),
/// of which memory keeps only filters and fences:
/// <list type="bullet">
/// <item><b>slices</b> (<see cref="WriteSliceAsync"/>): the ids of one stretch of the log that hash to
/// this partition, sorted by id hash and written as a run; idempotent by the stretch's sequences;</item>
/// <item><b>compaction</b> merges sealed runs (<see cref="RunCompaction"/>): one run per past day of the
/// window and a few for today, so a lookup asks a small, constant number of filters whatever the rate;</item>
/// <item>a lookup that a run's filter answers "maybe" reads the one block of that run that would hold
/// the id and compares the id itself: the filter can only cost a read, never a false duplicate.</item>
/// </list>
/// Runs cover the log's sequences up to <see cref="DurableThrough"/> without a hole (slices come in log
/// order; a compaction replaces neighbours by one run with all their ids). Single-threaded: the grain
/// that owns it runs it one turn at a time.
/// </summary>
public sealed class SealedRuns(string storeKey, IDedupeIndexStore store, DedupeSettings settings, TimeProvider clock, ILogger logger)
{
    private const int MaxConcurrentReads = 16;
    private const int MaxReadBytes = 4 * 1024 * 1024;
    private readonly List<RunSummary> _sealed = []; // in log order
    private readonly HashSet<RunSummary> _compacting = [];
    private readonly List<string> _retired = []; // replaced or expired, deleted once no lookup may still read them
    private Task? _compactor;
    private int _lookupsInFlight;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _writing = new(1, 1);
    private long _exactReads;
    private long _lookups;
    private long _filterProbes;
    private long _compactions;
    private long _compactedIds;

    /// <summary>Runs cover the log (this key's share of its ids) through this sequence; 0 when there are none.</summary>
    public long DurableThrough { get; private set; }

    /// <summary>How many ids the runs hold: a partition with none need not be asked.</summary>
    public long Ids => _sealed.Sum(r => r.Count);

    public int Runs => _sealed.Count;

    /// <summary>
    /// Whether the newest run stays past the window, as the mark of how far the runs are durable (the
    /// default). An organization's runs from before partitioning stop keeping it once the partitions
    /// have sealed past them: then they simply expire, and the key is empty.
    /// </summary>
    public bool KeepsNewest { get; set; } = true;

    /// <summary>
    /// Stops the background work of a grain that deactivates: no compaction commits, no deletes, no more
    /// slices. The next activation (here or on another silo) owns the runs from its own load; an old
    /// activation that went on deleting would pull runs from under it.
    /// </summary>
    public void Stop() => _stopping.Cancel();

    private bool Stopped => _stopping.IsCancellationRequested;

    /// <summary>The compaction running now, if any (tests and the benchmark wait for it).</summary>
    public Task Compaction => _compactor ?? Task.CompletedTask;

    /// <summary>
    /// Reads every run summary (filters and fences, never the ids); expired runs are dropped, and runs a
    /// compaction replaced but did not get to delete (a crash in between) are deleted now.
    /// </summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var (kept, superseded) = RunCompaction.Superseded(await store.LoadSummariesAsync(storeKey, cancellationToken));
        _sealed.Clear();
        _sealed.AddRange(kept);
        DurableThrough = _sealed.Count == 0 ? 0 : _sealed.Max(r => r.LastSequence);
        Retire(superseded.Select(r => r.Name));
        Expire();
        FitFiltersToCap();
        StartCompaction();
    }

    /// <summary>
    /// Writes <paramref name="slice"/> as a run, then counts it. Idempotent by sequence: what this key
    /// already covers (a slice sent again after an answer was lost, or by a restarted ingest grain that
    /// cut its runs elsewhere) is skipped, and only the sequences after <see cref="DurableThrough"/> are
    /// written. A slice that would leave a hole after runs that exist is refused: the runs would claim
    /// sequences they do not hold. Returns the new <see cref="DurableThrough"/>. One at a time.
    /// </summary>
    public async Task<long> WriteSliceAsync(DedupeSlice slice, CancellationToken cancellationToken = default)
    {
        await _writing.WaitAsync(cancellationToken);
        try
        {
            return await WriteSliceCoreAsync(slice, cancellationToken);
        }
        finally
        {
            _writing.Release();
        }
    }

    private async Task<long> WriteSliceCoreAsync(DedupeSlice slice, CancellationToken cancellationToken)
    {
        if (Stopped) throw new InvalidOperationException($"The dedupe runs of '{storeKey}' are stopped (the grain is deactivating).");
        if (slice.LastSequence <= DurableThrough) return DurableThrough;
        if (_sealed.Count > 0 && slice.FirstSequence > DurableThrough + 1)
            throw new InvalidOperationException($"A dedupe slice of '{storeKey}' starts at {slice.FirstSequence}, but its runs end at {DurableThrough}: the sequences between would be claimed and not held.");
        var first = Math.Max(slice.FirstSequence, DurableThrough + 1);
        var records = new List<IdRecord>(slice.Ids.Count);
        foreach (var id in slice.Ids)
        {
            if (id.Sequence >= first) records.Add(new IdRecord(EventFingerprint.OfId(id.Id), id.Id, id.Sequence, id.ContentHash));
        }
        // Sorting a million ids takes a while: off the grain's turn.
        var (bytes, summary) = await Task.Run(() => IdRun.Seal(records, first, slice.LastSequence, slice.NewestAt, settings.FilterBitsPerId), cancellationToken);
        await store.WriteRunAsync(storeKey, summary, bytes, cancellationToken);
        if (Stopped) throw new InvalidOperationException($"The dedupe runs of '{storeKey}' are stopped (the grain is deactivating).");
        _sealed.Add(summary);
        DurableThrough = summary.LastSequence;
        Expire();
        FitFiltersToCap();
        StartCompaction();
        return DurableThrough;
    }

    /// <summary>
    /// Finds which of <paramref name="ids"/> the log holds within the window, exactly. Throws if storage
    /// cannot answer: an id is never taken for new because its check failed.
    /// </summary>
    public async Task<Dictionary<string, StoredId>> FindAsync(IEnumerable<(string Id, UInt128 IdHash)> ids, CancellationToken cancellationToken = default)
    {
        // Expiry here too, not only when a run is sealed: an organization that went quiet still forgets on time.
        Expire();
        _lookupsInFlight++;
        try
        {
            return await FindCoreAsync(ids, cancellationToken);
        }
        finally
        {
            _lookupsInFlight--;
            DeleteRetired();
        }
    }

    private async Task<Dictionary<string, StoredId>> FindCoreAsync(IEnumerable<(string Id, UInt128 IdHash)> ids, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, StoredId>(StringComparer.Ordinal);
        var reads = new Dictionary<(RunSummary Run, long Offset), (int Length, List<(string Id, UInt128 Hash)> Candidates)>();
        foreach (var (id, hash) in ids)
        {
            if (found.ContainsKey(id)) continue;
            _lookups++;
            _filterProbes += _sealed.Count;
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

        // Neighbouring blocks of a run are read as one range (a run without a filter needs most of its
        // blocks): one request per stretch rather than per block.
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
                return (range, Bytes: await store.ReadRunAsync(storeKey, range.Run.Name, range.Offset, range.Length, cancellationToken));
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

    private void StartCompaction()
    {
        if (_compactor is not { IsCompleted: false }) _compactor = CompactLoopAsync();
    }

    /// <summary>
    /// One compaction at a time, behind sealing and lookups: the merge streams on the thread pool, and
    /// only the swap (inputs out, output in, on the grain's turn) touches what lookups see. A failed
    /// compaction changes nothing (the inputs stay, the output has no summary) and is retried.
    /// </summary>
    private async Task CompactLoopAsync()
    {
        var failures = 0;
        while (!Stopped && RunCompaction.Next(_sealed, settings.CompactionSpan, settings.CompactionFanIn, RunCompaction.MaxRunIds(settings.FilterBitsPerId)) is { } inputs)
        {
            foreach (var run in inputs) _compacting.Add(run);
            try
            {
                var output = await Task.Run(() => MergeAsync(inputs, _stopping.Token));
                if (Stopped) return;
                await store.WriteSummaryAsync(storeKey, output);
                var at = _sealed.IndexOf(inputs[0]);
                _sealed.RemoveRange(at, inputs.Count);
                _sealed.Insert(at, output);
                Retire(inputs.Select(r => r.Name));
                Expire(); // runs it held back while they were being compacted
                _compactions++;
                _compactedIds += output.Count;
                failures = 0;
                FitFiltersToCap();
            }
            catch (Exception) when (Stopped)
            {
                return;
            }
            catch (Exception ex)
            {
                failures++;
                logger.LogWarning(ex, "Compacting {Runs} dedupe runs of {Key} failed (attempt {Attempt}); the runs stay as they are and it is retried", inputs.Count, storeKey, failures);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(60_000, 500 * (1 << Math.Min(failures, 7)))));
            }
            finally
            {
                foreach (var run in inputs) _compacting.Remove(run);
            }
        }
    }

    private async Task<RunSummary> MergeAsync(IReadOnlyList<RunSummary> inputs, CancellationToken cancellationToken)
    {
        var name = IdRun.NameFor(inputs.Min(r => r.FirstSequence), inputs.Max(r => r.LastSequence));
        var sources = new List<Stream>();
        try
        {
            foreach (var run in inputs) sources.Add(await store.OpenRunReadAsync(storeKey, run.Name, cancellationToken));
            await using var target = await store.OpenRunWriteAsync(storeKey, name, cancellationToken);
            return await RunCompaction.MergeAsync(inputs, sources, target, settings.FilterBitsPerId, cancellationToken);
        }
        finally
        {
            foreach (var source in sources) await source.DisposeAsync();
        }
    }

    /// <summary>
    /// Runs older than the window are forgotten; the newest stays, as the mark of how far the index is
    /// durable, and so does a run being compacted (it goes with its compaction's output).
    /// </summary>
    public void Expire()
    {
        var oldest = clock.GetUtcNow() - settings.Window;
        while (_sealed.Count > (KeepsNewest ? 1 : 0) && _sealed[0].NewestAt < oldest && !_compacting.Contains(_sealed[0]))
        {
            var run = _sealed[0];
            _sealed.RemoveAt(0);
            Retire([run.Name]);
        }
    }

    /// <summary>A lookup in flight may still read a run that left the index: its blobs go when no lookup is.</summary>
    private void Retire(IEnumerable<string> runNames)
    {
        _retired.AddRange(runNames);
        DeleteRetired();
    }

    private void DeleteRetired()
    {
        // A stopped index deletes nothing: the next load finds what is expired or superseded.
        if (_lookupsInFlight > 0 || _retired.Count == 0 || Stopped) return;
        var names = _retired.ToList();
        _retired.Clear();
        foreach (var name in names) _ = DeleteAsync(name);
    }

    private async Task DeleteAsync(string runName)
    {
        try
        {
            await store.DeleteRunAsync(storeKey, runName);
        }
        catch (Exception ex)
        {
            // Expired: found again at the next load and deleted then. Compacted: its output supersedes
            // it at the next load. Meanwhile it only costs storage.
            logger.LogWarning(ex, "Deleting the dedupe run {Run} of {Key} failed", runName, storeKey);
        }
    }

    /// <summary>
    /// Past <see cref="DedupeSettings.FilterMaxBytes"/>, the largest filters are dropped until the rest
    /// fit: memory stays bounded, and each run without a filter costs an exact check (a block read) per
    /// lookup; never a false duplicate. The largest first, because every dropped filter costs the same
    /// read per lookup, whatever its size. Sized right (docs/benchmarks.md), the cap is never reached.
    /// </summary>
    private void FitFiltersToCap()
    {
        var total = _sealed.Sum(r => r.Filter.SizeBytes);
        while (total > settings.FilterMaxBytes)
        {
            var largest = _sealed.MaxBy(r => r.Filter.SizeBytes);
            if (largest is null || largest.Filter.SizeBytes == 0) break;
            logger.LogWarning("The dedupe filters of {Key} exceed {Cap} bytes: the filter of run {Run} ({Bytes} bytes) is dropped, and each lookup reads that run",
                storeKey, settings.FilterMaxBytes, largest.Name, largest.Filter.SizeBytes);
            total -= largest.Filter.SizeBytes;
            largest.Filter = AlwaysMaybe.Instance;
        }
    }

    public DedupeStats Stats() => new(
        0,
        0,
        _sealed.Count,
        _sealed.Sum(r => r.Count),
        _sealed.Sum(r => r.Filter.SizeBytes),
        _sealed.Sum(r => r.FenceBytes),
        DurableThrough,
        _exactReads)
    {
        Lookups = _lookups,
        FilterProbes = _filterProbes,
        Compactions = _compactions,
        CompactedIds = _compactedIds,
        RunsWithoutFilter = _sealed.Count(r => r.Filter is AlwaysMaybe),
    };
}
