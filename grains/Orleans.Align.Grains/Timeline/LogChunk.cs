using System.IO.Compression;
using System.Runtime.InteropServices;

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
/// whole minute counts, the latest gauge reading, and where its events (sequence number, time and
/// value, in log order) lie in the chunk's event arrays, for a minute cut by a replay's bounds and
/// for provenance. A value in an array, not an object: a chunk holds thousands of cells, and a
/// large index of small objects was what the silo's garbage collector spent its time on.
/// </summary>
public readonly record struct MinuteCell(long Minute, long Count, double Sum, long GaugeTicks, long GaugeSequence, double GaugeValue, int FirstEvent, int EventCount)
{
    public long StartTicks => DateTimeOffset.UnixEpoch.UtcTicks + Minute * TimeSpan.TicksPerMinute;
    public long EndTicks => StartTicks + TimeSpan.TicksPerMinute;

    /// <summary>Whole minutes since 1970 (rounded down), in integers: an event on a minute's first tick belongs to that minute.</summary>
    public static long MinuteOf(long utcTicks)
    {
        var ticks = utcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return ticks >= 0 ? ticks / TimeSpan.TicksPerMinute : -((-ticks + TimeSpan.TicksPerMinute - 1) / TimeSpan.TicksPerMinute);
    }
}

/// <summary>
/// Where a run of at most <see cref="TimelineOptions.MarkEvery"/> consecutive events lies in one
/// segment: <c>[Offset, End)</c>. Reading one event costs one ranged read of its run, not of the log.
/// </summary>
public readonly record struct LogMark(long Sequence, long Segment, long Offset, long End, int Events);

/// <summary>
/// The index of a run of consecutive log events (a chunk), immutable: per key and minute of event
/// time, the rollups and events; marks that locate its events in the log; and the position just past
/// its last event, where the next chunk starts. A full chunk describes immutable log bytes, so it
/// can be cached in blob storage. Laid out as a handful of flat arrays (keys, cells, marks, and the
/// events' sequence offsets, ticks and values, 16 bytes an event), whatever its size: a chunk is a
/// dozen objects for the garbage collector, and it is saved and loaded as blocks of bytes.
/// </summary>
public sealed class LogChunk
{
    // 4: event values are what an event adds to a sum (a correction's difference), with corrections' readings apart.
    private const byte FormatVersion = 4;

    private IndexKey[] _keys = [];
    // The cells of key k are _cells[_keyCells[k] .. _keyCells[k + 1]), by minute.
    private int[] _keyCells = [0];
    private MinuteCell[] _cells = [];
    private LogMark[] _marks = [];
    // Per event, cell by cell, in log order within a cell: sequence - FirstSequence, ticks into its minute, value.
    private int[] _sequences = [];
    private int[] _ticks = [];
    private double[] _values = [];
    // Corrections only (few): sequence -> the reading a gauge takes from it (its value; _values holds its difference).
    private Dictionary<long, double> _readings = [];

    public long FirstSequence { get; private init; }
    public long LastSequence { get; private init; }
    public int Count { get; private init; }
    public long EndSegment { get; private init; }
    public long EndOffset { get; private init; }

    public int KeyCount => _keys.Length;
    public IndexKey KeyAt(int k) => _keys[k];
    public ReadOnlySpan<MinuteCell> CellsOf(int k) => _cells.AsSpan(_keyCells[k], _keyCells[k + 1] - _keyCells[k]);
    public IReadOnlyList<LogMark> Marks => _marks;

    public long SequenceAt(in MinuteCell cell, int i) => FirstSequence + _sequences[cell.FirstEvent + i];
    public long TicksAt(in MinuteCell cell, int i) => cell.StartTicks + _ticks[cell.FirstEvent + i];
    /// <summary>What the event adds to a sum: its value, or a correction's difference.</summary>
    public double ValueAt(in MinuteCell cell, int i) => _values[cell.FirstEvent + i];
    /// <summary>The gauge reading the event is: its value (for a correction, the new value, not the difference).</summary>
    public double ReadingAt(in MinuteCell cell, int i) =>
        _readings.Count > 0 && _readings.TryGetValue(SequenceAt(cell, i), out var reading) ? reading : _values[cell.FirstEvent + i];

