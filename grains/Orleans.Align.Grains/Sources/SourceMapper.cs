using Orleans.Align.Sources;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orleans.Align.Grains.Sources;

/// <summary>
/// A delivery turned into metric events, or why it could not be. <see cref="Ignored"/> counts items
/// whose type no rule counts (acknowledged, not failures: a tool disables an endpoint that keeps failing).
/// </summary>
public sealed record MappedDelivery(IReadOnlyList<MetricEvent> Events, int Ignored, string? DeliveryId, string? EventType, string? Failure)
{
    public static MappedDelivery Failed(string reason, string? deliveryId = null, string? type = null) => new([], 0, deliveryId, type, reason);
}

/// <summary>
/// Maps a verified delivery to metric events with the source's mapping. The tool's delivery id is the
/// event id, prefixed with the source id (<c>{source}:{delivery}:{metric}</c>), so a tool's retry of
/// the same delivery is a duplicate in the log and counts once. A delivery maps whole or not at all.
/// </summary>
public static class SourceMapper
{
    public const int MaxDeliveryIdLength = 128;
    private static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan AllowedSkew = TimeSpan.FromDays(1);
    private const double MaxAbsoluteValue = 1e12;

    private sealed record Item(JsonNode Node, string? DeliveryId, string? Type, DateTimeOffset? Time);

