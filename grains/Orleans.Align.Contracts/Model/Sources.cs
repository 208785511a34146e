using System.Text.Json.Serialization;

namespace Orleans.Align;

/// <summary>The signature scheme (and payload shape) of an inbound webhook source: one per tool.</summary>
[GenerateSerializer, Alias("align.source-scheme")]
public enum SourceScheme
{
    [JsonStringEnumMemberName("hubspot")] Hubspot = 0,
    [JsonStringEnumMemberName("shopify")] Shopify = 1,
    [JsonStringEnumMemberName("stripe")] Stripe = 2,
    [JsonStringEnumMemberName("standard-webhooks")] StandardWebhooks = 3,
}

/// <summary>
/// One way a tool's event counts: an item whose type is <see cref="When"/> (and whose fields named in
/// <see cref="Where"/>, JSON pointers, have those string values) becomes one event of <see cref="Metric"/>,
/// worth <see cref="Value"/> or the number at <see cref="ValueField"/> (a JSON pointer; a decimal string
/// is read too). With <see cref="CurrencyField"/> the value is in the minor units of that currency (cents).
/// </summary>
[GenerateSerializer, Immutable, Alias("align.source-rule")]
public sealed record SourceRule(
    [property: Id(0)] string When,
    [property: Id(1)] string Metric,
    [property: Id(2)] double? Value = null,
    [property: Id(3)] string? ValueField = null,
    [property: Id(4)] IReadOnlyDictionary<string, string>? Where = null,
    [property: Id(5)] string? CurrencyField = null);

/// <summary>
/// How a source's payloads become metric events: the rules, where the event type and the time are
/// (Standard Webhooks only: the presets know their tool's shape), and the campaign and department of
/// every event: fixed, or from a field (a JSON pointer). Without either, a preset reads the campaign
/// from the tool's UTM parameters where it carries them.
/// </summary>
[GenerateSerializer, Immutable, Alias("align.source-mapping")]
public sealed record SourceMapping(
    [property: Id(0)] IReadOnlyList<SourceRule> Rules,
    [property: Id(1)] string? TypeField = null,
    [property: Id(2)] string? TimestampField = null,
    [property: Id(3)] string? Campaign = null,
    [property: Id(4)] string? CampaignField = null,
    [property: Id(5)] string? Department = null,
    [property: Id(6)] string? DepartmentField = null);

/// <summary>A source as defined by its organization (the secret is kept apart and never shown).</summary>
[GenerateSerializer, Immutable, Alias("align.source-definition")]
public sealed record SourceDefinition(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] SourceScheme Scheme,
    [property: Id(3)] SourceMapping Mapping);

/// <summary>What a source has received since it was created.</summary>
[GenerateSerializer, Immutable, Alias("align.source-counters")]
public sealed record SourceCounters(
    [property: Id(0)] long Deliveries = 0,
    [property: Id(1)] long EventsAccepted = 0,
    [property: Id(2)] long EventsDuplicate = 0,
    [property: Id(3)] long Ignored = 0,
    [property: Id(4)] long Failed = 0,
    [property: Id(5)] long BadSignatures = 0,
    [property: Id(6)] DateTimeOffset? LastDeliveryAt = null,
    [property: Id(7)] DateTimeOffset? LastBadSignatureAt = null);

/// <summary>A source as the API shows it: never its secret.</summary>
[GenerateSerializer, Immutable, Alias("align.source-view")]
public sealed record SourceView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] SourceScheme Scheme,
    [property: Id(3)] SourceMapping Mapping,
    [property: Id(4)] string WebhookPath,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] DateTimeOffset SecretSetAt,
    [property: Id(7)] SourceCounters Counters);

/// <summary>A delivery that did not map (or that the log refused): kept so the organization can fix its mapping.</summary>
[GenerateSerializer, Immutable, Alias("align.source-failure")]
public sealed record SourceFailure(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Reason,
    [property: Id(2)] string? DeliveryId,
    [property: Id(3)] string? EventType,
    [property: Id(4)] string Payload,
    [property: Id(5)] bool PayloadTruncated);

/// <summary>One HTTP request to a source's webhook URL, as the gateway received it.</summary>
[GenerateSerializer, Immutable, Alias("align.webhook-delivery")]
public sealed record WebhookDelivery(
    [property: Id(0)] string Method,
    [property: Id(1)] string Url,
    [property: Id(2)] IReadOnlyDictionary<string, string> Headers,
    [property: Id(3)] byte[] Body);

[GenerateSerializer, Alias("align.webhook-outcome-kind")]
public enum WebhookOutcomeKind
{
    Accepted = 0,
    Ignored = 1,
    BadSignature = 2,
    Unmapped = 3,
    NotFound = 4,
}

/// <summary>What became of a delivery: counted (accepted or duplicates), ignored, or refused and why.</summary>
[GenerateSerializer, Immutable, Alias("align.webhook-outcome")]
public sealed record WebhookOutcome(
    [property: Id(0)] WebhookOutcomeKind Kind,
    [property: Id(1)] int Accepted = 0,
    [property: Id(2)] int Duplicates = 0,
    [property: Id(3)] int Ignored = 0,
    [property: Id(4)] string? Detail = null);
