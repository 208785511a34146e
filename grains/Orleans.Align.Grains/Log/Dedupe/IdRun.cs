using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Orleans.Align.Grains.Log.Dedupe;

/// <summary>An id the log holds: where (its sequence) and what (its content hash).</summary>
[GenerateSerializer, Immutable, Alias("align.dedupe-stored-id")]
public readonly record struct StoredId([property: Id(0)] long Sequence, [property: Id(1)] UInt128 ContentHash);

/// <summary>One entry of a sealed run: the id, its hash (the sort key) and where it is stored.</summary>
public readonly record struct IdRecord(UInt128 IdHash, string Id, long Sequence, UInt128 ContentHash);

/// <summary>
/// What stays in memory of a sealed run, and what a restart reads instead of the log: the sequences
/// and times it covers, its level (0: sealed from the recent ids; n: made by compacting runs of level
/// n-1, see <see cref="RunCompaction"/>), its filter, and its fences (the first id hash of each block
/// of the sorted run blob, with the block's offset), so that an exact check is one ranged read of a block.
/// </summary>
public sealed class RunSummary
{
    public required string Name { get; init; }
    public required long FirstSequence { get; init; }
    public required long LastSequence { get; init; }
    public required long Count { get; init; }
    /// <summary>When the newest id of the run was taken: the run expires a window after it.</summary>
    public required DateTimeOffset NewestAt { get; init; }
    public required long Length { get; init; }
    public required ulong[] FenceHashes { get; init; }
    public required long[] FenceOffsets { get; init; }
    /// <summary>Replaced by <see cref="AlwaysMaybe"/> when memory is short: the run then costs an exact check per lookup.</summary>
    public required IIdFilter Filter { get; set; }
    public int Level { get; init; }

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

    /// <summary>Format 2: format 1's header and fences, then the level and the count (64 bits), then the filter (a <see cref="BlockedBloomFilter"/>).</summary>
    public byte[] ToBytes()
    {
        if (Filter is not BlockedBloomFilter)
            throw new InvalidOperationException($"Only runs with a blocked Bloom filter are written (run '{Name}').");
        var buffer = new ArrayBufferWriter<byte>();
        var header = buffer.GetSpan(48);
        BinaryPrimitives.WriteInt32LittleEndian(header, IdRun.FormatVersion);
        BinaryPrimitives.WriteInt64LittleEndian(header[4..], FirstSequence);
        BinaryPrimitives.WriteInt64LittleEndian(header[12..], LastSequence);
        BinaryPrimitives.WriteInt64LittleEndian(header[20..], NewestAt.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteInt64LittleEndian(header[28..], Length);
        BinaryPrimitives.WriteInt32LittleEndian(header[36..], (int)Math.Min(Count, int.MaxValue)); // format 1's field; the full count follows the fences
        BinaryPrimitives.WriteInt32LittleEndian(header[40..], FenceHashes.Length);
        buffer.Advance(44);
        for (var i = 0; i < FenceHashes.Length; i++)
        {
            var fence = buffer.GetSpan(16);
            BinaryPrimitives.WriteUInt64LittleEndian(fence, FenceHashes[i]);
            BinaryPrimitives.WriteInt64LittleEndian(fence[8..], FenceOffsets[i]);
            buffer.Advance(16);
        }
        var tail = buffer.GetSpan(12);
        BinaryPrimitives.WriteInt32LittleEndian(tail, Level);
        BinaryPrimitives.WriteInt64LittleEndian(tail[4..], Count);
        buffer.Advance(12);
        buffer.Write(Filter.ToBytes());
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads format 2, and format 1 (level 0, a classic <see cref="BloomFilter"/>) as written before compaction existed.</summary>
    public static RunSummary FromBytes(string name, ReadOnlySpan<byte> bytes)
    {
        var version = bytes.Length >= 44 ? BinaryPrimitives.ReadInt32LittleEndian(bytes) : 0;
        if (version is not (1 or IdRun.FormatVersion))
            throw new InvalidDataException($"The dedupe run summary '{name}' is not in a known format.");
        var fences = BinaryPrimitives.ReadInt32LittleEndian(bytes[40..]);
        var hashes = new ulong[fences];
        var offsets = new long[fences];
        for (var i = 0; i < fences; i++)
        {
            hashes[i] = BinaryPrimitives.ReadUInt64LittleEndian(bytes[(44 + i * 16)..]);
            offsets[i] = BinaryPrimitives.ReadInt64LittleEndian(bytes[(52 + i * 16)..]);
        }
        var rest = bytes[(44 + fences * 16)..];
        var level = 0;
        long count = BinaryPrimitives.ReadInt32LittleEndian(bytes[36..]);
        IIdFilter filter;
        if (version == 1)
        {
            filter = BloomFilter.FromBytes(rest, out _);
        }
        else
        {
            level = BinaryPrimitives.ReadInt32LittleEndian(rest);
            count = BinaryPrimitives.ReadInt64LittleEndian(rest[4..]);
            filter = BlockedBloomFilter.FromBytes(rest[12..], out _);
        }
        return new RunSummary
        {
            Name = name,
            FirstSequence = BinaryPrimitives.ReadInt64LittleEndian(bytes[4..]),
            LastSequence = BinaryPrimitives.ReadInt64LittleEndian(bytes[12..]),
            NewestAt = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64LittleEndian(bytes[20..])),
            Length = BinaryPrimitives.ReadInt64LittleEndian(bytes[28..]),
            Count = count,
            FenceHashes = hashes,
            FenceOffsets = offsets,
            Filter = filter,
            Level = level,
        };
    }
}

/// <summary>
/// A sealed run: the ids of a stretch of the log, sorted by id hash, in blocks of about
/// <see cref="BlockBytes"/>. Record: id hash (16 bytes), content hash (16), sequence (8), id length
/// (2), id (UTF-8). The same record format since format 1: only the summary changed.
/// </summary>
public static class IdRun
{
    public const int FormatVersion = 2;

