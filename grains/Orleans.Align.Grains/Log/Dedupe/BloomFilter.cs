using System.Numerics;

namespace Orleans.Align.Grains.Log.Dedupe;

/// <summary>
/// The filter of runs sealed before format 2 (still read, never written now; see <see cref="BlockedBloomFilter"/>).
/// A Bloom filter over 128-bit id hashes: "certainly not seen" or "maybe seen". Its size is a power of
/// two so that it can be folded in half (OR of the two halves) when memory runs short: a folded filter
/// still never answers "not seen" for an id it holds, it only says "maybe" more often. Positions are
/// the Kirsch–Mitzenmacher double hash <c>hi + i·lo</c> taken modulo the size, which stays consistent
/// across folds because each size divides the one before.
/// </summary>
public sealed class BloomFilter : IIdFilter
{
    private ulong[] _words;

    private BloomFilter(ulong[] words, int hashes)
    {
        _words = words;
        Hashes = hashes;
    }

    /// <summary>The smallest filter: a filter folded down to it answers "maybe" to almost everything.</summary>
    public const int MinBits = 64;

    /// <summary>A filter for <paramref name="count"/> ids at about <paramref name="bitsPerId"/> bits each (rounded up to a power of two).</summary>
    public static BloomFilter For(long count, double bitsPerId)
    {
        var bits = (ulong)Math.Clamp(Math.Ceiling(Math.Max(1, count) * bitsPerId), MinBits, 1L << 40);
        bits = BitOperations.RoundUpToPowerOf2(bits);
        // The number of hashes that minimises false positives at the requested density: (m/n)·ln 2.
        var hashes = (int)Math.Clamp(Math.Round(bitsPerId * Math.Log(2)), 1, 16);
        return new BloomFilter(new ulong[bits / 64], hashes);
    }

    public int Hashes { get; }

    public long Bits => (long)_words.Length * 64;

    public long SizeBytes => (long)_words.Length * 8;

    public void Add(UInt128 idHash)
    {
        var (h, step, mask) = Start(idHash);
        for (var i = 0; i < Hashes; i++, h += step) _words[(h & mask) >> 6] |= 1UL << (int)(h & 63);
    }

    public bool MaybeContains(UInt128 idHash)
    {
        var (h, step, mask) = Start(idHash);
        for (var i = 0; i < Hashes; i++, h += step)
        {
            if ((_words[(h & mask) >> 6] & (1UL << (int)(h & 63))) == 0) return false;
        }
        return true;
    }

    /// <summary>Halves the memory: every id it held is still "maybe"; unseen ids are "maybe" more often.</summary>
    public bool TryFoldInHalf()
    {
        if (Bits <= MinBits) return false;
        var half = _words.Length / 2;
        var folded = new ulong[half];
        for (var i = 0; i < half; i++) folded[i] = _words[i] | _words[i + half];
        _words = folded;
        return true;
    }

    /// <summary>The share of bits set; the false positive rate is about this to the power <see cref="Hashes"/>.</summary>
    public double FillRatio() => _words.Sum(w => (long)BitOperations.PopCount(w)) / (double)Bits;

    private (ulong Start, ulong Step, ulong Mask) Start(UInt128 idHash) =>
        ((ulong)(idHash >> 64), (ulong)idHash | 1, (ulong)Bits - 1);

    public byte[] ToBytes() => FilterWords.ToBytes(Hashes, _words);

    public static BloomFilter FromBytes(ReadOnlySpan<byte> bytes, out int consumed)
    {
        var (hashes, words) = FilterWords.FromBytes(bytes, out consumed, count => count >= 1 && BitOperations.IsPow2(count), "Not a Bloom filter.");
        return new BloomFilter(words, hashes);
    }
}