    /// <summary>The run that holds <paramref name="sequence"/>.</summary>
    public LogMark MarkOf(long sequence)
    {
        int lo = 0, hi = _marks.Length - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            if (_marks[mid].Sequence <= sequence) lo = mid;
            else hi = mid - 1;
        }
        return _marks[lo];
    }

    /// <summary>Laid out from a builder's open cells (a full chunk, or a copy of the partial one for a query).</summary>
    internal static LogChunk From(LogChunkBuilder b)
    {
        var keys = new IndexKey[b.Keys.Count];
        var keyCells = new int[keys.Length + 1];
        var cells = new MinuteCell[b.Keys.Values.Sum(m => m.Count)];
        var (sequences, ticks, values) = (new int[b.Count], new int[b.Count], new double[b.Count]);
        int k = 0, c = 0, e = 0;
        foreach (var (key, minutes) in b.Keys)
        {
            keys[k] = key;
            keyCells[k] = c;
            foreach (var minute in minutes.Keys.Order())
            {
                var open = minutes[minute];
                cells[c++] = new MinuteCell(minute, open.Sequences.Count, open.Sum, open.GaugeTicks, open.GaugeSequence, open.GaugeValue, e, open.Sequences.Count);
                for (var i = 0; i < open.Sequences.Count; i++, e++)
                    (sequences[e], ticks[e], values[e]) = ((int)(open.Sequences[i] - b.FirstSequence), open.Ticks[i], open.Values[i]);
            }
            k++;
        }
        keyCells[k] = c;
        return new LogChunk
        {
            FirstSequence = b.FirstSequence, LastSequence = b.LastSequence, Count = b.Count, EndSegment = b.EndSegment, EndOffset = b.EndOffset,
            _keys = keys, _keyCells = keyCells, _cells = cells, _marks = [.. b.Marks], _sequences = sequences, _ticks = ticks, _values = values,
            _readings = new Dictionary<long, double>(b.Readings),
        };
    }

    /// <summary>
    /// Gzip'd: a header, the marks, keys and cells field by field, then the three event arrays as raw
    /// little-endian blocks (decoding a saved chunk is a copy, not a parse of 16,384 events).
    /// </summary>
    public byte[] Serialize()
    {
        using var buffer = new MemoryStream();
        using (var zip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        using (var w = new BinaryWriter(zip))
        {
            w.Write(FormatVersion);
            w.Write(BitConverter.IsLittleEndian);
            w.Write(FirstSequence);
            w.Write(LastSequence);
            w.Write(Count);
            w.Write(EndSegment);
            w.Write(EndOffset);
            w.Write(_marks.Length);
            foreach (var m in _marks)
            {
                w.Write(m.Sequence);
                w.Write(m.Segment);
                w.Write(m.Offset);
                w.Write(m.End);
                w.Write(m.Events);
            }
            w.Write(_keys.Length);
            for (var k = 0; k < _keys.Length; k++)
            {
                w.Write(_keys[k].Metric);
                WriteOptional(w, _keys[k].Campaign);
                WriteOptional(w, _keys[k].Department);
                w.Write(_keyCells[k + 1] - _keyCells[k]);
            }
            foreach (var cell in _cells)
            {
                w.Write(cell.Minute);
                w.Write(cell.Count);
                w.Write(cell.Sum);
                w.Write(cell.GaugeTicks);
                w.Write(cell.GaugeSequence);
                w.Write(cell.GaugeValue);
                w.Write(cell.FirstEvent);
                w.Write(cell.EventCount);
            }
            w.Write(_sequences.Length);
            w.Flush();
            zip.Write(MemoryMarshal.AsBytes(_sequences.AsSpan()));
            zip.Write(MemoryMarshal.AsBytes(_ticks.AsSpan()));
            zip.Write(MemoryMarshal.AsBytes(_values.AsSpan()));
            w.Write(_readings.Count);
            foreach (var (sequence, reading) in _readings)
            {
                w.Write(sequence);
                w.Write(reading);
            }
        }
        return buffer.ToArray();
    }

    /// <summary>A saved chunk; <see cref="InvalidDataException"/> for another format (an older one is rebuilt from the log).</summary>
    public static LogChunk Deserialize(byte[] data)
    {
        using var zip = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
        using var r = new BinaryReader(zip);
        if (r.ReadByte() != FormatVersion || r.ReadBoolean() != BitConverter.IsLittleEndian) throw new InvalidDataException("Unknown log index chunk format.");
        var (first, last, count, endSegment, endOffset) = (r.ReadInt64(), r.ReadInt64(), r.ReadInt32(), r.ReadInt64(), r.ReadInt64());
        var marks = new LogMark[r.ReadInt32()];
        for (var i = 0; i < marks.Length; i++) marks[i] = new LogMark(r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), r.ReadInt32());
        var keys = new IndexKey[r.ReadInt32()];
        var keyCells = new int[keys.Length + 1];
        for (var k = 0; k < keys.Length; k++)
        {
            keys[k] = new IndexKey(r.ReadString(), ReadOptional(r), ReadOptional(r));
            keyCells[k + 1] = keyCells[k] + r.ReadInt32();
        }
        var cells = new MinuteCell[keyCells[^1]];
        for (var c = 0; c < cells.Length; c++)
            cells[c] = new MinuteCell(r.ReadInt64(), r.ReadInt64(), r.ReadDouble(), r.ReadInt64(), r.ReadInt64(), r.ReadDouble(), r.ReadInt32(), r.ReadInt32());
        var events = r.ReadInt32();
        if (events != count) throw new InvalidDataException("A log index chunk whose events do not add up.");
        var (sequences, ticks, values) = (new int[events], new int[events], new double[events]);
        zip.ReadExactly(MemoryMarshal.AsBytes(sequences.AsSpan()));
        zip.ReadExactly(MemoryMarshal.AsBytes(ticks.AsSpan()));
        zip.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
        var readings = new Dictionary<long, double>();
        for (var n = r.ReadInt32(); n > 0; n--) readings[r.ReadInt64()] = r.ReadDouble();
        return new LogChunk
        {
            FirstSequence = first, LastSequence = last, Count = count, EndSegment = endSegment, EndOffset = endOffset,
            _keys = keys, _keyCells = keyCells, _cells = cells, _marks = marks, _sequences = sequences, _ticks = ticks, _values = values,
            _readings = readings,
        };
    }

    private static void WriteOptional(BinaryWriter w, string? value)
    {
        w.Write(value is not null);
        if (value is not null) w.Write(value);
    }

    private static string? ReadOptional(BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;
}

