using Orleans.Align.Grains.Log.Dedupe;

namespace Orleans.Align.Tests.Log.Dedupe;

/// <summary>The filter may say "maybe" for an unseen id, never "no" for a seen one, however small it gets.</summary>
public sealed class BloomFilterTests
{
    private static UInt128 Hash(int i) => EventFingerprint.OfId($"evt-{i}");

    [Fact]
    public void Every_added_id_is_a_maybe()
    {
        var filter = BloomFilter.For(10_000, bitsPerId: 10);
        for (var i = 0; i < 10_000; i++) filter.Add(Hash(i));

        Assert.All(Enumerable.Range(0, 10_000), i => Assert.True(filter.MaybeContains(Hash(i))));
    }

    [Fact]
    public void At_ten_bits_per_id_few_unseen_ids_are_a_maybe()
    {
        var filter = BloomFilter.For(10_000, bitsPerId: 10);
        for (var i = 0; i < 10_000; i++) filter.Add(Hash(i));

        var falsePositives = Enumerable.Range(10_000, 100_000).Count(i => filter.MaybeContains(Hash(i)));

        // About 1% at 10 bits; the size rounds up to a power of two, so fewer.
        Assert.InRange(falsePositives, 0, 2_000);
    }

    [Fact]
    public void Size_is_bits_per_id_times_ids_rounded_up_to_a_power_of_two()
    {
        var filter = BloomFilter.For(100_000, bitsPerId: 10);

        Assert.Equal(1L << 20, filter.Bits);
        Assert.Equal(128 * 1024, filter.SizeBytes);
        Assert.Equal(7, filter.Hashes);
    }

    [Fact]
    public void A_folded_filter_still_holds_every_added_id_down_to_its_smallest_size()
    {
        var filter = BloomFilter.For(5_000, bitsPerId: 10);
        for (var i = 0; i < 5_000; i++) filter.Add(Hash(i));

        while (filter.TryFoldInHalf())
        {
            Assert.All(Enumerable.Range(0, 5_000), i => Assert.True(filter.MaybeContains(Hash(i))));
        }
        Assert.Equal(BloomFilter.MinBits, filter.Bits);
    }

    [Fact]
    public void A_filter_read_back_from_bytes_answers_as_the_original()
    {
        var filter = BloomFilter.For(1_000, bitsPerId: 8);
        for (var i = 0; i < 1_000; i++) filter.Add(Hash(i));

        var copy = BloomFilter.FromBytes(filter.ToBytes(), out var consumed);

        Assert.Equal(filter.ToBytes().Length, consumed);
        Assert.All(Enumerable.Range(0, 5_000), i => Assert.Equal(filter.MaybeContains(Hash(i)), copy.MaybeContains(Hash(i))));
    }
}
