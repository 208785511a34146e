using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace Orleans.Align.Grains.Log.Dedupe;

/// <summary>
/// 128-bit hashes of an event's id and of its content. The id hash places an id in the filters and
/// orders the durable index; the id itself is always compared too, so a hash collision can never
/// make a false duplicate. The content hash tells a resend (same content) from a conflict (the same
/// id with different content).
/// </summary>
public static class EventFingerprint
{
    public static UInt128 OfId(string id)
    {
        Span<byte> stack = stackalloc byte[512];
        var bytes = Encoding.UTF8.GetByteCount(id) <= stack.Length ? stack[..Encoding.UTF8.GetBytes(id, stack)] : Encoding.UTF8.GetBytes(id);
        return XxHash128.HashToUInt128(bytes);
    }

    /// <summary>
    /// The event's canonical content as the log keeps it: metric, value, time to the millisecond (the
    /// log's precision, so a resend after a restart hashes as the original did), campaign, department,
    /// source, activity. Not the id: that is the key. Not the time the gateway assigned to an event sent without one. Strings are length-prefixed so that fields cannot run into
    /// each other ("a"+"bc" differs from "ab"+"c"); an absent field differs from an empty one.
    /// </summary>
    public static UInt128 OfContent(MetricEvent e)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        if (e.Corrects is { } corrects)
        {
            // A correction, the same whether as sent or as resolved and logged (so a resend after a restart
            // hashes as the original did): metric, value, what it corrects, source, and its own time when the
            // caller gave one. Not its campaign, department or activity: they are the corrected event's.
            WriteInt64(buffer, -2);
            WriteString(buffer, e.Metric);
            WriteInt64(buffer, e.Value == 0 ? 0 : BitConverter.DoubleToInt64Bits(e.Value));
            WriteString(buffer, corrects);
            WriteString(buffer, e.Source);
            WriteInt64(buffer, e.TimestampAssigned ? long.MinValue : (e.CorrectedAt ?? e.Timestamp).ToUnixTimeMilliseconds());
            return XxHash128.HashToUInt128(buffer.WrittenSpan);
        }
        WriteString(buffer, e.Metric);
        // +0 and -0 are the same value to a goal.
        WriteInt64(buffer, e.Value == 0 ? 0 : BitConverter.DoubleToInt64Bits(e.Value));
        WriteInt64(buffer, e.TimestampAssigned ? long.MinValue : e.Timestamp.ToUnixTimeMilliseconds());
        WriteString(buffer, e.Campaign);
        WriteString(buffer, e.Department);
        WriteString(buffer, e.Source);
        // Written only when named, so events without an activity hash as they did before activities existed.
        if (e.Activity is not null) WriteString(buffer, e.Activity);
        return XxHash128.HashToUInt128(buffer.WrittenSpan);
    }

    private static void WriteInt64(ArrayBufferWriter<byte> buffer, long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(buffer.GetSpan(8), value);
        buffer.Advance(8);
    }

    private static void WriteString(ArrayBufferWriter<byte> buffer, string? value)
    {
        if (value is null)
        {
            WriteInt64(buffer, -1);
            return;
        }
        var length = Encoding.UTF8.GetByteCount(value);
        WriteInt64(buffer, length);
        Encoding.UTF8.GetBytes(value, buffer.GetSpan(length));
        buffer.Advance(length);
    }
}
