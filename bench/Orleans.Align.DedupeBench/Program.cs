using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Align;
using Orleans.Align.Grains.Log.Dedupe;

// Memory of one organization's dedupe index over a 7-day window, from measured parts:
//   1. bytes per recent id: the exact in-memory window, measured on the managed heap;
//   2. bytes per sealed id: Bloom filter + fences, measured from sealed runs (in-memory store);
//   3. the 7-day figure at 10,000 and 100,000 events/s computed from those, with and without the cap,
//      and what the cap costs: the expected number of exact checks (block reads) per new id.
// Usage: dotnet run -c Release --project bench/Orleans.Align.DedupeBench [recentMaxIds] [bitsPerId] [filterCapMiB]
var recentMaxIds = args.Length > 0 ? int.Parse(args[0]) : 1_000_000;
var bitsPerId = args.Length > 1 ? double.Parse(args[1]) : 10;
var capBytes = (args.Length > 2 ? long.Parse(args[2]) : 512) * 1024 * 1024;
var window = TimeSpan.FromDays(7);
var at = DateTimeOffset.UtcNow;
static string Id(long i) => $"evt_{i:x8}-{i * 2654435761 % 0xffffffff:x8}-4f1c-9a3e-{i:x12}"; // 40 characters, like a UUID with a prefix
static MetricEvent Event(long i, DateTimeOffset at) => new(Id(i), "leads", 1, at, "launch", "marketing", "hubspot");

// 1. The recent window, exact.
var store = new MemoryDedupeIndexStore();
var settings = new DedupeSettings(window, recentMaxIds + 1, TimeSpan.FromDays(30), bitsPerId, long.MaxValue);
GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect();
var before = GC.GetTotalMemory(true);
var recent = new DedupeIndex("bench", store, settings, TimeProvider.System, NullLogger.Instance);
for (long i = 1; i <= recentMaxIds; i++)
{
    var e = Event(i, at);
    recent.Remember(e.Id, i, EventFingerprint.OfContent(e), at);
}
var after = GC.GetTotalMemory(true);
var bytesPerRecentId = (after - before) / (double)recentMaxIds;
GC.KeepAlive(recent);
recent = null;

// 2. Sealed runs: seal 4 runs of recentMaxIds and read filter and fence bytes from the index.
var sealedIndex = new DedupeIndex("bench", store, settings with { RecentMaxIds = recentMaxIds }, TimeProvider.System, NullLogger.Instance);
var sealWatch = Stopwatch.StartNew();
const int sealedRuns = 2;
for (long i = 1; i <= (long)recentMaxIds * sealedRuns; i++)
{
    var e = Event(i, at);
    sealedIndex.Remember(e.Id, i, EventFingerprint.OfContent(e), at);
}
while (sealedIndex.DurableThrough < (long)recentMaxIds * sealedRuns) await Task.Delay(50);
sealWatch.Stop();
var stats = sealedIndex.Stats();
var filterPerRun = stats.FilterBytes / (double)stats.Runs;
var fencePerId = stats.FenceBytes / (double)stats.RunIds;
// False positive rate of one run's filter, measured with unseen ids; and no unseen id is ever found.
var filter = BloomFilter.For(recentMaxIds, bitsPerId);
for (long i = 1; i <= recentMaxIds; i++) filter.Add(EventFingerprint.OfId(Id(i)));
const int probe = 1_000_000;
var falsePositives = Enumerable.Range(0, probe).Count(k => filter.MaybeContains(EventFingerprint.OfId(Id(10_000_000_000L + k))));
var found = await sealedIndex.FindAsync(Enumerable.Range(0, 20_000).Select(k => { var id = Id(10_000_000_000L + k); return (id, EventFingerprint.OfId(id)); }));
if (found.Count != 0) throw new InvalidOperationException("A false duplicate: the index found an id it never saw.");

Console.WriteLine($"recent window: {recentMaxIds:N0} ids, {bytesPerRecentId:F0} bytes per id (managed heap) = {bytesPerRecentId * recentMaxIds / 1048576:F0} MiB");
Console.WriteLine($"sealed run of {recentMaxIds:N0} ids: filter {filterPerRun / 1048576:F2} MiB ({filterPerRun * 8 / recentMaxIds:F1} bits per id at {bitsPerId} requested), fences {fencePerId:F3} bytes per id");
Console.WriteLine($"sealing {sealedRuns} runs ({(long)recentMaxIds * sealedRuns:N0} ids, sort + encode + memory store) took {sealWatch.Elapsed.TotalSeconds:F1} s");
Console.WriteLine($"false positives of one run's filter: {falsePositives / (double)probe:P2} of {probe:N0} unseen ids (each costs one exact check: a block read)");
Console.WriteLine();
Console.WriteLine($"7-day window, filter cap {capBytes / 1048576:N0} MiB per organization:");
Console.WriteLine("| events/s | ids in 7 days | sealed runs | recent window | fences | filters uncapped | filters capped | memory per organization (capped) | expected exact checks per new id, capped |");
Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
foreach (var rate in new[] { 10_000, 100_000 })
{
    var ids = (long)rate * (long)window.TotalSeconds;
    var runs = (long)Math.Ceiling(ids / (double)recentMaxIds);
    var fences = fencePerId * ids;
    var recentBytes = bytesPerRecentId * recentMaxIds;
    var uncapped = filterPerRun * runs;
    // The cap folds the largest filters in half until they fit: every filter ends about the same size.
    var perRunCapped = filterPerRun;
    var folds = 0;
    while (perRunCapped * runs > capBytes && perRunCapped > 8) { perRunCapped /= 2; folds++; }
    var capped = perRunCapped * runs;
    // A folded filter's fill: each fold roughly doubles the bits per id it lost; fp = fill^k.
    var bitsPerIdCapped = perRunCapped * 8 / recentMaxIds;
    var k = Math.Clamp(Math.Round(bitsPerId * Math.Log(2)), 1, 16);
    var fill = 1 - Math.Exp(-k / bitsPerIdCapped);
    var fp = Math.Pow(fill, k);
    Console.WriteLine($"| {rate:N0} | {ids / 1e9:F2} billion | {runs:N0} | {recentBytes / 1048576:F0} MiB | {fences / 1048576:N0} MiB | {uncapped / 1073741824:F1} GiB | {capped / 1048576:N0} MiB ({folds} folds, {bitsPerIdCapped:F2} bits per id) | {(recentBytes + fences + capped) / 1048576:N0} MiB | {fp * runs:N1} (fp {fp:P2} per run × {runs:N0} runs) |");
}
