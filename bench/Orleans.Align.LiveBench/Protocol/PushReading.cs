using System.Text.Json;
using MessagePack;

namespace Orleans.Align.LiveBench.Protocol;

/// <summary>
/// What a probe viewer reads from a push, independent of the push's exact shape: a message is turned
/// into plain values (maps, lists, numbers, strings) and searched by field name, so whole goal views,
/// deltas keyed by goal id, or PascalCase MessagePack names all answer. Adjust <see cref="ValueFields"/>
/// and <see cref="IdFields"/> when the push contract renames them.
/// </summary>
public static class PushReading
{
    /// <summary>A goal's cumulative number, in order of preference.</summary>
    public static readonly IReadOnlyList<string> ValueFields = ["progress", "value", "current"];

    /// <summary>The field that names a goal inside a goal object.</summary>
    public static readonly IReadOnlyList<string> IdFields = ["id", "goalId"];

    /// <summary>
    /// The highest value any part of <paramref name="message"/> gives the goal: an object whose id
    /// field is <paramref name="goalId"/>, or a map entry keyed by <paramref name="goalId"/>, with a
    /// number in one of <see cref="ValueFields"/>. Null when the message does not mention the goal.
    /// </summary>
    public static double? GoalValue(object? message, string goalId)
    {
        double? best = null;
        Walk(message, node =>
        {
            if (node is not Dictionary<string, object?> map) return;
            if (IdFields.Any(f => Field(map, f) is string id && id == goalId)) Keep(ref best, NumberIn(map));
            if (Field(map, goalId) is Dictionary<string, object?> keyed) Keep(ref best, NumberIn(keyed));
        });
        return best;
    }

    /// <summary>The first number found under <paramref name="field"/> anywhere in the message (the bare hub's <c>sentAt</c>).</summary>
    public static double? NumberField(object? message, string field)
    {
        double? found = null;
        Walk(message, node =>
        {
            if (found is null && node is Dictionary<string, object?> map && Field(map, field) is double number) found = number;
        });
        return found;
    }

    private static double? NumberIn(Dictionary<string, object?> map)
    {
        foreach (var field in ValueFields)
        {
            if (Field(map, field) is double number) return number;
        }
        return null;
    }

    private static void Keep(ref double? best, double? candidate)
    {
        if (candidate is { } c && (best is null || c > best)) best = c;
    }

    private static object? Field(Dictionary<string, object?> map, string name) =>
        map.TryGetValue(name, out var value) ? value : null; // the maps compare names ignoring case

    private static void Walk(object? node, Action<object?> visit)
    {
        visit(node);
        switch (node)
        {
            case Dictionary<string, object?> map:
                foreach (var child in map.Values) Walk(child, visit);
                break;
            case List<object?> list:
                foreach (var child in list) Walk(child, visit);
                break;
        }
    }

    /// <summary>A JSON hub message as plain values.</summary>
    public static object? FromJson(ReadOnlySpan<byte> message)
    {
        var reader = new Utf8JsonReader(message);
        using var document = JsonDocument.ParseValue(ref reader);
        return FromJson(document.RootElement);
    }

    private static object? FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().Aggregate(NewMap(), (map, p) => { map[p.Name] = FromJson(p.Value); return map; }),
        JsonValueKind.Array => element.EnumerateArray().Select(FromJson).ToList(),
        JsonValueKind.Number => element.GetDouble(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    /// <summary>A MessagePack hub message (without its length prefix) as plain values; extension values (dates) become null.</summary>
    public static object? FromMessagePack(ReadOnlyMemory<byte> message)
    {
        var reader = new MessagePackReader(message);
        return Read(ref reader);
    }

    private static object? Read(ref MessagePackReader reader)
    {
        switch (reader.NextMessagePackType)
        {
            case MessagePackType.Map:
                var count = reader.ReadMapHeader();
                var map = NewMap();
                for (var i = 0; i < count; i++)
                {
                    var key = Read(ref reader);
                    map[Convert.ToString(key, System.Globalization.CultureInfo.InvariantCulture) ?? ""] = Read(ref reader);
                }
                return map;
            case MessagePackType.Array:
                var length = reader.ReadArrayHeader();
                var list = new List<object?>(length);
                for (var i = 0; i < length; i++) list.Add(Read(ref reader));
                return list;
            case MessagePackType.Integer:
                return reader.NextCode == MessagePackCode.UInt64 ? (double)reader.ReadUInt64() : reader.ReadInt64();
            case MessagePackType.Float:
                return reader.ReadDouble();
            case MessagePackType.String:
                return reader.ReadString();
            case MessagePackType.Boolean:
                return reader.ReadBoolean();
            default:
                reader.Skip();
                return null;
        }
    }

    private static Dictionary<string, object?> NewMap() => new(StringComparer.OrdinalIgnoreCase);
}