    public static MappedDelivery Map(string sourceId, SourceDefinition source, IReadOnlyDictionary<string, string> headers, byte[] body, DateTimeOffset now)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            return MappedDelivery.Failed($"The body is not JSON: {ex.Message}");
        }
        if (root is null) return MappedDelivery.Failed("The body is JSON null.");
        var mapping = source.Mapping;
        string? Header(string name) => headers.TryGetValue(name, out var v) ? v : null;

        List<Item> items;
        switch (source.Scheme)
        {
            case SourceScheme.Hubspot:
                // HubSpot sends a batch: a JSON array of events, each with its own eventId.
                var events = root as JsonArray ?? (root is JsonObject ? new JsonArray(root.DeepClone()) : null);
                if (events is null) return MappedDelivery.Failed("A HubSpot delivery is a JSON array of events.");
                items = [];
                foreach (var e in events)
                {
                    if (e is not JsonObject o) return MappedDelivery.Failed("Every event of a HubSpot delivery must be an object.");
                    items.Add(new Item(o, Scalar(o["eventId"]), Scalar(o["subscriptionType"]), ReadTime(o["occurredAt"], milliseconds: true)));
                }
                break;
            case SourceScheme.Shopify:
                var created = Resolve(root, mapping.TimestampField ?? "/created_at");
                var triggered = Header("x-shopify-triggered-at") is { } h ? ReadTime(JsonValue.Create(h), false) : null;
                items = [new Item(root, Header("x-shopify-webhook-id") ?? Header("x-shopify-event-id"), Header("x-shopify-topic"), ReadTime(created, false) ?? triggered)];
                break;
            case SourceScheme.Stripe:
                items = [new Item(root, Scalar(root["id"]), Scalar(Resolve(root, "/type")), ReadTime(Resolve(root, mapping.TimestampField ?? "/created"), false))];
                break;
            default:
                var time = mapping.TimestampField is { } field ? ReadTime(Resolve(root, field), false)
                    : Header("webhook-timestamp") is { } ts ? ReadTime(JsonValue.Create(ts), false) : null;
                items = [new Item(root, Header("webhook-id"), Scalar(Resolve(root, mapping.TypeField ?? "/type")), time)];
                break;
        }

        var mapped = new List<MetricEvent>();
        var ignored = 0;
        string? firstId = items.FirstOrDefault()?.DeliveryId, firstType = items.FirstOrDefault()?.Type;
        foreach (var item in items)
        {
            var rules = mapping.Rules.Where(r => r.When == item.Type && Holds(item.Node, r.Where)).ToList();
            if (rules.Count == 0)
            {
                ignored++;
                continue;
            }
            string Fail(string reason) => $"{reason}{(items.Count > 1 ? $" (event {item.DeliveryId ?? "without id"} of the batch)" : "")}";
            if (string.IsNullOrWhiteSpace(item.DeliveryId) || item.DeliveryId.Length > MaxDeliveryIdLength || item.DeliveryId.Any(char.IsControl))
                return MappedDelivery.Failed(Fail("The delivery has no usable id (the tool's delivery id is the event id)."), item.DeliveryId, item.Type);
            if (item.Time is not { } at) return MappedDelivery.Failed(Fail("The delivery has no readable time."), item.DeliveryId, item.Type);
            if (at < Earliest || at > now + AllowedSkew)
                return MappedDelivery.Failed(Fail("The event's time must be after 2000-01-01 and not more than a day in the future."), item.DeliveryId, item.Type);

            var (campaign, campaignError) = CampaignOf(source.Scheme, mapping, item.Node);
            if (campaignError is not null) return MappedDelivery.Failed(Fail(campaignError), item.DeliveryId, item.Type);
            var (department, departmentError) = IdFrom(mapping.Department, mapping.DepartmentField, item.Node, "department");
            if (departmentError is not null) return MappedDelivery.Failed(Fail(departmentError), item.DeliveryId, item.Type);

            foreach (var rule in rules)
            {
                var (value, valueError) = ValueOf(rule, item.Node);
                if (valueError is not null) return MappedDelivery.Failed(Fail($"Rule '{rule.When}' → {rule.Metric}: {valueError}"), item.DeliveryId, item.Type);
                mapped.Add(new MetricEvent(EventId(sourceId, item.DeliveryId, rule.Metric), rule.Metric, value, at.ToUniversalTime(), campaign, department, sourceId));
            }
        }
        return new MappedDelivery(mapped, ignored, firstId, firstType, null);
    }

    /// <summary><c>{source}:{delivery}:{metric}</c>, or a hash of the delivery id when that would pass the event id's 128 characters.</summary>
    public static string EventId(string sourceId, string deliveryId, string metric)
    {
        var id = $"{sourceId}:{deliveryId}:{metric}";
        if (id.Length <= 128) return id;
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(deliveryId)))[..32];
        return $"{sourceId}:h{hash}:{metric}";
    }

    private static bool Holds(JsonNode node, IReadOnlyDictionary<string, string>? where) =>
        where is null || where.All(w => Scalar(Resolve(node, w.Key)) == w.Value);

    private static (string? Id, string? Error) CampaignOf(SourceScheme scheme, SourceMapping mapping, JsonNode node)
    {
        if (mapping.Campaign is not null || mapping.CampaignField is not null) return IdFrom(mapping.Campaign, mapping.CampaignField, node, "campaign");
        var utm = scheme switch
        {
            SourceScheme.Shopify => QueryValue(Scalar(node["landing_site"]), "utm_campaign") ?? NoteAttribute(node["note_attributes"], "utm_campaign"),
            SourceScheme.Stripe => Scalar(Resolve(node, "/data/object/metadata/utm_campaign")) ?? Scalar(Resolve(node, "/data/object/metadata/campaign")),
            _ => null,
        };
        return utm is null ? (null, null) : AsId(utm, "campaign");
    }

    private static (string? Id, string? Error) IdFrom(string? fixedId, string? field, JsonNode node, string what)
    {
        if (fixedId is not null) return (fixedId, null);
        if (field is null) return (null, null);
        var raw = Scalar(Resolve(node, field));
        return raw is null ? (null, $"The {what} field {field} is missing.") : AsId(raw, what);
    }

    /// <summary>A tool's value as an id: "Spring Launch" → "spring-launch" (lower case, other characters as '-').</summary>
    public static (string? Id, string? Error) AsId(string raw, string what)
    {
        var builder = new StringBuilder();
        foreach (var c in raw.Trim().ToLowerInvariant())
        {
            if (c is >= 'a' and <= 'z' or >= '0' and <= '9') builder.Append(c);
            else if (builder.Length > 0 && builder[^1] != '-') builder.Append('-');
        }
        var id = builder.ToString().Trim('-');
        return Identifiers.IsValid(id) ? (id, null) : (null, $"The {what} '{Cut(raw)}' is not usable as an id ({Identifiers.Rule}).");
    }

    private static (double Value, string? Error) ValueOf(SourceRule rule, JsonNode node)
    {
        double value;
        if (rule.ValueField is { } field)
        {
            var found = Resolve(node, field);
            if (found is null) return (0, $"the value field {field} is missing.");
            if (found is JsonValue v && v.TryGetValue<double>(out var number)) value = number;
            else if (found is JsonValue s && s.TryGetValue<string>(out var text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)) value = parsed;
            else return (0, $"the value field {field} is not a number.");
            if (rule.CurrencyField is { } currencyField)
            {
                if (Scalar(Resolve(node, currencyField)) is not { } currency) return (0, $"the currency field {currencyField} is missing.");
                value /= Math.Pow(10, MinorUnitDigits(currency));
            }
        }
        else value = rule.Value ?? 1;
        if (!double.IsFinite(value) || Math.Abs(value) > MaxAbsoluteValue) return (0, "the value must be a finite number of at most 1e12 in size.");
        return (value, null);
    }

    /// <summary>Digits after the decimal point of a currency's minor unit, as Stripe counts amounts (zero-decimal and three-decimal currencies).</summary>
    public static int MinorUnitDigits(string currency) => currency.ToLowerInvariant() switch
    {
        "bif" or "clp" or "djf" or "gnf" or "jpy" or "kmf" or "krw" or "mga" or "pyg" or "rwf" or "ugx" or "vnd" or "vuv" or "xaf" or "xof" or "xpf" => 0,
        "bhd" or "jod" or "kwd" or "omr" or "tnd" => 3,
        _ => 2,
    };

    /// <summary>A JSON number is unix time (seconds, or milliseconds for HubSpot); a string is ISO 8601 or such a number.</summary>
    private static DateTimeOffset? ReadTime(JsonNode? node, bool milliseconds)
    {
        if (node is not JsonValue value) return null;
        long? unix = null;
        if (value.TryGetValue<long>(out var n)) unix = n;
        else if (value.TryGetValue<double>(out var d) && double.IsFinite(d) && Math.Abs(d) < 1e15) unix = (long)d;
        else if (value.TryGetValue<string>(out var text))
        {
            if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)) unix = parsed;
            else if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)) return at;
            else return null;
        }
        if (unix is not { } u || u < 0) return null;
        return milliseconds ? DateTimeOffset.FromUnixTimeMilliseconds(Math.Min(u, 253402300799999)) : DateTimeOffset.FromUnixTimeSeconds(Math.Min(u, 253402300799));
    }

    /// <summary>A string, number or boolean as text; null for anything else or nothing.</summary>
    private static string? Scalar(JsonNode? node) => node is JsonValue v
        ? v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.Number => v.ToJsonString(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        }
        : null;

    /// <summary>RFC 6901: <c>/a/0/b</c>, with <c>~1</c> for '/' and <c>~0</c> for '~'.</summary>
    public static JsonNode? Resolve(JsonNode? node, string pointer)
    {
        if (pointer.Length == 0) return node;
        foreach (var raw in pointer[1..].Split('/'))
        {
            var token = raw.Replace("~1", "/").Replace("~0", "~");
            node = node switch
            {
                JsonObject o => o.TryGetPropertyValue(token, out var child) ? child : null,
                JsonArray a when int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count => a[i],
                _ => null,
            };
            if (node is null) return null;
        }
        return node;
    }

    private static string? QueryValue(string? url, string name)
    {
        if (url is null || url.IndexOf('?') is var q && q < 0) return null;
        var query = url[(q + 1)..];
        var hash = query.IndexOf('#');
        if (hash >= 0) query = query[..hash];
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var key = Uri.UnescapeDataString((eq < 0 ? pair : pair[..eq]).Replace('+', ' '));
            if (key == name && eq >= 0) return Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' ')) is { Length: > 0 } v ? v : null;
        }
        return null;
    }

    private static string? NoteAttribute(JsonNode? attributes, string name) =>
        attributes is JsonArray list
            ? list.OfType<JsonObject>().Where(a => Scalar(a["name"]) == name).Select(a => Scalar(a["value"])).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))
            : null;

    private static string Cut(string value) => value.Length <= 64 ? value : value[..64] + "…";
}
