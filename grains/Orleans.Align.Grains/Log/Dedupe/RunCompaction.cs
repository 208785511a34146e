namespace Orleans.Align.Grains.Log.Dedupe;

/// <summary>
/// Which sealed runs to merge, and the merge itself. Runs are grouped in <b>spans</b> of time
/// (<see cref="DedupeSettings.CompactionSpan"/>, a day) by the time of their newest id:
/// <list type="bullet">
/// <item>in the open span (the one the newest run is in), runs are merged <see cref="DedupeSettings.CompactionFanIn"/>
/// at a time, level by level (F runs of level n make one of level n+1): at most F−1 runs per level,
/// and each id is rewritten once per level;</item>
/// <item>a span that is over (a run of a later span exists) is merged into one run.</item>
/// </list>
/// So a lookup asks one filter per past span of the window plus a few of today's. Merged runs are
/// always neighbours in log order (a span's runs are, and within the open span levels only go down
/// towards the newest), so the output covers exactly the sequences of its inputs, and a restart that
/// finds both the output and (some of) its inputs keeps the output (<see cref="Superseded"/>).
/// </summary>
public static class RunCompaction
{
    public static long SpanOf(RunSummary run, TimeSpan span) => run.NewestAt.UtcTicks / span.Ticks;

    /// <summary>
    /// The most ids one run may hold at <paramref name="bitsPerId"/>: its summary (filter and fences) is
    /// one blob read into one array, so it must stay under 2 GiB. At 16 bits that is ~980 million ids:
    /// a day of a single grain up to ~11,000 events/s; past it a day stays in several runs (more
    /// filters to ask), which is where partitioning the index takes over.
    /// </summary>
    public static long MaxRunIds(double bitsPerId) => (long)((int.MaxValue - (128L << 20)) / (Math.Max(bitsPerId, 0.001) / 8 + 0.05));

    /// <summary>The next runs to merge (neighbours in <paramref name="runs"/>, which is in log order), or null.</summary>
    public static IReadOnlyList<RunSummary>? Next(IReadOnlyList<RunSummary> runs, TimeSpan span, int fanIn, long maxRunIds = long.MaxValue)
    {
        if (runs.Count < 2) return null;
        fanIn = Math.Max(2, fanIn);
        var open = SpanOf(runs[^1], span);
        for (var i = 0; i < runs.Count;)
        {
            var of = SpanOf(runs[i], span);
            var j = i;
            while (j < runs.Count && SpanOf(runs[j], span) == of) j++;
            if (of != open && j - i > 1 && Ids(runs, i, j) <= maxRunIds) return Slice(runs, i, j);
            // The open span, or a span too large for one run: by levels.
            for (var k = i; k < j;)
            {
                var l = k;
                while (l < j && runs[l].Level == runs[k].Level) l++;
                if (l - k >= fanIn && Ids(runs, k, k + fanIn) <= maxRunIds) return Slice(runs, k, k + fanIn);
                k = l;
            }
            i = j;
        }
        return null;
    }

    private static long Ids(IReadOnlyList<RunSummary> runs, int from, int to)
    {
        var ids = 0L;
        for (var i = from; i < to; i++) ids += runs[i].Count;
        return ids;
    }

    private static List<RunSummary> Slice(IReadOnlyList<RunSummary> runs, int from, int to) =>
        [.. Enumerable.Range(from, to - from).Select(i => runs[i])];

    /// <summary>
    /// Runs that a compaction replaced but whose deletion did not happen (a crash between writing the
    /// output's summary and deleting the inputs): their sequences lie inside another run's.
    /// <paramref name="runs"/> is sorted by first sequence.
    /// </summary>
    public static (List<RunSummary> Kept, List<RunSummary> Superseded) Superseded(IEnumerable<RunSummary> runs)
    {
        var kept = new List<RunSummary>();
        var superseded = new List<RunSummary>();
        foreach (var run in runs.OrderBy(r => r.FirstSequence).ThenByDescending(r => r.LastSequence))
        {
            if (kept.Count > 0 && run.LastSequence <= kept[^1].LastSequence) superseded.Add(run);
            else kept.Add(run);
        }
        return (kept, superseded);
    }

    /// <summary>
    /// Merges <paramref name="inputs"/> (neighbours in log order) into one run written to
    /// <paramref name="target"/>, streaming: memory holds a buffer per input and the output's filter,
    /// never the ids. Every id of every input is kept.
    /// </summary>
    public static async Task<RunSummary> MergeAsync(
        IReadOnlyList<RunSummary> inputs, IReadOnlyList<Stream> sources, Stream target, double bitsPerId, CancellationToken cancellationToken = default)
    {
        var first = inputs.Min(r => r.FirstSequence);
        var last = inputs.Max(r => r.LastSequence);
        var writer = new IdRunWriter(target, inputs.Sum(r => r.Count), bitsPerId);
        var readers = sources.Select(s => new IdRunReader(s)).ToArray();
        var queue = new PriorityQueue<int, IdRecord>(readers.Length, Comparer<IdRecord>.Create(static (a, b) => IdRun.Compare(a, b)));
        for (var i = 0; i < readers.Length; i++)
        {
            if (await readers[i].ReadAsync(cancellationToken) is { } head) queue.Enqueue(i, head);
        }
        while (queue.TryDequeue(out var i, out var record))
        {
            await writer.AddAsync(record, cancellationToken);
            if (await readers[i].ReadAsync(cancellationToken) is { } next) queue.Enqueue(i, next);
        }
        return await writer.CompleteAsync(
            IdRun.NameFor(first, last), first, last, inputs.Max(r => r.NewestAt), inputs.Max(r => r.Level) + 1, cancellationToken);
    }
}
