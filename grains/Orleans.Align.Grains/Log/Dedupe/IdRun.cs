using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Orleans.Align.Grains.Log.Dedupe;

/// <summary>An id the log holds: where (its sequence) and what (its content hash).</summary>
public readonly record struct StoredId(long Sequence, UInt128 ContentHash);

/// <summary>One entry of a sealed run: the id, its hash (the sort key) and where it is stored.</summary>
public readonly record struct IdRecord(UInt128 IdHash, string Id, long Sequence, UInt128 ContentHash);

/// <summary>
/// What stays in memory of a sealed run, and what a restart reads instead of the log: the sequences
/// and times it covers, its Bloom filter, and its fences (the first id hash of each block of the
/// sorted run blob, with the block's offset), so that an exact check is one ranged read of a block.
/// </summary>
public sealed class RunSummary
{
    public required string Name { get; init; }
    public required long FirstSequence { get; init; }
    public required long LastSequence { get; init; }
    public required int Count { get; init; }
    /// <summary>When the newest id of the run was taken: the run expires a window after it.</summary>
    public required DateTimeOffset NewestAt { get; init; }
    public required long Length { get; init; }
    public required ulong[] FenceHashes { get; init; }
    public required long[] FenceOffsets { get; init; }
    public required BloomFilter Filter { get; init; }

    public long FenceBytes => FenceHashes.Length * 16L;

    /// <summary>The blocks (offset, length) that may hold <paramref name="idHash"/>: ids are sorted by hash.</summary>
    public IEnumerable<(long Offset, int Length)> BlocksFor(UInt128 idHash)
    {
        var hi = (ulong)(idHash >> 64);
        // The last block that starts strictly below hi may end with records of hash hi; then every
        // block that starts at hi. Fences keep only the high half of the hash, so equal halves span blocks.
        var i = Array.BinarySearch(FenceHashes, hi);
        var first = i >= 0 ? i : ~i;
        while (first > 0 && (first == FenceHashes.Length || FenceHashes[first] >= hi)) first--;
        for (var b = first; b < FenceHashes.Length && (b == first || FenceHashes[b] <= hi); b++)
        {
            var end = b + 1 < FenceOffsets.Length ? FenceOffsets[b + 1] : Length;
            yield return (FenceOffsets[b], (int)(end - FenceOffsets[b]));
        }
    }

    public byte[] ToBytes()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var header = buffer.GetSpan(4 + 8 * 4 + 4 + 4);
        BinaryPrimitives.WriteInt32LittleEndian(header, IdRun.FormatVersion);
        BinaryPrimitives.WriteInt64LittleEndian(header[4..], FirstSequence);
        BinaryPrimitives.WriteInt64LittleEndian(header[12..], LastSequence);
        BinaryPrimitives.WriteInt64LittleEndian(header[20..], NewestAt.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteInt64LittleEndian(header[28..], Length);
        BinaryPrimitives.WriteInt32LittleEndian(header[36..], Count);
        BinaryPrimitives.WriteInt32LittleEndian(header[40..], FenceHashes.Length);
        buffer.Advance(44);
        for (var i = 0; i < FenceHashes.Length; i++)
        {
            var fence = buffer.GetSpan(16);
            BinaryPrimitives.WriteUInt64LittleEndian(fence, FenceHashes[i]);
            BinaryPrimitives.WriteInt64LittleEndian(fence[8..], FenceOffsets[i]);
            buffer.Advance(16);
        }
        buffer.Write(Filter.ToBytes());
        return buffer.WrittenSpan.ToArray();
    }

    public static RunSummary FromBytes(string name, ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 44 || BinaryPrimitives.ReadInt32LittleEndian(bytes) != IdRun.FormatVersion)
            throw new InvalidDataException($"The dedupe run summary '{name}' is not in a known format.");
        var fences = BinaryPrimitives.ReadInt32LittleEndian(bytes[40..]);
        var hashes = new ulong[fences];
        var offsets = new long[fences];
        for (var i = 0; i < fences; i++)
        {
            hashes[i] = BinaryPrimitives.ReadUInt64LittleEndian(bytes[(44 + i * 16)..]);
            offsets[i] = BinaryPrimitives.ReadInt64LittleEndian(bytes[(52 + i * 16)..]);
        }
        return new RunSummary
        {
            Name = name,
            FirstSequence = BinaryPrimitives.ReadInt64LittleEndian(bytes[4..]),
            LastSequence = BinaryPrimitives.ReadInt64LittleEndian(bytes[12..]),
            NewestAt = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64LittleEndian(bytes[20..])),
            Length = BinaryPrimitives.ReadInt64LittleEndian(bytes[28..]),
            Count = BinaryPrimitives.ReadInt32LittleEndian(bytes[36..]),
            FenceHashes = hashes,
            FenceOffsets = offsets,
            Filter = BloomFilter.FromBytes(bytes[(44 + fences * 16)..], out _),
        };
    }
}

