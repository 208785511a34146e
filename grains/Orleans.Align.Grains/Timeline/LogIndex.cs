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
/// </summary>
public sealed class LogIndex(string orgId, IEventLogReader reader, ILogIndexStore store, TimelineOptions options, ILogger logger)
{
    // The index's own gate: queries of this organization wait for each other's catch-up, never for an append.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<LogChunk> _sealed = [];
    private readonly List<LogChunk> _unsaved = [];
    private LogChunk _partial = new();
    private bool _loaded;
    // Where the first record not yet indexed starts; segment 0 means the start of the log.
    private long _endSegment;
    private long _endOffset;

    public async Task<IndexSnapshot> CatchUpAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!_loaded) await LoadAsync(cancellationToken);
            var segments = await reader.GetSegmentsAsync(orgId, cancellationToken);
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
                    from = read.End;
                }
            }
            await SaveAsync(cancellationToken);
            return new IndexSnapshot(_partial.Count == 0 ? [.. _sealed] : [.. _sealed, _partial.Clone()]);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>One record; the position moves with it, so a catch-up cancelled anywhere resumes exactly where it stopped.</summary>
    private void Add(PositionedEvent e, long segment, long end)
    {
        var last = _partial.Count > 0 ? _partial.LastSequence : _sealed.Count > 0 ? _sealed[^1].LastSequence : 0;
        if (e.Logged.Sequence != last + 1)
            throw new InvalidOperationException($"The log of '{orgId}' continues at {e.Logged.Sequence} after {last}: the index and the log disagree.");
        _partial.Add(e.Logged, segment, e.Offset, end, options.MarkEvery);
        (_endSegment, _endOffset) = (segment, end);
        if (_partial.Count < options.ChunkEvents) return;
        _sealed.Add(_partial);
        _unsaved.Add(_partial);
        _partial = new LogChunk();
    }

    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (_unsaved.Count > 0)
            {
                await store.SaveAsync(orgId, _unsaved[0], cancellationToken);
                _unsaved.RemoveAt(0);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Derived data: saved with a later query; meanwhile this silo has it in memory.
            logger.LogWarning(ex, "Saving the log index of {OrgId} failed; it is saved with a later query", orgId);
        }
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
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
        logger.LogInformation("Log index of {OrgId}: {Chunks} saved chunk(s) through sequence {Last}", orgId, _sealed.Count, last);
    }
}

/// <summary>The log indexes of this silo, one per organization, shared by every query.</summary>
public sealed class LogIndexes(IEventLogReader reader, ILogIndexStore store, IOptions<TimelineOptions> options, ILogger<LogIndex> logger)
{
    private readonly ConcurrentDictionary<string, LogIndex> _indexes = new(StringComparer.Ordinal);

    public IEventLogReader Reader => reader;

    public TimelineOptions Options => options.Value;

    public LogIndex For(string orgId) => _indexes.GetOrAdd(orgId, id => new LogIndex(id, reader, store, options.Value, logger));
}
