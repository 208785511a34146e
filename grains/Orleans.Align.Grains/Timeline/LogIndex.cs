using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Align.Grains.Log;

namespace Orleans.Align.Grains.Timeline;

/// <summary>What a query reads: the chunks through the log's tail when it was listed (the newest one a copy).</summary>
public sealed record IndexSnapshot(IReadOnlyList<LogChunk> Chunks)
{
    public long LastSequence => Chunks.Count == 0 ? 0 : Chunks[^1].LastSequence;
}

/// <summary>
/// The index of one organization's log in this silo, built lazily: each query first reads what was
/// appended since the index last looked (ranged reads below the committed length, never through
/// the store's append lock), then answers from the chunks. Full chunks are saved to
/// <see cref="ILogIndexStore"/>; a silo loads them instead of reading the log from the start.
/// The first query of a silo starts that warming in the background, not under its own cancellation,
/// and waits for it at most <see cref="TimelineOptions.WarmWait"/>: past it the query is refused as
/// retryable (503 with Retry-After), and the warming goes on for the retry.
/// </summary>
public sealed class LogIndex(string orgId, IEventLogReader reader, ILogIndexStore store, TimelineOptions options, ILogger logger)
{
    // The index's own gate: queries of this organization wait for each other's catch-up, never for an append.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<LogChunk> _sealed = [];
    private readonly ConcurrentQueue<LogChunk> _unsaved = new();
    private int _saving;
    private LogChunkBuilder _partial = new();
    private volatile bool _loaded;
    private volatile bool _warm;
    private Task? _warming;
    private readonly object _warmingLock = new();
    // Progress of the warming, for the Retry-After of a query that does not wait for it to end.
    private long _warmStarted;
    private long _warmBytesTotal;
    private long _warmBytesRead;
    // Appends handed over by this silo's log store, indexed without reading or parsing them again.
    private readonly ConcurrentQueue<Handoff> _handoffs = new();
    private int _queued;
    private int _draining;

    private sealed record Handoff(long Segment, IReadOnlyList<PositionedEvent> Events, long End);

    private long LastIndexed => _partial.Count > 0 ? _partial.LastSequence : _sealed.Count > 0 ? _sealed[^1].LastSequence : 0;

    /// <summary>
    /// An append this silo's log store just made. Once a query has used this index, appends made here
    /// are indexed from memory, off the append path (a queue and a task of the index's own), so a
    /// query only reads from storage what other silos appended. Never blocks: past
    /// <see cref="TimelineOptions.MaxHandoffEvents"/> waiting, an append is left to be read from the log.
    /// </summary>
    public void Offer(long segment, IReadOnlyList<PositionedEvent> events, long end)
    {
        if (!_loaded || events.Count == 0) return;
        if (Interlocked.Add(ref _queued, events.Count) > options.MaxHandoffEvents)
        {
            Interlocked.Add(ref _queued, -events.Count);
            return;
        }
        _handoffs.Enqueue(new Handoff(segment, events, end));
        if (Interlocked.CompareExchange(ref _draining, 1, 0) == 0) _ = Task.Run(DrainInBackgroundAsync);
    }

    private async Task DrainInBackgroundAsync()
    {
        try
        {
            await _gate.WaitAsync();
            try
            {
                Drain();
            }
            finally
            {
                _gate.Release();
            }
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Indexing appends of {OrgId} failed; the next query reads them from the log", orgId);
        }
        finally
        {
            Volatile.Write(ref _draining, 0);
        }
    }

    /// <summary>Indexes handed-over appends that continue the index; at a gap it drops them, and a catch-up reads the log instead.</summary>
    private void Drain()
    {
        while (_handoffs.TryPeek(out var handoff))
        {
            var last = LastIndexed;
            if (handoff.Events[0].Logged.Sequence > last + 1)
            {
                // Something in between was not handed over (dropped past the bound, or appended before
                // this index opened): a catch-up reads it all from the log, so let go of what waits.
                while (_handoffs.TryDequeue(out var dropped)) Interlocked.Add(ref _queued, -dropped.Events.Count);
                return;
            }
            _handoffs.TryDequeue(out _);
            Interlocked.Add(ref _queued, -handoff.Events.Count);
            for (var i = 0; i < handoff.Events.Count; i++)
            {
                if (handoff.Events[i].Logged.Sequence <= last) continue; // read from the log already
                var end = i + 1 < handoff.Events.Count ? handoff.Events[i + 1].Offset : handoff.End;
                Add(handoff.Events[i], handoff.Segment, end);
            }
        }
    }
    // Where the first record not yet indexed starts; segment 0 means the start of the log.
    private long _endSegment;
    private long _endOffset;