/// <summary>
/// A sealed run: the ids of a stretch of the log, sorted by id hash, in blocks of about
/// <see cref="BlockBytes"/>. Record: id hash (16 bytes), content hash (16), sequence (8), id length
/// (2), id (UTF-8).
/// </summary>
public static class IdRun
{
    public const int FormatVersion = 1;

    /// <summary>One exact check reads one block: small enough to be quick, large enough that fences stay few.</summary>
    public const int BlockBytes = 32 * 1024;

    public static string NameFor(long firstSequence, long lastSequence) => $"{firstSequence:D19}-{lastSequence:D19}";

    /// <summary>Sorts <paramref name="records"/> and encodes the run blob and its summary (with a filter of <paramref name="bitsPerId"/>).</summary>
    public static (byte[] Run, RunSummary Summary) Seal(List<IdRecord> records, DateTimeOffset newestAt, double bitsPerId)
    {
        records.Sort(static (a, b) => a.IdHash != b.IdHash ? a.IdHash.CompareTo(b.IdHash) : string.CompareOrdinal(a.Id, b.Id));
        var filter = BloomFilter.For(records.Count, bitsPerId);
        var buffer = new ArrayBufferWriter<byte>(records.Count * 64 + 64);
        var fenceHashes = new List<ulong>();
        var fenceOffsets = new List<long>();
        long blockStart = -BlockBytes;
        long first = long.MaxValue, last = 0;
        foreach (var r in records)
        {
            var idBytes = Encoding.UTF8.GetByteCount(r.Id);
            var size = 42 + idBytes;
            if (buffer.WrittenCount + size - blockStart > BlockBytes)
            {
                blockStart = buffer.WrittenCount;
                fenceHashes.Add((ulong)(r.IdHash >> 64));
                fenceOffsets.Add(blockStart);
            }
            var span = buffer.GetSpan(size);
            BinaryPrimitives.WriteUInt128LittleEndian(span, r.IdHash);
            BinaryPrimitives.WriteUInt128LittleEndian(span[16..], r.ContentHash);
            BinaryPrimitives.WriteInt64LittleEndian(span[32..], r.Sequence);
            BinaryPrimitives.WriteUInt16LittleEndian(span[40..], (ushort)idBytes);
            Encoding.UTF8.GetBytes(r.Id, span[42..]);
            buffer.Advance(size);
            filter.Add(r.IdHash);
            first = Math.Min(first, r.Sequence);
            last = Math.Max(last, r.Sequence);
        }
        var summary = new RunSummary
        {
            Name = NameFor(first, last),
            FirstSequence = first,
            LastSequence = last,
            Count = records.Count,
            NewestAt = newestAt,
            Length = buffer.WrittenCount,
            FenceHashes = [.. fenceHashes],
            FenceOffsets = [.. fenceOffsets],
            Filter = filter,
        };
        return (buffer.WrittenSpan.ToArray(), summary);
    }

    /// <summary>Finds <paramref name="id"/> in one block of a run (exactly: the id is compared, not only its hash).</summary>
    public static StoredId? Find(ReadOnlySpan<byte> block, UInt128 idHash, string id)
    {
        var position = 0;
        while (position + 42 <= block.Length)
        {
            var hash = BinaryPrimitives.ReadUInt128LittleEndian(block[position..]);
            var length = BinaryPrimitives.ReadUInt16LittleEndian(block[(position + 40)..]);
            if (hash > idHash) return null;
            if (hash == idHash && Encoding.UTF8.GetString(block.Slice(position + 42, length)) == id)
                return new StoredId(BinaryPrimitives.ReadInt64LittleEndian(block[(position + 32)..]), BinaryPrimitives.ReadUInt128LittleEndian(block[(position + 16)..]));
            position += 42 + length;
        }
        return null;
    }
}
