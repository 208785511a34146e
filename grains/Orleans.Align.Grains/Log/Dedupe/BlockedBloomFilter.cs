using System.Numerics;

namespace Orleans.Align.Grains.Log.Dedupe;

/// <summary>What a sealed run's filter answers: "certainly not in the run" or "maybe" (then an exact check decides).</summary>
public interface IIdFilter
{
    bool MaybeContains(UInt128 idHash);

    long SizeBytes { get; }

    byte[] ToBytes();
}

/// <summary>The filter of a run whose real filter was dropped to keep memory under the cap: every lookup is an exact check.</summary>
public sealed class AlwaysMaybe : IIdFilter
{
    public static readonly AlwaysMaybe Instance = new();

    public bool MaybeContains(UInt128 idHash) => true;

    public long SizeBytes => 0;

    public byte[] ToBytes() => throw new InvalidOperationException("A dropped filter is not written.");
}

/// <summary>
/// A static, blocked Bloom filter over 128-bit id hashes, built once when a run is sealed or compacted
/// (the run's id count is known then, so it is sized exactly: no rounding to a power of two, no folding).
/// Each id sets <see cref="Hashes"/> bits inside one 512-bit block (a cache line): a lookup touches one
/// cache line whatever the filter's size, which is what lets a lookup ask a few large filters cheaply.
/// The price of blocking is a slightly higher false positive rate than a classic Bloom filter at the
/// same bits per id (measured in docs/benchmarks.md). Hand-written: the .NET packages have no blocked
/// filter that serializes the way a restart needs.
/// </summary>
public sealed class BlockedBloomFilter : IIdFilter
{
    private const int WordsPerBlock = 8; // 512 bits
    private readonly ulong[] _words;
    private readonly ulong _blocks;

    private BlockedBloomFilter(ulong[] words, int hashes)
    {
        _words = words;
        _blocks = (ulong)(words.Length / WordsPerBlock);
        Hashes = hashes;
    }

    /// <summary>A filter for <paramref name="count"/> ids at <paramref name="bitsPerId"/> bits each (rounded up to whole 64-byte blocks).</summary>
    public static BlockedBloomFilter For(long count, double bitsPerId)
    {
        var bits = Math.Ceiling(Math.Max(1, count) * Math.Max(bitsPerId, 0.001));
        var blocks = (long)Math.Clamp(Math.Ceiling(bits / 512), 1, (Array.MaxLength - WordsPerBlock) / WordsPerBlock);
        return new BlockedBloomFilter(new ulong[blocks * WordsPerBlock], HashesFor(bitsPerId));
    }

    /// <summary>
    /// Fewer hashes than a classic filter's (m/n)·ln 2: inside a block the load varies from block to
    /// block, and a somewhat lower k is measured to be better (and cheaper).
    /// </summary>
    public static int HashesFor(double bitsPerId) => (int)Math.Clamp(Math.Round(bitsPerId * 0.6), 1, 16);

    public int Hashes { get; }

    public long SizeBytes => _words.LongLength * 8;

    public void Add(UInt128 idHash)
    {
        var (block, x) = Start(idHash);
        for (var i = 0; i < Hashes; i++)
        {
            var bit = NextBit(ref x);
            _words[block + (bit >> 6)] |= 1UL << (bit & 63);
        }
    }

    public bool MaybeContains(UInt128 idHash)
    {
        var (block, x) = Start(idHash);
        for (var i = 0; i < Hashes; i++)
        {
            var bit = NextBit(ref x);
            if ((_words[block + (bit >> 6)] & (1UL << (bit & 63))) == 0) return false;
        }
        return true;
    }

    /// <summary>The block from the high half (multiply-shift, no modulo bias to speak of), the bits from the low half.</summary>
    private (int Block, ulong X) Start(UInt128 idHash)
    {
        var hi = (ulong)(idHash >> 64);
        var block = (int)Math.BigMul(hi, _blocks, out _) * WordsPerBlock;
        return (block, (ulong)idHash);
    }

    /// <summary>A splitmix64 step: 9 well-mixed bits per probe from one 64-bit seed.</summary>
    private static int NextBit(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        var z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (int)(z >> 55);
    }

    /// <summary>The share of bits set (for the benchmark).</summary>
    public double FillRatio() => _words.Sum(w => (long)BitOperations.PopCount(w)) / (double)(_words.LongLength * 64);

    public byte[] ToBytes() => FilterWords.ToBytes(Hashes, _words);

    public static BlockedBloomFilter FromBytes(ReadOnlySpan<byte> bytes, out int consumed)
    {
        var (hashes, words) = FilterWords.FromBytes(bytes, out consumed, count => count >= WordsPerBlock && count % WordsPerBlock == 0, "Not a blocked Bloom filter.");
        return new BlockedBloomFilter(words, hashes);
    }
}
