using System.Buffers;
using System.Text;
using System.Text.Json;
using MessagePack;

namespace Orleans.Align.LiveBench.Protocol;

/// <summary>The two SignalR hub protocols a viewer can speak.</summary>
public enum HubProtocolKind
{
    Json,
    MessagePack,
}

/// <summary>SignalR message types (HubProtocol.md); <see cref="Handshake"/> is the JSON handshake answer before them.</summary>
public static class HubMessageType
{
    public const int Unknown = 0;
    public const int Invocation = 1;
    public const int Completion = 3;
    public const int Ping = 6;
    public const int Close = 7;
    public const int Handshake = -1;
}

/// <summary>Called once per complete message; <paramref name="body"/> is empty unless the splitter kept it.</summary>
public delegate void HubMessageHandler(int type, int length, ReadOnlySpan<byte> body);

/// <summary>
/// Splits what a viewer receives into SignalR messages and counts them without parsing them: JSON
/// messages end with the record separator 0x1E, MessagePack messages are prefixed with their length
/// as a varint (7 bits a byte, low bits first). The handshake answer is JSON in both protocols. A
/// message's type comes from its first bytes (<c>{"type":N</c>, which the server writes first, or a
/// MessagePack array whose first item is N), so a cheap viewer never builds a document. Hand-written
/// because the SignalR client's own parser is internal and a full client per viewer is what this
/// benchmark avoids (10,000 of them would measure the load client, not the server).
/// </summary>
public sealed class HubMessageSplitter(HubProtocolKind protocol)
{
    private const byte RecordSeparator = 0x1e;
    private const int PrefixLength = 9; // {"type":N

    private readonly ArrayBufferWriter<byte> _body = new(1024);
    private readonly byte[] _prefix = new byte[PrefixLength];
    private bool _handshake = true;
    private int _prefixCount;
    private int _length;
    private bool _capturing = true;
    private bool _decided;

    // MessagePack framing state.
    private bool _inBody;
    private int _remaining;
    private int _varint;
    private int _shift;

    /// <summary>Keep every message's bytes (probe viewers); otherwise only completions, closes and the handshake are kept.</summary>
    public bool KeepAll { get; set; }

    public void Feed(ReadOnlySpan<byte> data, HubMessageHandler onMessage)
    {
        while (!data.IsEmpty)
        {
            if (_handshake || protocol == HubProtocolKind.Json)
            {
                var end = data.IndexOf(RecordSeparator);
                Append(end < 0 ? data : data[..end]);
                if (end < 0) return;
                Complete(onMessage);
                data = data[(end + 1)..];
            }
            else if (!_inBody)
            {
                var b = data[0];
                data = data[1..];
                if (_shift > 28) throw new InvalidDataException("A MessagePack length prefix is longer than 5 bytes.");
                _varint |= (b & 0x7f) << _shift;
                _shift += 7;
                if ((b & 0x80) != 0) continue;
                _remaining = _varint;
                _varint = 0;
                _shift = 0;
                _inBody = true;
                if (_remaining == 0) { _inBody = false; Complete(onMessage); }
            }
            else
            {
                var take = Math.Min(_remaining, data.Length);
                Append(data[..take]);
                _remaining -= take;
                data = data[take..];
                if (_remaining == 0) { _inBody = false; Complete(onMessage); }
            }
        }
    }

    private void Append(ReadOnlySpan<byte> part)
    {
        if (part.IsEmpty) return;
        _length += part.Length;
        if (_prefixCount < PrefixLength)
        {
            var n = Math.Min(PrefixLength - _prefixCount, part.Length);
            part[..n].CopyTo(_prefix.AsSpan(_prefixCount));
            _prefixCount += n;
        }
        if (_capturing) _body.Write(part);
        if (!_decided && !_handshake && _prefixCount >= NeededPrefix) Decide();
    }

    private int NeededPrefix => protocol == HubProtocolKind.Json ? PrefixLength : 2;

    private void Decide()
    {
        _decided = true;
        if (KeepAll) return;
        var type = TypeOf(_prefix.AsSpan(0, _prefixCount), protocol);
        if (type is HubMessageType.Invocation or HubMessageType.Ping)
        {
            _capturing = false;
            _body.ResetWrittenCount();
        }
    }

