using System.IO.Compression;

namespace Orleans.Align.Grains.Timeline;

/// <summary>The finest scope a goal selects events by: a metric, a campaign and a department.</summary>
public readonly record struct IndexKey(string Metric, string? Campaign, string? Department)
{
    /// <summary>Whether a goal counts events of this key (its time bounds are checked per minute and per event).</summary>
    public bool MatchedBy(GoalDefinition goal) =>
        goal.RollUp == RollUp.OwnMetric && goal.Inputs.Contains(Metric) && goal.Scope.Covers(new MetricEvent("", Metric, 0, default, Campaign, Department));
}

/// <summary>
/// One minute (of event time) of one key in one chunk: the additive parts a replay sums when the
/// whole minute counts, the latest gauge reading, and each event's sequence number, time and value
/// (in log order) for a minute cut by a replay's bounds and for provenance.
/// </summary>
public sealed class MinuteCell(long minute)
{
    public long Minute { get; } = minute;
    public long Count { get; set; }
    public double Sum { get; set; }
    /// <summary>The latest reading by event time, then by log order (as a goal applies them).</summary>
    public long GaugeTicks { get; set; } = long.MinValue;
    public long GaugeSequence { get; set; }
    public double GaugeValue { get; set; }

    // While the chunk fills, growing lists; once sealed, exact-size arrays: the sequence as an offset
    // from the chunk's first one and the time as ticks into the minute (4 bytes each), the value (8).
    private List<long>? _openSequences = [];
    private List<int>? _openTicks = [];
    private List<double>? _openValues = [];
    private int[]? _sequences;
    private int[]? _ticks;
    private double[]? _values;
    private long _base;

    public long StartTicks => DateTimeOffset.UnixEpoch.UtcTicks + Minute * TimeSpan.TicksPerMinute;
    public DateTimeOffset Start => new(StartTicks, TimeSpan.Zero);
    public DateTimeOffset End => new(StartTicks + TimeSpan.TicksPerMinute, TimeSpan.Zero);

    public int EventCount => _sequences?.Length ?? _openSequences!.Count;
    public long SequenceAt(int i) => _sequences is null ? _openSequences![i] : _base + _sequences[i];
    public long TicksAt(int i) => StartTicks + (_ticks is null ? _openTicks![i] : _ticks[i]);
    public double ValueAt(int i) => _values is null ? _openValues![i] : _values[i];

    /// <summary>The cell's sequence numbers, ascending.</summary>
    public IEnumerable<long> Sequences
    {
        get
        {
            for (var i = 0; i < EventCount; i++) yield return SequenceAt(i);
        }
    }

    public void Add(LoggedEvent e) => Add(e.Sequence, e.Event.Timestamp.UtcTicks, e.Event.Value);

    private void Add(long sequence, long ticks, double value)
    {
        if (_openSequences is null) throw new InvalidOperationException("A sealed cell does not change.");
        Count++;
        Sum += value;
        if (ticks > GaugeTicks || (ticks == GaugeTicks && sequence > GaugeSequence))
            (GaugeTicks, GaugeSequence, GaugeValue) = (ticks, sequence, value);
        _openSequences.Add(sequence);
        _openTicks!.Add((int)(ticks - StartTicks));
        _openValues!.Add(value);
    }

    /// <summary>An event read back from a saved chunk.</summary>
    internal void Restore(long sequence, long ticks, double value) => Add(sequence, ticks, value);

    public void Seal(long chunkFirstSequence)
    {
        if (_sequences is not null) return;
        _base = chunkFirstSequence;
        _sequences = [.. _openSequences!.Select(s => (int)(s - chunkFirstSequence))];
        _ticks = [.. _openTicks!];
        _values = [.. _openValues!];
        (_openSequences, _openTicks, _openValues) = (null, null, null);
    }

    public MinuteCell Clone()
    {
        var copy = new MinuteCell(Minute);
        for (var i = 0; i < EventCount; i++) copy.Add(SequenceAt(i), TicksAt(i), ValueAt(i));
        return copy;
    }

    /// <summary>Whole minutes since 1970 (rounded down), in integers: an event on a minute's first tick belongs to that minute.</summary>
    public static long MinuteOf(DateTimeOffset t)
    {
        var ticks = t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return ticks >= 0 ? ticks / TimeSpan.TicksPerMinute : -((-ticks + TimeSpan.TicksPerMinute - 1) / TimeSpan.TicksPerMinute);
    }
}

/// <summary>
/// Where a run of at most <see cref="TimelineOptions.MarkEvery"/> consecutive events lies in one
/// segment: <c>[Offset, End)</c>. Reading one event costs one ranged read of its run, not of the log.
/// </summary>
public sealed class LogMark(long sequence, long segment, long offset, long end)
{
    public long Sequence { get; } = sequence;
    public long Segment { get; } = segment;
    public long Offset { get; } = offset;
    public long End { get; set; } = end;
    public int Events { get; set; } = 1;
}

/// <summary>
/// The index of a run of consecutive log events (a chunk): per key and minute of event time, the
/// rollups and sequence numbers; marks that locate its events in the log; and the position just past
/// its last event, where the next chunk starts. A full chunk describes immutable log bytes, so it
/// never changes once sealed and can be cached in blob storage.
/// </summary>
public sealed class LogChunk
{
    private const byte FormatVersion = 2;

    public long FirstSequence { get; private set; }
    public long LastSequence { get; private set; }
    public int Count { get; private set; }
    public long EndSegment { get; private set; }
    public long EndOffset { get; private set; }
    public List<LogMark> Marks { get; } = [];
    public Dictionary<IndexKey, Dictionary<long, MinuteCell>> Keys { get; } = [];