    /// <summary>One exact check reads one block: small enough to be quick, large enough that fences stay few.</summary>
    public const int BlockBytes = 32 * 1024;

    internal const int RecordHeaderBytes = 42;

    public static string NameFor(long firstSequence, long lastSequence) => $"{firstSequence:D19}-{lastSequence:D19}";

    /// <summary>The order of a run: by id hash, then by id (two ids with the same hash stay apart).</summary>
    public static int Compare(in IdRecord a, in IdRecord b) =>
        a.IdHash != b.IdHash ? a.IdHash.CompareTo(b.IdHash) : string.CompareOrdinal(a.Id, b.Id);

    /// <summary>Sorts <paramref name="records"/> and encodes the run blob and its summary (with a filter of <paramref name="bitsPerId"/>).</summary>
    public static (byte[] Run, RunSummary Summary) Seal(List<IdRecord> records, DateTimeOffset newestAt, double bitsPerId)
    {
        long first = long.MaxValue, last = 0;
        foreach (var r in records)
        {
            first = Math.Min(first, r.Sequence);
            last = Math.Max(last, r.Sequence);
        }
        return Seal(records, first, last, newestAt, bitsPerId);
    }

    /// <summary>
    /// As above, for a run that covers the sequences <paramref name="first"/> to <paramref name="last"/>
    /// whichever of them it holds: a partition's slice holds only the ids that hash to it (perhaps none).
    /// </summary>
    public static (byte[] Run, RunSummary Summary) Seal(List<IdRecord> records, long first, long last, DateTimeOffset newestAt, double bitsPerId)
    {
        records.Sort(static (a, b) => Compare(a, b));
        using var target = new MemoryStream(records.Count * 64 + 64);
        var writer = new IdRunWriter(target, records.Count, bitsPerId);
        foreach (var r in records)
        {
            // A MemoryStream completes synchronously: no buffer flush actually waits here.
            var pending = writer.AddAsync(r);
            if (!pending.IsCompletedSuccessfully) pending.AsTask().GetAwaiter().GetResult();
        }
        var summary = writer.CompleteAsync(NameFor(first, last), first, last, newestAt, level: 0).AsTask().GetAwaiter().GetResult();
        return (target.ToArray(), summary);
    }

    /// <summary>Finds <paramref name="id"/> in one block of a run (exactly: the id is compared, not only its hash).</summary>
    public static StoredId? Find(ReadOnlySpan<byte> block, UInt128 idHash, string id)
    {
        var position = 0;
        while (position + RecordHeaderBytes <= block.Length)
        {
            var hash = BinaryPrimitives.ReadUInt128LittleEndian(block[position..]);
            var length = BinaryPrimitives.ReadUInt16LittleEndian(block[(position + 40)..]);
            if (hash > idHash) return null;
            if (hash == idHash && Encoding.UTF8.GetString(block.Slice(position + RecordHeaderBytes, length)) == id)
                return new StoredId(BinaryPrimitives.ReadInt64LittleEndian(block[(position + 32)..]), BinaryPrimitives.ReadUInt128LittleEndian(block[(position + 16)..]));
            position += RecordHeaderBytes + length;
        }
        return null;
    }
}
