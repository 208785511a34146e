using Orleans.Align.Grains.Log.Dedupe;

namespace Orleans.Align.Tests.Log.Dedupe;

/// <summary>
/// The static filter of sealed and compacted runs: never "no" for an id it holds, and "maybe" for
/// unseen ids no more often than its bits per id allow.
/// </summary>
public sealed class BlockedBloomFilterTests
{
    private static UInt128 Hash(int i) => EventFingerprint.OfId($"evt-{i}");

    private static BlockedBloomFilter Holding(int count, double bitsPerId)
    {
        var filter = BlockedBloomFilter.For(count, bitsPerId);
        for (var i = 0; i < count; i++) filter.Add(Hash(i));
        return filter;
    }

    [Theory]
    [InlineData(1, 16)]
    [InlineData(100_000, 16)]
    [InlineData(100_000, 0.001)]
    public void Every_added_id_is_a_maybe(int count, double bitsPerId)
    {
        var filter = Holding(count, bitsPerId);

        Assert.All(Enumerable.Range(0, count), i => Assert.True(filter.MaybeContains(Hash(i))));
    }

    [Theory]
    // Expected (blocked Bloom, 512-bit blocks, k = round(0.6 × bits)): 0.96% at 10 bits, 0.083% at 16, 0.019% at 20.
    [InlineData(10, 0.0125)]
    [InlineData(16, 0.0012)]
    [InlineData(20, 0.0004)]
    public void Unseen_ids_are_a_maybe_within_the_bound_for_the_bits_per_id(double bitsPerId, double bound)
    {
        var filter = Holding(200_000, bitsPerId);

        const int probes = 500_000;
        var falsePositives = Enumerable.Range(1_000_000, probes).Count(i => filter.MaybeContains(Hash(i)));

        Assert.InRange(falsePositives / (double)probes, 0, bound);
    }

    [Fact]
    public void Size_is_bits_per_id_times_ids_in_whole_64_byte_blocks_without_rounding_to_a_power_of_two()
    {
        Assert.Equal(100_000 * 16 / 8, BlockedBloomFilter.For(100_000, 16).SizeBytes);
        Assert.Equal(64 * 3, BlockedBloomFilter.For(65, 16).SizeBytes); // 1,040 bits: three blocks
        Assert.Equal(64, BlockedBloomFilter.For(0, 16).SizeBytes);
        Assert.Equal(10, BlockedBloomFilter.For(1, 16).Hashes);
    }

    [Fact]
    public void A_filter_read_back_from_bytes_answers_as_the_original()
    {
        var filter = Holding(5_000, 12);

        var copy = BlockedBloomFilter.FromBytes(filter.ToBytes(), out var consumed);

        Assert.Equal(filter.ToBytes().Length, consumed);
        Assert.Equal(filter.ToBytes(), copy.ToBytes());
        Assert.All(Enumerable.Range(0, 20_000), i => Assert.Equal(filter.MaybeContains(Hash(i)), copy.MaybeContains(Hash(i))));
    }
}
