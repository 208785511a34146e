using Orleans.Align.Grains.Log.Dedupe;

namespace Orleans.Align.Tests.Log.Dedupe;

/// <summary>
/// Compaction merges neighbouring runs into one that holds every id of its inputs, and chooses what to
/// merge so that a lookup asks one filter per past day plus a few of today's.
/// </summary>
public sealed class RunCompactionTests
{
    private static readonly DateTimeOffset Day = new(2025, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private static IdRecord Record(int i) => new(EventFingerprint.OfId($"id-{i}"), $"id-{i}", i, (UInt128)(i * 7L));

    private static (byte[] Run, RunSummary Summary) Seal(int from, int count, DateTimeOffset newestAt) =>
        IdRun.Seal([.. Enumerable.Range(from, count).Select(Record)], newestAt, bitsPerId: 16);

    private static RunSummary Run(long first, long last, DateTimeOffset newestAt, int level = 0) => new()
    {
        Name = IdRun.NameFor(first, last),
        FirstSequence = first,
        LastSequence = last,
        Count = last - first + 1,
        NewestAt = newestAt,
        Length = 0,
        FenceHashes = [],
        FenceOffsets = [],
        Filter = AlwaysMaybe.Instance,
        Level = level,
    };

    private static StoredId? Find(byte[] run, RunSummary summary, IdRecord r) =>
        summary.BlocksFor(r.IdHash).Select(b => IdRun.Find(run.AsSpan((int)b.Offset, b.Length), r.IdHash, r.Id)).FirstOrDefault(s => s is not null);

    [Fact]
    public async Task A_merge_keeps_every_id_of_its_inputs_with_its_sequence_and_content_and_finds_no_other()
    {
        var inputs = new[] { Seal(1, 3_000, Day.AddHours(1)), Seal(3_001, 5_000, Day.AddHours(2)), Seal(8_001, 1, Day.AddHours(3)) };
        using var target = new MemoryStream();

        var merged = await RunCompaction.MergeAsync([.. inputs.Select(i => i.Summary)], [.. inputs.Select(i => new MemoryStream(i.Run))], target, bitsPerId: 16);

        var run = target.ToArray();
        Assert.Equal((1L, 8_001L, 8_001L, 1), (merged.FirstSequence, merged.LastSequence, merged.Count, merged.Level));
        Assert.Equal(IdRun.NameFor(1, 8_001), merged.Name);
        Assert.Equal(Day.AddHours(3), merged.NewestAt);
        Assert.Equal(inputs.Sum(i => i.Run.Length), run.Length);
        foreach (var i in Enumerable.Range(1, 8_001))
        {
            Assert.True(merged.Filter.MaybeContains(Record(i).IdHash));
            Assert.Equal(new StoredId(i, (UInt128)(i * 7L)), Find(run, merged, Record(i)));
        }
        Assert.All(Enumerable.Range(10_000, 2_000), i => Assert.Null(Find(run, merged, Record(i))));
    }

    [Fact]
    public async Task A_merged_run_reads_back_record_by_record_in_run_order()
    {
        var inputs = new[] { Seal(1, 2_000, Day), Seal(2_001, 2_000, Day) };
        using var target = new MemoryStream();
        await RunCompaction.MergeAsync([.. inputs.Select(i => i.Summary)], [.. inputs.Select(i => new MemoryStream(i.Run))], target, bitsPerId: 16);

        var reader = new IdRunReader(new MemoryStream(target.ToArray()));
        var records = new List<IdRecord>();
        while (await reader.ReadAsync() is { } r) records.Add(r);

        Assert.Equal(4_000, records.Count);
        Assert.Equal(Enumerable.Range(1, 4_000).ToHashSet(), records.Select(r => (int)r.Sequence).ToHashSet());
        Assert.All(records.Zip(records.Skip(1)), pair => Assert.True(IdRun.Compare(pair.First, pair.Second) < 0));
    }

    [Fact]
    public void In_the_open_day_fan_in_runs_of_one_level_make_one_of_the_next_level()
    {
        var runs = Enumerable.Range(0, 7).Select(i => Run(i * 10 + 1, i * 10 + 10, Day.AddHours(i))).ToList();
        Assert.Null(RunCompaction.Next(runs, TimeSpan.FromDays(1), fanIn: 8));

        runs.Add(Run(71, 80, Day.AddHours(8)));
        Assert.Equal(runs, RunCompaction.Next(runs, TimeSpan.FromDays(1), fanIn: 8));

        // Seven of level 1, then four of level 0: nothing to do. Eight of level 1: those eight.
        Assert.Null(RunCompaction.Next(Levels(ones: 7, zeros: 4), TimeSpan.FromDays(1), fanIn: 8));
        var eight = Levels(ones: 8, zeros: 4);
        Assert.Equal(eight.Take(8), RunCompaction.Next(eight, TimeSpan.FromDays(1), fanIn: 8));
    }

    private static List<RunSummary> Levels(int ones, int zeros) =>
    [
        .. Enumerable.Range(0, ones).Select(i => Run(i * 80 + 1, i * 80 + 80, Day.AddHours(1), level: 1)),
        .. Enumerable.Range(0, zeros).Select(i => Run(ones * 80 + i * 10 + 1, ones * 80 + i * 10 + 10, Day.AddHours(2))),
    ];

    [Fact]
    public void A_day_that_is_over_is_merged_into_one_run_and_a_day_of_one_run_is_left_alone()
    {
        var runs = new List<RunSummary>
        {
            Run(1, 100, Day.AddHours(-1), level: 3), // the day before: one run already
            Run(101, 200, Day.AddHours(1), level: 1),
            Run(201, 210, Day.AddHours(5)),
            Run(211, 220, Day.AddHours(23)),
            Run(221, 230, Day.AddDays(1).AddMinutes(1)), // the next day has begun
        };

        Assert.Equal(runs.Skip(1).Take(3), RunCompaction.Next(runs, TimeSpan.FromDays(1), fanIn: 8));
    }

    [Fact]
    public void A_day_too_large_for_one_run_is_merged_by_levels_only_and_never_into_a_run_past_the_limit()
    {
        var runs = Enumerable.Range(0, 8).Select(i => Run(i * 100 + 1, i * 100 + 100, Day.AddHours(i), level: 1))
            .Append(Run(801, 810, Day.AddDays(1))).ToList();

        Assert.Equal(runs.Take(8), RunCompaction.Next(runs, TimeSpan.FromDays(1), fanIn: 8, maxRunIds: 800));
        Assert.Null(RunCompaction.Next(runs, TimeSpan.FromDays(1), fanIn: 8, maxRunIds: 799));
        Assert.Equal(runs.Take(2), RunCompaction.Next(runs, TimeSpan.FromDays(1), fanIn: 2, maxRunIds: 799));
        Assert.InRange(RunCompaction.MaxRunIds(16), 900_000_000, 1_000_000_000);
    }

    [Fact]
    public void A_restart_that_finds_a_compactions_output_beside_its_inputs_keeps_the_output()
    {
        var output = Run(1, 300, Day, level: 1);
        var runs = new[] { Run(1, 100, Day), Run(101, 200, Day), output, Run(201, 300, Day), Run(301, 310, Day) };

        var (kept, superseded) = RunCompaction.Superseded(runs);

        Assert.Equal([output, runs[4]], kept);
        Assert.Equal(3, superseded.Count);
    }
}
