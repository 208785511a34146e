using System.Buffers.Binary;
using System.Text;

namespace Orleans.Align.Grains.Log.Dedupe;

/// <summary>Reads a run blob's records in order, from a stream (a compaction reads its inputs once, front to back).</summary>
public sealed class IdRunReader(Stream source)
{
    private byte[] _buffer = new byte[1024 * 1024];
    private int _start;
    private int _end;
    private bool _ended;

    public async ValueTask<IdRecord?> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (!await EnsureAsync(IdRun.RecordHeaderBytes, cancellationToken)) return null;
        var length = BinaryPrimitives.ReadUInt16LittleEndian(_buffer.AsSpan(_start + 40));
        if (!await EnsureAsync(IdRun.RecordHeaderBytes + length, cancellationToken)) throw new InvalidDataException("A dedupe run ends inside a record.");
        var span = _buffer.AsSpan(_start);
        var record = new IdRecord(
            BinaryPrimitives.ReadUInt128LittleEndian(span),
            Encoding.UTF8.GetString(span.Slice(IdRun.RecordHeaderBytes, length)),
            BinaryPrimitives.ReadInt64LittleEndian(span[32..]),
            BinaryPrimitives.ReadUInt128LittleEndian(span[16..]));
        _start += IdRun.RecordHeaderBytes + length;
        return record;
    }

    /// <summary>True when <paramref name="bytes"/> are buffered; false at the end of the stream with nothing left.</summary>
    private async ValueTask<bool> EnsureAsync(int bytes, CancellationToken cancellationToken)
    {
        while (_end - _start < bytes)
        {
            if (_ended) return _end == _start ? false : throw new InvalidDataException("A dedupe run ends inside a record.");
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                (_end, _start) = (_end - _start, 0);
            }
            if (_end == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
            var read = await source.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            if (read == 0) _ended = true;
            _end += read;
        }
        return true;
    }
}