    private void Complete(HubMessageHandler onMessage)
    {
        var type = _handshake ? HubMessageType.Handshake : TypeOf(_prefix.AsSpan(0, _prefixCount), protocol);
        onMessage(type, _length, _capturing ? _body.WrittenSpan : default);
        _handshake = false;
        _body.ResetWrittenCount();
        _prefixCount = 0;
        _length = 0;
        _capturing = true;
        _decided = false;
    }

    /// <summary>The message type from a message's first bytes, <see cref="HubMessageType.Unknown"/> when they do not say.</summary>
    public static int TypeOf(ReadOnlySpan<byte> start, HubProtocolKind protocol)
    {
        if (protocol == HubProtocolKind.Json)
        {
            return start.Length >= PrefixLength && start[..8].SequenceEqual("{\"type\":"u8) && start[8] is >= (byte)'1' and <= (byte)'9'
                ? start[8] - '0'
                : HubMessageType.Unknown;
        }
        return start.Length >= 2 && start[0] is >= 0x90 and <= 0x9f && start[1] < 0x80 ? start[1] : HubMessageType.Unknown;
    }
}

/// <summary>The few messages a viewer sends, in either protocol, ready to write to the socket.</summary>
public static class HubMessages
{
    public static byte[] Handshake(HubProtocolKind protocol) =>
        Encoding.UTF8.GetBytes($"{{\"protocol\":\"{Name(protocol)}\",\"version\":1}}\u001e");

    public static string Name(HubProtocolKind protocol) => protocol == HubProtocolKind.Json ? "json" : "messagepack";

    public static byte[] Ping(HubProtocolKind protocol) =>
        protocol == HubProtocolKind.Json ? "{\"type\":6}\u001e"u8.ToArray() : [0x02, 0x91, 0x06];

    /// <summary>An invocation that expects a completion: <c>target(argument)</c>.</summary>
    public static byte[] Invocation(HubProtocolKind protocol, string invocationId, string target, string argument)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        if (protocol == HubProtocolKind.Json)
        {
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteNumber("type", HubMessageType.Invocation);
                json.WriteString("invocationId", invocationId);
                json.WriteString("target", target);
                json.WriteStartArray("arguments");
                json.WriteStringValue(argument);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            buffer.Write([(byte)0x1e]);
            return buffer.WrittenSpan.ToArray();
        }

        // [1, headers, invocationId, target, [arguments], [streamIds]]
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(6);
        writer.Write(HubMessageType.Invocation);
        writer.WriteMapHeader(0);
        writer.Write(invocationId);
        writer.Write(target);
        writer.WriteArrayHeader(1);
        writer.Write(argument);
        writer.WriteArrayHeader(0);
        writer.Flush();
        return LengthPrefixed(buffer.WrittenSpan);
    }

    /// <summary>A MessagePack message with its varint length prefix.</summary>
    public static byte[] LengthPrefixed(ReadOnlySpan<byte> body)
    {
        Span<byte> prefix = stackalloc byte[5];
        var n = 0;
        var length = (uint)body.Length;
        do
        {
            var b = (byte)(length & 0x7f);
            length >>= 7;
            if (length > 0) b |= 0x80;
            prefix[n++] = b;
        } while (length > 0);
        return [.. prefix[..n], .. body];
    }

    /// <summary>The error of a completion or close message, null when it carries none.</summary>
    public static string? ErrorOf(int type, ReadOnlySpan<byte> body, HubProtocolKind protocol)
    {
        if (protocol == HubProtocolKind.Json || type == HubMessageType.Handshake)
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            return document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String ? error.GetString() : null;
        }

        var message = new MessagePackReader(body.ToArray());
        var count = message.ReadArrayHeader();
        message.ReadInt32(); // type
        if (type == HubMessageType.Close) return count > 1 && !message.TryReadNil() ? message.ReadString() : null;
        if (type != HubMessageType.Completion) return null;
        message.Skip(); // headers
        message.Skip(); // invocation id
        var resultKind = message.ReadInt32();
        return resultKind == 1 ? message.ReadString() : null;
    }
}