    public void Add(LoggedEvent e, long segment, long offset, long end, int markEvery)
    {
        if (Count == 0) FirstSequence = e.Sequence;
        Count++;
        LastSequence = e.Sequence;
        (EndSegment, EndOffset) = (segment, end);
        if (Marks.Count > 0 && Marks[^1] is { } mark && mark.Segment == segment && mark.Events < markEvery)
        {
            mark.End = end;
            mark.Events++;
        }
        else
        {
            Marks.Add(new LogMark(e.Sequence, segment, offset, end));
        }
        var key = new IndexKey(e.Event.Metric, e.Event.Campaign, e.Event.Department);
        if (!Keys.TryGetValue(key, out var minutes)) Keys[key] = minutes = [];
        var minute = MinuteCell.MinuteOf(e.Event.Timestamp);
        if (!minutes.TryGetValue(minute, out var cell)) minutes[minute] = cell = new MinuteCell(minute);
        cell.Add(e);
    }

    /// <summary>The run that holds <paramref name="sequence"/>.</summary>
    public LogMark MarkOf(long sequence)
    {
        int lo = 0, hi = Marks.Count - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            if (Marks[mid].Sequence <= sequence) lo = mid;
            else hi = mid - 1;
        }
        return Marks[lo];
    }

    /// <summary>The chunk is full: it never changes again, so it is kept compact.</summary>
    public void Seal()
    {
        foreach (var minutes in Keys.Values)
        {
            foreach (var cell in minutes.Values) cell.Seal(FirstSequence);
            minutes.TrimExcess();
        }
        Keys.TrimExcess();
        Marks.TrimExcess();
    }

    /// <summary>A copy a query can read while the builder goes on adding to the original.</summary>
    public LogChunk Clone()
    {
        var copy = new LogChunk { FirstSequence = FirstSequence, LastSequence = LastSequence, Count = Count, EndSegment = EndSegment, EndOffset = EndOffset };
        foreach (var m in Marks) copy.Marks.Add(new LogMark(m.Sequence, m.Segment, m.Offset, m.End) { Events = m.Events });
        foreach (var (key, minutes) in Keys) copy.Keys[key] = minutes.ToDictionary(p => p.Key, p => p.Value.Clone());
        return copy;
    }

    public byte[] Serialize()
    {
        using var buffer = new MemoryStream();
        using (var zip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        using (var w = new BinaryWriter(zip))
        {
            w.Write(FormatVersion);
            w.Write(FirstSequence);
            w.Write(LastSequence);
            w.Write(Count);
            w.Write(EndSegment);
            w.Write(EndOffset);
            w.Write7BitEncodedInt(Marks.Count);
            foreach (var m in Marks)
            {
                w.Write7BitEncodedInt64(m.Sequence - FirstSequence);
                w.Write(m.Segment);
                w.Write7BitEncodedInt64(m.Offset);
                w.Write7BitEncodedInt64(m.End - m.Offset);
                w.Write7BitEncodedInt(m.Events);
            }
            w.Write7BitEncodedInt(Keys.Count);
            foreach (var (key, minutes) in Keys)
            {
                w.Write(key.Metric);
                WriteOptional(w, key.Campaign);
                WriteOptional(w, key.Department);
                w.Write7BitEncodedInt(minutes.Count);
                foreach (var cell in minutes.Values)
                {
                    w.Write(cell.Minute);
                    w.Write7BitEncodedInt(cell.EventCount);
                    var previous = FirstSequence;
                    for (var i = 0; i < cell.EventCount; i++)
                    {
                        var sequence = cell.SequenceAt(i);
                        w.Write7BitEncodedInt64(sequence - previous);
                        w.Write7BitEncodedInt64(cell.TicksAt(i) - cell.StartTicks);
                        w.Write(cell.ValueAt(i));
                        previous = sequence;
                    }
                }
            }
        }
        return buffer.ToArray();
    }

    public static LogChunk Deserialize(byte[] data)
    {
        using var zip = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
        using var r = new BinaryReader(zip);
        if (r.ReadByte() != FormatVersion) throw new InvalidDataException("Unknown log index chunk format.");
        var chunk = new LogChunk
        {
            FirstSequence = r.ReadInt64(),
            LastSequence = r.ReadInt64(),
            Count = r.ReadInt32(),
            EndSegment = r.ReadInt64(),
            EndOffset = r.ReadInt64(),
        };
        for (var i = r.Read7BitEncodedInt(); i > 0; i--)
        {
            var sequence = chunk.FirstSequence + r.Read7BitEncodedInt64();
            var segment = r.ReadInt64();
            var offset = r.Read7BitEncodedInt64();
            var end = offset + r.Read7BitEncodedInt64();
            chunk.Marks.Add(new LogMark(sequence, segment, offset, end) { Events = r.Read7BitEncodedInt() });
        }
        for (var k = r.Read7BitEncodedInt(); k > 0; k--)
        {
            var key = new IndexKey(r.ReadString(), ReadOptional(r), ReadOptional(r));
            var minutes = new Dictionary<long, MinuteCell>();
            for (var c = r.Read7BitEncodedInt(); c > 0; c--)
            {
                var cell = new MinuteCell(r.ReadInt64());
                var previous = chunk.FirstSequence;
                for (var n = r.Read7BitEncodedInt(); n > 0; n--)
                {
                    previous += r.Read7BitEncodedInt64();
                    cell.Restore(previous, cell.StartTicks + r.Read7BitEncodedInt64(), r.ReadDouble());
                }
                minutes[cell.Minute] = cell;
            }
            chunk.Keys[key] = minutes;
        }
        chunk.Seal();
        return chunk;
    }

    private static void WriteOptional(BinaryWriter w, string? value)
    {
        w.Write(value is not null);
        if (value is not null) w.Write(value);
    }

    private static string? ReadOptional(BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;
}
