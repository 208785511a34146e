using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Orleans.Align.Grains.Log.Dedupe;

/// <summary>
/// Encodes records, already in run order, into a run blob as they come (a compaction's output can be
/// far larger than memory), and builds the fences and the filter on the way. The id count must be
/// known up front: the filter is sized for it.
/// </summary>
public sealed class IdRunWriter(Stream target, long count, double bitsPerId)
{
    private const int FlushBytes = 4 * 1024 * 1024;
    private readonly ArrayBufferWriter<byte> _buffer = new(FlushBytes + 1024);
    private readonly BlockedBloomFilter _filter = BlockedBloomFilter.For(count, bitsPerId);
    private readonly List<ulong> _fenceHashes = [];
    private readonly List<long> _fenceOffsets = [];
    private long _written; // bytes already handed to the target
    private long _blockStart = -IdRun.BlockBytes;
    private long _count;

    public async ValueTask AddAsync(IdRecord r, CancellationToken cancellationToken = default)
    {
        var idBytes = Encoding.UTF8.GetByteCount(r.Id);
        var size = IdRun.RecordHeaderBytes + idBytes;
        var offset = _written + _buffer.WrittenCount;
        if (offset + size - _blockStart > IdRun.BlockBytes)
        {
            _blockStart = offset;
            _fenceHashes.Add((ulong)(r.IdHash >> 64));
            _fenceOffsets.Add(offset);
        }
        var span = _buffer.GetSpan(size);
        BinaryPrimitives.WriteUInt128LittleEndian(span, r.IdHash);
        BinaryPrimitives.WriteUInt128LittleEndian(span[16..], r.ContentHash);
        BinaryPrimitives.WriteInt64LittleEndian(span[32..], r.Sequence);
        BinaryPrimitives.WriteUInt16LittleEndian(span[40..], (ushort)idBytes);
        Encoding.UTF8.GetBytes(r.Id, span[IdRun.RecordHeaderBytes..]);
        _buffer.Advance(size);
        _filter.Add(r.IdHash);
        _count++;
        if (_buffer.WrittenCount >= FlushBytes) await FlushAsync(cancellationToken);
    }

    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        await target.WriteAsync(_buffer.WrittenMemory, cancellationToken);
        _written += _buffer.WrittenCount;
        _buffer.ResetWrittenCount();
    }

    /// <summary>Writes what is buffered and flushes the target (for a blob: commits it); the summary describes what was written.</summary>
    public async ValueTask<RunSummary> CompleteAsync(string name, long first, long last, DateTimeOffset newestAt, int level, CancellationToken cancellationToken = default)
    {
        if (_count != count) throw new InvalidOperationException($"The run '{name}' was sized for {count} ids and got {_count}.");
        await FlushAsync(cancellationToken);
        await target.FlushAsync(cancellationToken);
        return new RunSummary
        {
            Name = name,
            FirstSequence = first,
            LastSequence = last,
            Count = _count,
            NewestAt = newestAt,
            Length = _written,
            FenceHashes = [.. _fenceHashes],
            FenceOffsets = [.. _fenceOffsets],
            Filter = _filter,
            Level = level,
        };
    }
}