/// <summary>
/// The newest chunk while it fills: growing lists per key and minute. When it is full it is laid out
/// once as a <see cref="LogChunk"/>; a query reads a laid-out copy of it, made again only when it grew.
/// </summary>
public sealed class LogChunkBuilder
{
    internal sealed class OpenCell
    {
        public double Sum;
        public long GaugeTicks = long.MinValue;
        public long GaugeSequence;
        public double GaugeValue;
        public readonly List<long> Sequences = [];
        public readonly List<int> Ticks = [];
        public readonly List<double> Values = [];
    }

    private LogChunk? _copy;

    public long FirstSequence { get; private set; }
    public long LastSequence { get; private set; }
    public int Count { get; private set; }
    public long EndSegment { get; private set; }
    public long EndOffset { get; private set; }
    internal List<LogMark> Marks { get; } = [];
    internal Dictionary<IndexKey, Dictionary<long, OpenCell>> Keys { get; } = [];
    internal Dictionary<long, double> Readings { get; } = [];

    public void Add(LoggedEvent e, long segment, long offset, long end, int markEvery)
    {
        if (Count == 0) FirstSequence = e.Sequence;
        Count++;
        LastSequence = e.Sequence;
        (EndSegment, EndOffset) = (segment, end);
        _copy = null;
        if (Marks.Count > 0 && Marks[^1] is var mark && mark.Segment == segment && mark.Events < markEvery)
            Marks[^1] = mark with { End = end, Events = mark.Events + 1 };
        else
            Marks.Add(new LogMark(e.Sequence, segment, offset, end, 1));
        var key = new IndexKey(e.Event.Metric, e.Event.Campaign, e.Event.Department);
        if (!Keys.TryGetValue(key, out var minutes)) Keys[key] = minutes = [];
        var ticks = e.Event.Timestamp.UtcTicks;
        var minute = MinuteCell.MinuteOf(ticks);
        if (!minutes.TryGetValue(minute, out var cell)) minutes[minute] = cell = new OpenCell();
        // A correction adds its difference to sums, and is its new value as a gauge reading.
        var (value, reading) = (e.Event.Amount, e.Event.Value);
        if (e.Event.Corrects is not null) Readings[e.Sequence] = reading;
        cell.Sum += value;
        // The latest reading by event time, then by log order (as a goal applies them).
        if (ticks > cell.GaugeTicks || (ticks == cell.GaugeTicks && e.Sequence > cell.GaugeSequence))
            (cell.GaugeTicks, cell.GaugeSequence, cell.GaugeValue) = (ticks, e.Sequence, reading);
        cell.Sequences.Add(e.Sequence);
        cell.Ticks.Add((int)(ticks - (DateTimeOffset.UnixEpoch.UtcTicks + minute * TimeSpan.TicksPerMinute)));
        cell.Values.Add(value);
    }

    /// <summary>The chunk as it stands, laid out; the same copy until another event is added.</summary>
    public LogChunk Build() => _copy ??= LogChunk.From(this);
}