    /// <summary>
    /// The index through at least <paramref name="through"/> (the newest sequence the reader's goals
    /// have applied; by default the log's tail). Appends this silo made are indexed from memory; only
    /// when they do not reach <paramref name="through"/> (another silo appended them, or they were
    /// dropped) does the query list the log and read what is missing. Under full-rate ingest the tail
    /// moves on while a query runs, and catching up with it (a listing and a read and parse of the
    /// latest batches, for every query) was most of a page's time and its tail.
    /// </summary>
    /// <param name="askedAt">When the query began (<see cref="Environment.TickCount64"/>): the wait for a warming index counts from there.</param>
    public async Task<IndexSnapshot> CatchUpAsync(CancellationToken cancellationToken, long through = long.MaxValue, long? askedAt = null)
    {
        if (!_warm) await WaitForWarmAsync(askedAt ?? Environment.TickCount64, cancellationToken);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            Drain();
            if (LastIndexed < through)
            {
                await ReadLogAsync(cancellationToken);
                Drain();
            }
            return new IndexSnapshot(_partial.Count == 0 ? [.. _sealed] : [.. _sealed, _partial.Build()]);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Waits for the first load and read of the log (started by the first query, run by none of them),
    /// at most <see cref="TimelineOptions.WarmWait"/>: a silo that just started answers within bounded
    /// time, with the index or with a retryable refusal that says when to come back.
    /// </summary>
    private async Task WaitForWarmAsync(long askedAt, CancellationToken cancellationToken)
    {
        var warming = StartWarming();
        var wait = options.WarmWait - TimeSpan.FromMilliseconds(Environment.TickCount64 - askedAt);
        try
        {
            if (!warming.IsCompleted && wait <= TimeSpan.Zero) throw new TimeoutException();
            await warming.WaitAsync(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, cancellationToken);
        }
        catch (TimeoutException)
        {
            var retryAfter = EstimateRetryAfter();
            throw AlignException.Unavailable(
                $"The provenance index of this organization is warming up on this silo (a silo that just started loads it or reads the log once); retry after {retryAfter.TotalSeconds:0} s.",
                retryAfter);
        }
    }

    /// <summary>
    /// Starts the warming unless it runs or ran (a failed one is started again); returns it. A query
    /// calls it first thing, so the index loads while the query fetches its goals.
    /// </summary>
    public Task StartWarming()
    {
        if (_warm) return Task.CompletedTask;
        lock (_warmingLock)
        {
            if (_warming is null || _warming.IsFaulted || _warming.IsCanceled)
            {
                Interlocked.Exchange(ref _warmStarted, Environment.TickCount64);
                _warming = Task.Run(WarmAsync, CancellationToken.None);
            }
            return _warming;
        }
    }

    private async Task WarmAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (!_loaded) await LoadAsync(CancellationToken.None);
            Drain();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var from = LastIndexed;
            await ReadLogAsync(CancellationToken.None, counting: true);
            _warm = true;
            logger.LogInformation("Log index of {OrgId} warm: read {Events} event(s) of the log past the saved chunks in {Elapsed} ms", orgId, LastIndexed - from, clock.ElapsedMilliseconds);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Warming the log index of {OrgId} failed; the next query starts it again", orgId);
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The time left at the rate of the warming so far, within [1 s, 60 s].</summary>
    private TimeSpan EstimateRetryAfter()
    {
        var elapsed = TimeSpan.FromMilliseconds(Environment.TickCount64 - Interlocked.Read(ref _warmStarted));
        var (read, total) = (Interlocked.Read(ref _warmBytesRead), Interlocked.Read(ref _warmBytesTotal));
        var left = read <= 0 || total <= 0 ? elapsed : elapsed * ((double)(total - read) / read);
        return TimeSpan.FromSeconds(Math.Clamp(Math.Ceiling(left.TotalSeconds), 1, 60));
    }

    /// <summary>Reads and indexes what the log holds past the index, through the tail as listed now.</summary>
    private async Task ReadLogAsync(CancellationToken cancellationToken, bool counting = false)
    {
        var segments = await reader.GetSegmentsAsync(orgId, cancellationToken);
        if (counting)
        {
            Interlocked.Exchange(ref _warmBytesRead, 0);
            Interlocked.Exchange(ref _warmBytesTotal, segments.Where(s => s.FirstSequence >= _endSegment)
                .Sum(s => s.Length - (s.FirstSequence == _endSegment ? _endOffset : 0)));
        }
        foreach (var segment in segments)
        {
            if (segment.FirstSequence < _endSegment) continue;
            var from = segment.FirstSequence == _endSegment ? _endOffset : 0;
            while (from < segment.Length)
            {
                var read = await reader.ReadRangeAsync(orgId, segment.FirstSequence, from, Math.Min(segment.Length, from + options.ReadBytes), cancellationToken);
                if (read.Events.Count == 0) throw new InvalidOperationException($"The log of '{orgId}' has a record at {segment.FirstSequence}:{from} larger than a read of {options.ReadBytes} bytes.");
                for (var i = 0; i < read.Events.Count; i++)
                {
                    var end = i + 1 < read.Events.Count ? read.Events[i + 1].Offset : read.End;
                    Add(read.Events[i], segment.FirstSequence, end);
                }
                if (counting) Interlocked.Add(ref _warmBytesRead, read.End - from);
                from = read.End;
            }
        }
    }

    /// <summary>One record; the position moves with it, so a catch-up cancelled anywhere resumes exactly where it stopped.</summary>
    private void Add(PositionedEvent e, long segment, long end)
    {
        var last = LastIndexed;
        if (e.Logged.Sequence != last + 1)
            throw new InvalidOperationException($"The log of '{orgId}' continues at {e.Logged.Sequence} after {last}: the index and the log disagree.");
        _partial.Add(e.Logged, segment, e.Offset, end, options.MarkEvery);
        (_endSegment, _endOffset) = (segment, end);
        if (_partial.Count < options.ChunkEvents) return;
        var chunk = _partial.Build();
        _sealed.Add(chunk);
        _unsaved.Enqueue(chunk);
        _partial = new LogChunkBuilder();
        if (Interlocked.CompareExchange(ref _saving, 1, 0) == 0) _ = Task.Run(SaveInBackgroundAsync);
    }

    /// <summary>Full chunks go to storage in the background: no query waits for them.</summary>
    private async Task SaveInBackgroundAsync()
    {
        try
        {
            while (_unsaved.TryPeek(out var chunk))
            {
                await store.SaveAsync(orgId, chunk, CancellationToken.None);
                _unsaved.TryDequeue(out _);
            }
        }
        catch (Exception ex)
        {
            // Derived data: saved when the next chunk fills; meanwhile this silo has it in memory.
            logger.LogWarning(ex, "Saving the log index of {OrgId} failed; it is saved when the next chunk fills", orgId);
        }
        finally
        {
            Volatile.Write(ref _saving, 0);
        }
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        IReadOnlyList<LogChunk> saved;
        try
        {
            saved = await store.LoadAsync(orgId, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Loading the log index of {OrgId} failed; building it from the log", orgId);
            saved = [];
        }
        long last = 0;
        foreach (var chunk in saved)
        {
            // Only an unbroken run from the start of the log is trusted; the rest is read again.
            if (chunk.FirstSequence != last + 1 || chunk.Count != chunk.LastSequence - chunk.FirstSequence + 1) break;
            _sealed.Add(chunk);
            last = chunk.LastSequence;
            (_endSegment, _endOffset) = (chunk.EndSegment, chunk.EndOffset);
        }
        _loaded = true;
        logger.LogInformation("Log index of {OrgId}: {Chunks} saved chunk(s) through sequence {Last}, loaded in {Elapsed} ms", orgId, _sealed.Count, last, clock.ElapsedMilliseconds);
    }
}

/// <summary>The log indexes of this silo, one per organization, shared by every query.</summary>
public sealed class LogIndexes(IEventLogReader reader, ILogIndexStore store, IOptions<TimelineOptions> options, ILogger<LogIndex> logger)
{
    private readonly ConcurrentDictionary<string, LogIndex> _indexes = new(StringComparer.Ordinal);

    public IEventLogReader Reader => reader;

    public TimelineOptions Options => options.Value;

    public LogIndex For(string orgId) => _indexes.GetOrAdd(orgId, id => new LogIndex(id, reader, store, options.Value, logger));

    /// <summary>Hands an append to the organization's index if a query has opened one in this silo; otherwise does nothing.</summary>
    public void Appended(string orgId, long segment, IReadOnlyList<PositionedEvent> events, long end)
    {
        if (_indexes.TryGetValue(orgId, out var index)) index.Offer(segment, events, end);
    }
}
