using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Align;
using Orleans.Align.Grains.Log.Dedupe;

// One organization's dedupe index over a 7-day window, measured in process (memory store):
//   1. bytes per recent id (the exact in-memory window), on the managed heap;
//   2. the false positive rate of the static filter at several bits per id (1,000,000 unseen ids each);
//   3. a synthesized week: the real DedupeIndex (sealing, compaction, expiry) fed with a scaled-down
//      number of ids per day but the run structure of the real rate: runs per day = rate × 86,400 /
//      DedupeRecentMaxIds (864 at 10,000 events/s with runs of 1,000,000), on a clock that moves by
//      86,400 s per idsPerDay ids. Then the open day is ingested in group commits of 5,000 new ids:
//      look up, then remember (as the ingest grain does), and measured: lookups + inserts per second
//      (sealing and compaction running beside it), filters asked and exact checks per new id;
//   4. the 7-day memory table at 10,000 and 100,000 events/s, computed from the measured parts.
//   The index is partitioned as in the silo: the ingest side (recent ids, sealing) in front of P
//   partitions, here in process (LocalDedupePartitions: the same SealedRuns the partition grains run,
//   all on this one thread, so the throughput is the whole organization's on one core, not P silos').
// Usage: dotnet run -c Release --project bench/Orleans.Align.DedupeBench [idsPerDay] [runsPerDay] [bitsPerId] [fanIn] [measuredIds] [partitions]
var idsPerDay = args.Length > 0 ? long.Parse(args[0]) : 1_000_000;
var runsPerDay = args.Length > 1 ? int.Parse(args[1]) : 864;
var bitsPerId = args.Length > 2 ? double.Parse(args[2]) : 16;
var fanIn = args.Length > 3 ? int.Parse(args[3]) : 8;
var measuredIds = args.Length > 4 ? long.Parse(args[4]) : 2 * idsPerDay;
var partitionCount = args.Length > 5 ? int.Parse(args[5]) : 4;
const int recentMaxIdsReal = 1_000_000;
var window = TimeSpan.FromDays(7);
static string Id(long i) => $"evt_{i:x8}-{i * 2654435761 % 0xffffffff:x8}-4f1c-9a3e-{i:x12}"; // 40 characters, like a UUID with a prefix
static MetricEvent Event(long i, DateTimeOffset at) => new(Id(i), "leads", 1, at, "launch", "marketing", "hubspot");

// The index is not thread-safe: it is driven as a grain drives it, one turn at a time, with sorting
// and merging on the thread pool.
await Task.Factory.StartNew(() =>
{
    SynchronizationContext.SetSynchronizationContext(null);
    return RunAsync();
}, CancellationToken.None, TaskCreationOptions.None, new ConcurrentExclusiveSchedulerPair().ExclusiveScheduler).Unwrap();

