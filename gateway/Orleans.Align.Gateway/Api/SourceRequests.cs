using System.ComponentModel.DataAnnotations;
using static Orleans.Align.Gateway.Api.InputLimits;

namespace Orleans.Align.Gateway.Api;

/// <summary>One rule of a source's mapping: an event type that counts, as which metric, worth a fixed value or a field's.</summary>
public sealed record SourceRuleRequest(
    [property: Required, StringLength(SourceEndpoints.MaxEventTypeLength, MinimumLength = 1)] string? When,
    [property: Required, StringLength(64, MinimumLength = 1), RegularExpression(MetricKeyPattern)] string? Metric,
    [property: Range(-EventValidation.MaxAbsoluteValue, EventValidation.MaxAbsoluteValue)] double? Value,
    [property: StringLength(SourceEndpoints.MaxPointerLength, MinimumLength = 2), RegularExpression(SourceEndpoints.PointerPattern)] string? ValueField,
    Dictionary<string, string?>? Where,
    [property: StringLength(SourceEndpoints.MaxPointerLength, MinimumLength = 2), RegularExpression(SourceEndpoints.PointerPattern)] string? CurrencyField);

/// <summary>
/// Overrides of a preset's mapping (all optional; required rules for Standard Webhooks). Fields are
/// JSON pointers (RFC 6901) into the payload; <c>campaign</c> and <c>department</c> are fixed ids.
/// </summary>
public sealed record SourceMappingRequest(
    [property: MaxLength(SourceEndpoints.MaxRules)] List<SourceRuleRequest?>? Rules,
    [property: StringLength(SourceEndpoints.MaxPointerLength, MinimumLength = 2), RegularExpression(SourceEndpoints.PointerPattern)] string? TypeField,
    [property: StringLength(SourceEndpoints.MaxPointerLength, MinimumLength = 2), RegularExpression(SourceEndpoints.PointerPattern)] string? TimestampField,
    [property: StringLength(Identifiers.MaxLength, MinimumLength = 1), RegularExpression(IdPattern)] string? Campaign,
    [property: StringLength(SourceEndpoints.MaxPointerLength, MinimumLength = 2), RegularExpression(SourceEndpoints.PointerPattern)] string? CampaignField,
    [property: StringLength(Identifiers.MaxLength, MinimumLength = 1), RegularExpression(IdPattern)] string? Department,
    [property: StringLength(SourceEndpoints.MaxPointerLength, MinimumLength = 2), RegularExpression(SourceEndpoints.PointerPattern)] string? DepartmentField);

/// <summary>
/// A new source. <c>secret</c>: the tool's (HubSpot's app client secret, Shopify's app secret, Stripe's
/// endpoint secret <c>whsec_...</c>); for Standard Webhooks a <c>whsec_</c> secret, generated when omitted.
/// </summary>
public sealed record CreateSourceRequest(
    [property: Required, StringLength(MaxNameLength, MinimumLength = 1)] string? Name,
    [property: Required] SourceScheme? Scheme,
    [property: StringLength(SourceEndpoints.MaxSecretLength, MinimumLength = SourceEndpoints.MinSecretLength)] string? Secret,
    SourceMappingRequest? Mapping);

/// <summary>A source's new name and mapping (omitted: the preset's). The scheme and the secret stay.</summary>
public sealed record ChangeSourceRequest(
    [property: Required, StringLength(MaxNameLength, MinimumLength = 1)] string? Name,
    SourceMappingRequest? Mapping);

/// <summary>A new secret; for Standard Webhooks omitted means generate one.</summary>
public sealed record RotateSourceSecretRequest(
    [property: StringLength(SourceEndpoints.MaxSecretLength, MinimumLength = SourceEndpoints.MinSecretLength)] string? Secret);

/// <summary>The created source; <c>secret</c> only when the gateway generated it (shown this once).</summary>
public sealed record SourceCreatedResponse(SourceView Source, string? Secret);

/// <summary>The secret was replaced; <c>secret</c> only when the gateway generated it (shown this once).</summary>
public sealed record SourceSecretResponse(string Id, DateTimeOffset SecretSetAt, string? Secret);

/// <summary>What became of a delivery: <c>accepted</c> (new events counted; a resend counts as duplicates) or <c>ignored</c> (no rule counts its type).</summary>
public sealed record WebhookReceipt(string Outcome, int Accepted, int Duplicates, int Ignored, string? Detail);
