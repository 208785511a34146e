using System.Buffers.Binary;

namespace Orleans.Align.Grains.Log.Dedupe;

/// <summary>
/// The stored form both Bloom filters share (the classic one of format-1 summaries and the blocked
/// one): the number of hashes, the number of 64-bit words, then the words, all little-endian.
/// </summary>
internal static class FilterWords
{
    public static byte[] ToBytes(int hashes, ulong[] words)
    {
        var bytes = new byte[8 + words.Length * 8];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, hashes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), words.Length);
        for (var i = 0; i < words.Length; i++) BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(8 + i * 8), words[i]);
        return bytes;
    }

    /// <summary>The hashes and words at the start of <paramref name="bytes"/>; <paramref name="validCount"/> says which word counts the filter allows.</summary>
    public static (int Hashes, ulong[] Words) FromBytes(ReadOnlySpan<byte> bytes, out int consumed, Func<int, bool> validCount, string notAFilter)
    {
        var hashes = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        var count = BinaryPrimitives.ReadInt32LittleEndian(bytes[4..]);
        if (hashes is < 1 or > 16 || !validCount(count) || bytes.Length < 8 + count * 8L) throw new InvalidDataException(notAFilter);
        var words = new ulong[count];
        for (var i = 0; i < count; i++) words[i] = BinaryPrimitives.ReadUInt64LittleEndian(bytes[(8 + i * 8)..]);
        consumed = 8 + count * 8;
        return (hashes, words);
    }
}
