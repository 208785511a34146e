using Orleans.Align.Grains.Log.Dedupe;

namespace Orleans.Align.Tests.Log.Dedupe;

/// <summary>A sealed run finds each of its ids by reading only the blocks its fences point to.</summary>
public sealed class IdRunTests
{
    private static IdRecord Record(int i) => new(EventFingerprint.OfId($"id-{i}"), $"id-{i}", i, (UInt128)i);

    [Fact]
    public void Every_id_is_found_in_the_blocks_its_fences_name_and_an_unknown_id_in_none()
    {
        var (run, summary) = IdRun.Seal([.. Enumerable.Range(1, 20_000).Select(Record)], DateTimeOffset.UnixEpoch, bitsPerId: 10);

        Assert.True(summary.FenceHashes.Length > 10, "A run this size spans many blocks.");
        foreach (var i in Enumerable.Range(1, 20_000))
        {
            var r = Record(i);
            var found = summary.BlocksFor(r.IdHash).Select(b => IdRun.Find(run.AsSpan((int)b.Offset, b.Length), r.IdHash, r.Id)).FirstOrDefault(s => s is not null);
            Assert.Equal(new StoredId(i, (UInt128)i), found);
        }
        var unknown = Record(30_000);
        Assert.All(summary.BlocksFor(unknown.IdHash), b => Assert.Null(IdRun.Find(run.AsSpan((int)b.Offset, b.Length), unknown.IdHash, unknown.Id)));
    }

    [Fact]
    public void A_summary_read_back_from_bytes_describes_the_same_run()
    {
        var (_, summary) = IdRun.Seal([.. Enumerable.Range(1, 5_000).Select(Record)], DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000), bitsPerId: 10);

        var copy = RunSummary.FromBytes(summary.Name, summary.ToBytes());

        Assert.Equal((1, 5_000, 5_000, 0), (copy.FirstSequence, copy.LastSequence, copy.Count, copy.Level));
        Assert.Equal(summary.NewestAt, copy.NewestAt);
        Assert.Equal(summary.FenceHashes, copy.FenceHashes);
        Assert.Equal(summary.FenceOffsets, copy.FenceOffsets);
        Assert.Equal(summary.Filter.ToBytes(), copy.Filter.ToBytes());
    }

    [Fact]
    public void A_summary_in_format_1_written_before_compaction_existed_is_still_read_with_its_classic_filter()
    {
        var filter = BloomFilter.For(3, bitsPerId: 10);
        foreach (var i in new[] { 1, 2, 3 }) filter.Add(Record(i).IdHash);
        var bytes = new byte[44 + 16];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes, 1);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(4), 1);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(12), 3);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(20), 1_700_000_000_000);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(28), 200);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(36), 3);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(40), 1);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(44), 42);

        var summary = RunSummary.FromBytes(IdRun.NameFor(1, 3), [.. bytes, .. filter.ToBytes()]);

        Assert.Equal((1L, 3L, 3L, 0, 200L), (summary.FirstSequence, summary.LastSequence, summary.Count, summary.Level, summary.Length));
        Assert.Equal([42UL], summary.FenceHashes);
        Assert.IsType<BloomFilter>(summary.Filter);
        Assert.All(new[] { 1, 2, 3 }, i => Assert.True(summary.Filter.MaybeContains(Record(i).IdHash)));
    }
}
