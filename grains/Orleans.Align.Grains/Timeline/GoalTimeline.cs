using Orleans.Align.Grains.Goals;
using Orleans.Align.Grains.Log;

namespace Orleans.Align.Grains.Timeline;

/// <summary>
/// Provenance and replay of one goal over an <see cref="IndexSnapshot"/>. Provenance walks chunks
/// newest first and reads only the runs that hold the goal's candidate events; replay sums the
/// per-minute rollups that lie wholly inside the goal's bounds at the moment and goes event by event,
/// in the index (which keeps each event's time and value), through the minutes cut by a bound (the
/// moment itself, the goal's start and end, the start of its reset window): replay reads no log.
/// </summary>
public sealed class GoalTimeline(string orgId, IndexSnapshot index, IEventLogReader reader, TimelineOptions options)
{
    public async Task<ProvenancePage> ProvenanceAsync(GoalReadBasis basis, long? before, int limit, CancellationToken cancellationToken)
    {
        var d = basis.Definition;
        // Only what the goal's current value holds: applied by the goal, and in its current window.
        var end = Math.Min(before ?? long.MaxValue, basis.AppliedThrough + 1);
        var from = d.Reset == ResetCadence.None ? d.Start : basis.WindowStart;
        var matches = Matcher(d);
        // One more than asked for tells whether a next page exists without promising an empty one.
        var found = new List<LoggedEvent>(limit + 1);
        for (var c = index.Chunks.Count - 1; c >= 0 && found.Count <= limit; c--)
        {
            var chunk = index.Chunks[c];
            if (chunk.FirstSequence >= end) continue;
            var candidates = Candidates(chunk, matches, from.UtcTicks, d.End.UtcTicks, end);
            for (var i = 0; i < candidates.Count && found.Count <= limit;)
            {
                var take = Math.Min(candidates.Count - i, Math.Max(limit + 1 - found.Count, 16));
                var batch = candidates.GetRange(i, take);
                i += take;
                var events = await ReadAsync(chunk, batch, cancellationToken);
                foreach (var s in batch)
                {
                    var e = events[s];
                    if (!d.Counts(e.Event) || (d.Reset != ResetCadence.None && GoalMath.WindowStart(d.Reset, d.Start, e.Event.Timestamp) != basis.WindowStart)) continue;
                    found.Add(e);
                    if (found.Count > limit) break;
                }
            }
        }
        if (found.Count <= limit) return new ProvenancePage(found, null);
        found.RemoveAt(limit);
        return new ProvenancePage(found, found[^1].Sequence);
    }

    /// <summary>The goal's own metric at <paramref name="at"/>; a roll-up's value is left to the board, from its replayed children.</summary>
    public GoalView ViewAt(GoalReadBasis basis, DateTimeOffset at, AlignmentSettings settings, CancellationToken cancellationToken)
    {
        var d = basis.Definition;
        var metric = GoalViews.MetricOf(d);
        var window = GoalMath.WindowStart(d.Reset, d.Start, at);
        // Counted at the moment: Start (or the window's start) <= time <= at, time < End, applied by the goal.
        var from = d.Reset == ResetCadence.None ? d.Start : window;
        var applied = basis.AppliedThrough;
        var total = new Rollup();
        var byDepartment = new Dictionary<string, Rollup>(StringComparer.Ordinal);
        var matches = Matcher(d);
        var (fromTicks, endTicks, atTicks) = (from.UtcTicks, d.End.UtcTicks, at.UtcTicks);
        foreach (var chunk in index.Chunks)
        {
            if (chunk.FirstSequence > applied) break;
            cancellationToken.ThrowIfCancellationRequested();
            for (var k = 0; k < chunk.KeyCount; k++)
            {
                var key = chunk.KeyAt(k);
                if (!matches(key)) continue;
                // A department shows in the replay only once one of its events counts, as it does live.
                Rollup? Department() => key.Department is { } dept ? DepartmentOf(byDepartment, dept) : null;
                foreach (ref readonly var cell in chunk.CellsOf(k))
                {
                    if (cell.EndTicks <= fromTicks || cell.StartTicks >= endTicks || cell.StartTicks > atTicks) continue;
                    if (chunk.LastSequence <= applied && cell.StartTicks >= fromTicks && cell.EndTicks <= endTicks && cell.EndTicks <= atTicks)
                    {
                        total.Add(key.Metric, cell);
                        Department()?.Add(key.Metric, cell);
                        continue;
                    }
                    // A minute cut by a bound: its events one by one, from the index, no read of the log.
                    for (var i = 0; i < cell.EventCount; i++)
                    {
                        var (sequence, ticks) = (chunk.SequenceAt(cell, i), chunk.TicksAt(cell, i));
                        if (sequence > applied || ticks < fromTicks || ticks >= endTicks || ticks > atTicks) continue;
                        total.Add(key.Metric, ticks, sequence, chunk.ValueAt(cell, i), chunk.ReadingAt(cell, i));
                        Department()?.Add(key.Metric, ticks, sequence, chunk.ValueAt(cell, i), chunk.ReadingAt(cell, i));
                    }
                }
            }
        }
        return GoalViews.Build(d, metric, total.ToParts(metric), byDepartment.ToDictionary(p => p.Key, p => p.Value.ToParts(metric)), at,
            children: null, basis.UpdatedAt, applied, basis.CheckIns.LastOrDefault(c => c.At <= at), settings);
    }