async Task RunAsync()
{
    // 1. The recent window, exact: managed heap per id.
    var at = DateTimeOffset.UtcNow;
    var wide = new DedupeSettings(window, recentMaxIdsReal + 1, TimeSpan.FromDays(30), bitsPerId, long.MaxValue);
    GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect();
    var before = GC.GetTotalMemory(true);
    var recentStore = new MemoryDedupeIndexStore();
    var recent = new DedupeIndex("bench", new LocalDedupePartitions("bench", recentStore, wide, TimeProvider.System, NullLogger.Instance, 1), recentStore, wide, TimeProvider.System, NullLogger.Instance);
    for (long i = 1; i <= recentMaxIdsReal; i++)
    {
        var e = Event(i, at);
        recent.Remember(e.Id, i, EventFingerprint.OfContent(e), at);
    }
    var bytesPerRecentId = (GC.GetTotalMemory(true) - before) / (double)recentMaxIdsReal;
    GC.KeepAlive(recent);
    recent = null;
    Console.WriteLine($"recent window: {bytesPerRecentId:F0} bytes per id (managed heap) = {bytesPerRecentId * recentMaxIdsReal / 1048576:F0} MiB for {recentMaxIdsReal:N0}");

    // 2. False positives of the static filter (one run of 1,000,000 ids, 1,000,000 unseen ids).
    Console.WriteLine();
    Console.WriteLine("| bits per id | hashes | filter bytes per id | false positives (1,000,000 unseen ids) |");
    Console.WriteLine("| --- | --- | --- | --- |");
    var fpr = new Dictionary<double, double>();
    foreach (var bits in new[] { 10.0, 12, 14, 16, 20 }.Append(bitsPerId).Distinct().Order())
    {
        var filter = BlockedBloomFilter.For(1_000_000, bits);
        for (long i = 1; i <= 1_000_000; i++) filter.Add(EventFingerprint.OfId(Id(i)));
        var falsePositives = Enumerable.Range(0, 1_000_000).Count(k => filter.MaybeContains(EventFingerprint.OfId(Id(10_000_000_000L + k))));
        fpr[bits] = falsePositives / 1e6;
        Console.WriteLine($"| {bits} | {filter.Hashes} | {filter.SizeBytes / 1e6:F2} | {fpr[bits]:P3} |");
    }

    // 3. A synthesized week with the run structure of the real rate, then the open day measured.
    var clock = new BenchClock(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
    var store = new MemoryDedupeIndexStore();
    var recentMaxIds = (int)Math.Max(100, idsPerDay / runsPerDay);
    var settings = new DedupeSettings(window, recentMaxIds, TimeSpan.FromDays(30), bitsPerId, long.MaxValue, TimeSpan.FromDays(1), fanIn);
    var partitions = new LocalDedupePartitions("bench", store, settings, clock, NullLogger.Instance, partitionCount);
    var index = new DedupeIndex("bench", partitions, store, settings, clock, NullLogger.Instance);
    await index.LoadAsync(CancellationToken.None);
    var tickPerId = TimeSpan.FromDays(1).Ticks / idsPerDay;
    long next = 1;
    var build = Stopwatch.StartNew();
    // Eight days before the measured one: the first expires while the measurement runs.
    for (; next <= 8 * idsPerDay; next++)
    {
        var id = Id(next);
        index.Remember(id, next, (UInt128)next, clock.GetUtcNow());
        clock.Advance(tickPerId);
        if (next % 100_000 == 0) await Task.Yield(); // let the seal and compaction loops have their turns
    }
    while (index.DurableThrough < next - 1 - recentMaxIds) await Task.Delay(10);
    await partitions.Compaction;
    build.Stop();
    var week = await index.StatsAsync();
    Console.WriteLine();
    Console.WriteLine($"synthesized: {8 * idsPerDay:N0} ids over 8 days, {runsPerDay} runs of {recentMaxIds:N0} a day, {partitionCount} partitions, fan-in {fanIn}, {bitsPerId} bits per id: built in {build.Elapsed.TotalSeconds:F0} s");
    Console.WriteLine($"  after it: {week.Runs} runs ({week.RunIds:N0} ids), filters {week.FilterBytes / 1048576.0:F1} MiB ({week.FilterBytes * 8.0 / week.RunIds:F2} bits per id), fences {week.FenceBytes / (double)week.RunIds:F3} bytes per id, {week.Compactions:N0} compactions rewrote {week.CompactedIds:N0} ids ({week.CompactedIds / (double)(8 * idsPerDay):F1} rewrites per id)");

    // The open day, in group commits of 5,000: look up, then remember.
    const int group = 5_000;
    var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
    var measured = Stopwatch.StartNew();
    var start = await index.StatsAsync();
    var maxRuns = 0;
    var runsSum = 0L;
    var commits = 0;
    var inLookups = new Stopwatch();
    var inRemember = new Stopwatch();
    for (long done = 0; done < measuredIds; done += group)
    {
        var ids = Enumerable.Range(0, group).Select(k => Id(next + k)).ToList();
        inLookups.Start();
        var found = await index.FindAsync(ids.Select(id => (id, EventFingerprint.OfId(id))));
        inLookups.Stop();
        if (found.Count != 0) throw new InvalidOperationException($"A false duplicate: {found.Keys.First()}");
        inRemember.Start();
        foreach (var id in ids)
        {
            index.Remember(id, next, (UInt128)next, clock.GetUtcNow());
            next++;
            clock.Advance(tickPerId);
        }
        inRemember.Stop();
        // The grain awaits the log write between the lookup and the remember: the seal and compaction
        // loops get their turns there (the memory store never yields, so without this they would starve).
        await Task.Yield();
        var runs = partitions.Loaded.Max(p => p.Runs); // the most a lookup of one id asks
        maxRuns = Math.Max(maxRuns, runs);
        runsSum += runs;
        commits++;
    }
    measured.Stop();
    var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
    var end = await index.StatsAsync();
    var perPartition = partitions.Loaded.Select(p => p.Stats()).ToList();
    var lookups = end.Lookups - start.Lookups;
    var probes = end.FilterProbes - start.FilterProbes;
    var exact = end.ExactReads - start.ExactReads;
    // Every id inside the window is still found (sample: one id per 10,000 of the last 7 days).
    var windowStart = next - 7 * idsPerDay;
    var sample = Enumerable.Range(0, (int)(7 * idsPerDay / 10_000)).Select(k => Id(windowStart + k * 10_000L)).ToList();
    var kept = await index.FindAsync(sample.Select(id => (id, EventFingerprint.OfId(id))));
    if (kept.Count != sample.Count) throw new InvalidOperationException($"Forgotten inside the window: {sample.Count - kept.Count} of {sample.Count}.");
    Console.WriteLine($"measured: {measuredIds:N0} new ids (2 days) in group commits of {group:N0}: {2 * lookups / measured.Elapsed.TotalSeconds:N0} lookups + inserts per second ({lookups / measured.Elapsed.TotalSeconds:N0} ids/s), sealing and compaction included");
    Console.WriteLine($"  per second of CPU (all threads of the process: lookups, remembering, sealing, compaction, GC; {cpu.TotalSeconds:F0} s of CPU in {measured.Elapsed.TotalSeconds:F0} s): {2 * lookups / cpu.TotalSeconds:N0} lookups + inserts ({lookups / cpu.TotalSeconds:N0} ids)");
    Console.WriteLine($"  of which the grain's turns: lookups {lookups / inLookups.Elapsed.TotalSeconds:N0} ids/s, remembering {lookups / inRemember.Elapsed.TotalSeconds:N0} ids/s (the rest is sealing and compaction on the grain's turn and the thread pool, and waiting for the 2 shared cores)");
    Console.WriteLine($"  filters asked per new id: {probes / (double)lookups:F1} on average (one partition's runs; runs of the largest partition at a commit: average {runsSum / (double)commits:F1}, at most {maxRuns})");
    Console.WriteLine($"  partition calls per group commit: {(end.PartitionCalls - start.PartitionCalls) / (double)commits:F2} ({partitionCount} partitions)");
    Console.WriteLine($"  per partition: ids {string.Join(" / ", perPartition.Select(p => $"{p.RunIds:N0}"))}; filter bytes {string.Join(" / ", perPartition.Select(p => $"{p.FilterBytes / 1048576.0:F1} MiB"))}; runs {string.Join(" / ", perPartition.Select(p => p.Runs))}");
    Console.WriteLine($"  exact checks (block reads) per new id: {exact / (double)lookups:F4} (coalesced per commit; expected runs × false positive rate = {probes / (double)lookups * fpr[bitsPerId]:F4})");
    Console.WriteLine($"  no false duplicate among {lookups:N0} new ids; {kept.Count:N0} of {sample.Count:N0} sampled ids of the window found");

    // 4. The 7-day table, computed from the measured parts.
    var fencePerId = end.FenceBytes / (double)end.RunIds;
    var averageRuns = probes / (double)lookups;
    Console.WriteLine();
    Console.WriteLine($"7-day window (+1 compaction day held), runs of {recentMaxIdsReal:N0}, fan-in {fanIn}; filters asked: measured average at the simulated {runsPerDay} runs a day, else the bound:");
    Console.WriteLine("| events/s | bits per id | partitions | ids held per partition (8 days) | filters | fences | memory per partition grain (+ compaction transient) | ingest grain (recent window) | memory per organization | filters asked per new id | exact checks per new id | exact checks per second |");
    Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    foreach (var (rate, tablePartitions) in new[] { (10_000, 1), (10_000, 4), (100_000, 4), (100_000, 16) })
    {
        foreach (var bits in new[] { 12.0, bitsPerId }.Distinct())
        {
            var perGrain = rate / (double)tablePartitions;
            var held = (long)(perGrain * 86_400 * 8);
            var filters = held * bits / 8;
            var fences = held * fencePerId;
            var recentBytes = bytesPerRecentId * recentMaxIdsReal;
            // Runs: a past day is one run if it fits under the run limit, else runs of the largest level that does.
            var dayIds = (long)(perGrain * 86_400);
            var maxRun = RunCompaction.MaxRunIds(bits);
            // A partition's runs are its slices of the sealed runs: 1/P of them.
            var sliceIds = recentMaxIdsReal / (long)tablePartitions;
            var largest = sliceIds;
            while (largest * fanIn <= maxRun) largest *= fanIn;
            var pastDayRuns = dayIds <= maxRun ? 1 : (int)Math.Ceiling(dayIds / (double)largest);
            var levelsBelowDay = 0;
            for (var size = sliceIds; size < Math.Min(dayIds, largest * fanIn); size *= fanIn) levelsBelowDay++;
            var todayMost = (fanIn - 1) * Math.Min(levelsBelowDay, (int)Math.Round(Math.Log(largest / (double)sliceIds, fanIn)) + 1)
                + (dayIds > maxRun ? pastDayRuns - 1 : 0);
            var mostAsked = 8 * pastDayRuns + todayMost;
            var transient = Math.Min(dayIds, dayIds <= maxRun ? dayIds : largest) * bits / 8;
            // Each partition gets one slice of every sealed run: its run structure (runs, levels, filters
            // asked) is that of runsPerDay slices a day whatever P, as long as its day fits in one run.
            var simulated = rate * 86_400L / recentMaxIdsReal == runsPerDay && dayIds <= maxRun;
            var asked = simulated ? averageRuns : mostAsked;
            var perId = asked * fpr[bits];
            var partitionBytes = filters + fences;
            // The ingest grain: the recent window, and a sealed run held until every partition confirmed it.
            var ingestBytes = 2 * recentBytes;
            Console.WriteLine($"| {rate:N0} | {bits} | {tablePartitions} | {held / 1e9:F2} billion | {filters / 1073741824:F1} GiB | {fences / 1073741824:F2} GiB | **{partitionBytes / 1073741824:F1} GiB** (+{transient / 1073741824:F1}) | {ingestBytes / 1048576:F0} MiB | **{(tablePartitions * partitionBytes + ingestBytes) / 1073741824:F1} GiB** | {(simulated ? $"{averageRuns:F1} measured (at most {mostAsked})" : $"at most {mostAsked}")} | {perId:F3} | {perId * rate:N0} |");
        }
    }
}

/// <summary>A clock the benchmark moves: a simulated week in seconds.</summary>
internal sealed class BenchClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(long ticks) => Interlocked.Add(ref _ticks, ticks);
}
