using System.Buffers;
using System.Text.Json;

namespace Orleans.Align.Silo.Storage;

/// <summary>
/// The on-disk form of logged events: one compact JSON object per line. Lines keep the log readable
/// with any tool, let a reader start at any block boundary, and make a torn tail detectable.
/// </summary>
public static class LogRecordFormat
{
    public static byte[] Encode(IReadOnlyList<LoggedEvent> events)
    {
        var buffer = new ArrayBufferWriter<byte>(events.Count * 128);
        using var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });
        foreach (var e in events)
        {
            writer.Reset(buffer);
            writer.WriteStartObject();
            writer.WriteNumber("s", e.Sequence);
            writer.WriteString("i", e.Event.Id);
            writer.WriteString("m", e.Event.Metric);
            writer.WriteNumber("v", e.Event.Value);
            writer.WriteNumber("t", e.Event.Timestamp.ToUnixTimeMilliseconds());
            if (e.Event.Campaign is { } c) writer.WriteString("c", c);
            if (e.Event.Department is { } d) writer.WriteString("d", d);
            if (e.Event.Source is { } src) writer.WriteString("o", src);
            if (e.Event.TimestampAssigned) writer.WriteNumber("n", 1);
            if (e.Event.Activity is { } a) writer.WriteString("a", a);
            if (e.Event.Corrects is { } x)
            {
                // A correction: what it corrects, that event's value as it stood, its sequence, and the correction's own time.
                writer.WriteString("x", x);
                writer.WriteNumber("p", e.Event.Previous);
                writer.WriteNumber("q", e.Event.CorrectedSequence);
                if (e.Event.CorrectedAt is { } k) writer.WriteNumber("k", k.ToUnixTimeMilliseconds());
            }
            writer.WriteEndObject();
            writer.Flush();
            buffer.Write("\n"u8);
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Decodes whole lines from <paramref name="data"/>, calling <paramref name="onRecord"/> with each
    /// event and the byte offset just past its line. Returns the bytes consumed (an incomplete last
    /// line is left for the next read).
    /// </summary>
    public static int Decode(ReadOnlySpan<byte> data, Func<LoggedEvent, int, bool> onRecord)
    {
        var consumed = 0;
        while (consumed < data.Length)
        {
            var end = data[consumed..].IndexOf((byte)'\n');
            if (end < 0) break;
            var line = data.Slice(consumed, end);
            consumed += end + 1;
            if (!onRecord(Parse(line), consumed)) break;
        }
        return consumed;
    }

    private static LoggedEvent Parse(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line);
        long sequence = 0, time = 0, correctedSequence = 0;
        long? correctedAt = null;
        double value = 0, previous = 0;
        string? id = null, metric = null, campaign = null, department = null, source = null, activity = null, corrects = null;
        var assigned = false;
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            reader.Read();
            switch (name.Length == 1 ? (char)name[0] : '?')
            {
                case 's': sequence = reader.GetInt64(); break;
                case 'i': id = reader.GetString(); break;
                case 'm': metric = reader.GetString(); break;
                case 'v': value = reader.GetDouble(); break;
                case 't': time = reader.GetInt64(); break;
                case 'c': campaign = reader.GetString(); break;
                case 'd': department = reader.GetString(); break;
                case 'o': source = reader.GetString(); break;
                case 'n': assigned = reader.GetInt32() == 1; break;
                case 'a': activity = reader.GetString(); break;
                case 'x': corrects = reader.GetString(); break;
                case 'p': previous = reader.GetDouble(); break;
                case 'q': correctedSequence = reader.GetInt64(); break;
                case 'k': correctedAt = reader.GetInt64(); break;
                default: reader.Skip(); break;
            }
        }
        return new LoggedEvent(sequence, new MetricEvent(id!, metric!, value, DateTimeOffset.FromUnixTimeMilliseconds(time), campaign, department, source, assigned, activity,
            corrects, previous, correctedSequence, correctedAt is { } k ? DateTimeOffset.FromUnixTimeMilliseconds(k) : null));
    }
}