    private static Rollup DepartmentOf(Dictionary<string, Rollup> byDepartment, string department)
    {
        if (!byDepartment.TryGetValue(department, out var rollup)) byDepartment[department] = rollup = new Rollup();
        return rollup;
    }

    /// <summary>The sequence numbers below <paramref name="end"/> of the chunk's cells the goal may count, newest first.</summary>
    private static List<long> Candidates(LogChunk chunk, Func<IndexKey, bool> matches, long fromTicks, long endTicks, long end)
    {
        var candidates = new List<long>();
        for (var k = 0; k < chunk.KeyCount; k++)
        {
            if (!matches(chunk.KeyAt(k))) continue;
            foreach (ref readonly var cell in chunk.CellsOf(k))
            {
                if (cell.EndTicks <= fromTicks || cell.StartTicks >= endTicks) continue;
                for (var i = 0; i < cell.EventCount; i++)
                {
                    var sequence = chunk.SequenceAt(cell, i);
                    if (sequence < end) candidates.Add(sequence);
                }
            }
        }
        candidates.Sort();
        candidates.Reverse();
        return candidates;
    }

    /// <summary>Whether the goal counts a key, decided once per key rather than once per chunk.</summary>
    private static Func<IndexKey, bool> Matcher(GoalDefinition d)
    {
        var known = new Dictionary<IndexKey, bool>();
        return key =>
        {
            if (!known.TryGetValue(key, out var matched)) known[key] = matched = key.MatchedBy(d);
            return matched;
        };
    }

    /// <summary>
    /// The events with these sequence numbers: the runs that hold them, with runs of the same segment
    /// merged when the gap between them is at most <see cref="TimelineOptions.MergeGapBytes"/> (one
    /// request for a cluster of events rather than one per run), a few ranged reads in parallel.
    /// </summary>
    private async Task<Dictionary<long, LoggedEvent>> ReadAsync(LogChunk chunk, IReadOnlyCollection<long> sequences, CancellationToken cancellationToken)
    {
        var wanted = sequences.ToHashSet();
        var ranges = new List<(long Segment, long From, long To)>();
        foreach (var run in wanted.Select(chunk.MarkOf).Distinct().OrderBy(r => r.Segment).ThenBy(r => r.Offset))
        {
            if (ranges.Count > 0 && ranges[^1] is var last && last.Segment == run.Segment && run.Offset - last.To <= options.MergeGapBytes)
                ranges[^1] = last with { To = Math.Max(last.To, run.End) };
            else
                ranges.Add((run.Segment, run.Offset, run.End));
        }
        var found = new Dictionary<long, LoggedEvent>(wanted.Count);
        for (var i = 0; i < ranges.Count; i += options.ReadParallelism)
        {
            var reads = await Task.WhenAll(ranges.Skip(i).Take(options.ReadParallelism)
                .Select(r => reader.ReadRangeAsync(orgId, r.Segment, r.From, r.To, cancellationToken)));
            foreach (var e in reads.SelectMany(r => r.Events))
            {
                if (wanted.Contains(e.Logged.Sequence)) found[e.Logged.Sequence] = e.Logged;
            }
        }
        if (found.Count != wanted.Count) throw new InvalidOperationException($"The log of '{orgId}' does not hold events its index points to.");
        return found;
    }

    /// <summary>A goal's parts summed from rollups and events, the gauge kept as the latest by event time, then log order.</summary>
    private sealed class Rollup
    {
        private readonly Dictionary<string, double> _sums = new(StringComparer.Ordinal);
        private long _events;
        private long _gaugeTicks = long.MinValue;
        private long _gaugeSequence;
        private double? _gauge;

        public void Add(string metric, in MinuteCell cell)
        {
            _events += cell.Count;
            _sums[metric] = _sums.GetValueOrDefault(metric) + cell.Sum;
            Gauge(cell.GaugeTicks, cell.GaugeSequence, cell.GaugeValue);
        }

        public void Add(string metric, long ticks, long sequence, double value, double reading)
        {
            _events++;
            _sums[metric] = _sums.GetValueOrDefault(metric) + value;
            Gauge(ticks, sequence, reading);
        }

        private void Gauge(long ticks, long sequence, double value)
        {
            if (ticks > _gaugeTicks || (ticks == _gaugeTicks && sequence > _gaugeSequence))
                (_gaugeTicks, _gaugeSequence, _gauge) = (ticks, sequence, value);
        }

        public GoalParts ToParts(MetricDefinition metric)
        {
            var parts = new GoalParts { Events = _events };
            if (metric.Kind == MetricKind.Gauge)
            {
                if (_gauge is { } g) (parts.Gauge, parts.GaugeAt) = (g, new DateTimeOffset(_gaugeTicks, TimeSpan.Zero));
            }
            else
            {
                foreach (var (m, sum) in _sums) parts.Sums[m] = sum;
            }
            return parts;
        }
    }
}
