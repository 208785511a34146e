using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Orleans.Align.Gateway.Hosting;

namespace Orleans.Align.Gateway.Api;

/// <summary>
/// How the API reads input and says what it accepts: strict JSON (a member the API does not know, or
/// the same member twice, is refused rather than ignored), a body limit on every request, and the
/// OpenAPI document's statement of both (status codes, limits and patterns the endpoints enforce).
/// </summary>
public static class ApiInput
{
    public const string ProblemContentType = "application/problem+json";

    public static WebApplicationBuilder AddAlignApiInput(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.Configure<JsonOptions>(o => Strict(o.SerializerOptions));

        // Endpoints carry their own limit (ApiDocumentation.Reads); this is the bound for anything else
        // that reads a body (the hub's negotiation, unknown routes).
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<GatewayOptions>>((kestrel, gateway) =>
            kestrel.Limits.MaxRequestBodySize = Math.Max(gateway.Value.MaxRequestBytes, InputLimits.MaxCommandBodyBytes));

        services.AddOptions<Microsoft.AspNetCore.OpenApi.OpenApiOptions>("v1").Configure<IOptions<GatewayOptions>>((openApi, gateway) =>
        {
            openApi.AddSchemaTransformer((schema, context, _) =>
            {
                RequireOnlyWhatIsRequired(schema, context.JsonTypeInfo);
                DescribeLists(schema, context.JsonTypeInfo.Type, gateway.Value.MaxEventsPerBatch);
                DescribeProblems(schema, context.JsonTypeInfo.Type);
                DropNullFromEnums(schema);
                return Task.CompletedTask;
            });
            openApi.AddOperationTransformer((operation, context, _) =>
            {
                DescribeParameters(operation);
                DescribeRetryAfter(operation);
                return Task.CompletedTask;
            });
        });
        return builder;
    }

    /// <summary>
    /// A misspelt member (<c>"campain"</c>) must never turn into an event or a goal without it, and
    /// <c>{"campaign":"a","campaign":"b"}</c> has no single meaning.
    /// </summary>
    public static JsonSerializerOptions Strict(JsonSerializerOptions options)
    {
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.AllowDuplicateProperties = false;
        return options;
    }

    /// <summary>
    /// A request record's members are all constructor parameters, which the schema generator marks
    /// required; a request requires only what carries [Required] (and then null is refused too).
    /// </summary>
    private static void RequireOnlyWhatIsRequired(OpenApiSchema schema, System.Text.Json.Serialization.Metadata.JsonTypeInfo type)
    {
        if (type.Type.Namespace != typeof(ApiInput).Namespace || !type.Type.Name.EndsWith("Request", StringComparison.Ordinal)) return;
        var required = type.Properties
            .Where(p => p.AttributeProvider?.IsDefined(typeof(System.ComponentModel.DataAnnotations.RequiredAttribute), inherit: false) == true)
            .Select(p => p.Name)
            .ToHashSet(StringComparer.Ordinal);
        schema.Required = required;
        foreach (var name in required)
        {
            if (schema.Properties is not null && schema.Properties.TryGetValue(name, out var p) && p is OpenApiSchema { Type: { } t } property)
                property.Type = t & ~JsonSchemaType.Null;
        }
    }

    private static readonly Dictionary<(Type, string), (string Pattern, int MaxLength)> ItemRules = new()
    {
        [(typeof(CreateCampaignRequest), "departments")] = (InputLimits.IdPattern, Identifiers.MaxLength),
        [(typeof(ChangeCampaignRequest), "departments")] = (InputLimits.IdPattern, Identifiers.MaxLength),
        [(typeof(GoalScopeRequest), "campaigns")] = (InputLimits.IdPattern, Identifiers.MaxLength),
        [(typeof(GoalScopeRequest), "departments")] = (InputLimits.IdPattern, Identifiers.MaxLength),
        [(typeof(CreateGoalRequest), "owners")] = (InputLimits.IdPattern, Identifiers.MaxLength),
        [(typeof(AnnouncementRequest), "to")] = (InputLimits.IdPattern, Identifiers.MaxLength),
        [(typeof(AddPersonRequest), "departments")] = (InputLimits.IdPattern, Identifiers.MaxLength),
        [(typeof(ChangePersonRequest), "departments")] = (InputLimits.IdPattern, Identifiers.MaxLength),
        [(typeof(ActivityRequest), "metrics")] = (InputLimits.MetricKeyPattern, 64),
        [(typeof(SetActivityRequest), "metrics")] = (InputLimits.MetricKeyPattern, 64),
    };

    /// <summary>What attributes cannot say: the items of id lists, the configured batch size, the known scopes and roles.</summary>
    private static void DescribeLists(OpenApiSchema schema, Type type, int maxEvents)
    {
        if (schema.Properties is null) return;
        foreach (var (name, property) in schema.Properties)
        {
            if ((type == typeof(AddPersonRequest) || type == typeof(ChangePersonRequest)) && name == "role" && property is OpenApiSchema role)
                role.Enum = [.. PersonRoles.All.Select(r => (JsonNode)JsonValue.Create(r))];
            if ((type == typeof(SettingsRequest) || type == typeof(AlignmentSettings)) && property is OpenApiSchema locale)
            {
                if (name == "currency") locale.Examples = [JsonValue.Create("EUR")!];
                if (name == "timeZone") locale.Examples = [JsonValue.Create("Europe/Berlin")!];
            }
            if (property is not OpenApiSchema list || list.Items is not OpenApiSchema items) continue;
            if (ItemRules.TryGetValue((type, name), out var rule))
            {
                items.Pattern = rule.Pattern;
                items.MaxLength = rule.MaxLength;
                items.MinLength = 1;
            }
            if (type == typeof(IngestRequest) && name == "events") list.MaxItems = maxEvents;
            if (type == typeof(CreateApiKeyRequest) && name == "scopes") items.Enum = [.. Scopes.All.Select(s => (JsonNode)JsonValue.Create(s))];
        }
    }

    /// <summary>
    /// A problem document has extension members (RFC 9457 §3.2): every one of ours carries
    /// <c>traceId</c>, a validation problem <c>errorCount</c> beside <c>errors</c>. The generator closes
    /// every object schema (strict JSON refuses unknown members in requests), which would call our own
    /// problem documents invalid; an independent conformance checker found it.
    /// </summary>
    private static void DescribeProblems(OpenApiSchema schema, Type type)
    {
        if (!typeof(Microsoft.AspNetCore.Mvc.ProblemDetails).IsAssignableFrom(type)) return;
        schema.AdditionalPropertiesAllowed = true;
        schema.AdditionalProperties = null;
        schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
        schema.Properties["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The W3C trace id of the request, for support." };
        if (type == typeof(HttpValidationProblemDetails))
            schema.Properties["errorCount"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Description = "How many errors the request had; 'errors' shows at most the first few." };
    }

    /// <summary>
    /// A nullable enum is described as <c>oneOf: [null, the enum]</c>; the enum itself must not also
    /// list null, or a null matches both and <c>oneOf</c> (exactly one) fails.
    /// </summary>
    private static void DropNullFromEnums(OpenApiSchema schema)
    {
        if (schema.Enum is { Count: > 0 } values && values.Any(v => v is null))
            schema.Enum = [.. values.Where(v => v is not null)];
    }

    /// <summary>429 and 503 always say when to retry.</summary>
    private static void DescribeRetryAfter(OpenApiOperation operation)
    {
        foreach (var status in new[] { "429", "503" })
        {
            if (operation.Responses?.TryGetValue(status, out var found) != true || found is not OpenApiResponse response) continue;
            response.Headers ??= new Dictionary<string, IOpenApiHeader>();
            response.Headers["Retry-After"] = new OpenApiHeader
            {
                Required = true,
                Description = "Seconds to wait before retrying.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "0" },
            };
        }
    }

    /// <summary>Path ids, paging and the few query values with a fixed vocabulary.</summary>
    private static void DescribeParameters(OpenApiOperation operation)
    {
        foreach (var parameter in operation.Parameters ?? [])
        {
            if (parameter is not OpenApiParameter { Schema: OpenApiSchema schema } p) continue;
            switch (p.Name)
            {
                case "goalId" or "reviewId" or "campaignId" or "departmentId" or "activityId" or "ruleId" or "subscriptionId":
                    schema.Pattern = InputLimits.IdPattern;
                    schema.MaxLength = Identifiers.MaxLength;
                    break;
                case "deliveryId":
                    schema.Pattern = SubscriptionEndpoints.DeliveryIdPattern;
                    schema.MaxLength = 128;
                    break;
                case "boardId":
                    schema.Pattern = "^(overview|campaign:[a-z0-9][a-z0-9-]{0,63}|department:[a-z0-9][a-z0-9-]{0,63})$";
                    break;
                case "sourceId":
                    schema.Pattern = SourceEndpoints.SourceIdPattern;
                    break;
                case "keyId" or "linkId":
                    schema.MaxLength = Identifiers.MaxLength;
                    break;
                case "email":
                    schema.MaxLength = Emails.MaxLength;
                    schema.Format = "email";
                    break;
                case "before":
                    schema.Minimum = "1";
                    break;
                case "entryId":
                    // A positive whole number in decimal digits (the feed's sequence), read as a 64-bit integer.
                    schema.Pattern = "^0*[1-9][0-9]{0,18}$";
                    break;
                case "state" when p.In == ParameterLocation.Query:
                    schema.Enum = [JsonValue.Create("open"), JsonValue.Create("acknowledged"), JsonValue.Create("resolved")];
                    break;
                case "limit":
                    schema.Minimum = "1";
                    schema.Maximum = InputLimits.MaxPage.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "resolution":
                    schema.Enum = [JsonValue.Create("minute"), JsonValue.Create("day")];
                    break;
                case "kind" when p.In == ParameterLocation.Query:
                    schema.Enum = [JsonValue.Create("checkIn"), JsonValue.Create("announcement"), JsonValue.Create("statusChange"), JsonValue.Create("alert")];
                    break;
                case "department" or "campaign" or "goal" when p.In == ParameterLocation.Query:
                    schema.Pattern = InputLimits.IdPattern;
                    schema.MaxLength = Identifiers.MaxLength;
                    break;
                case "at":
                    p.Required = true;
                    break;
                case "since" or "until":
                    schema.Format = "date-time";
                    break;
                case "action" when p.In == ParameterLocation.Query:
                    schema.Pattern = AuditEndpoints.ActionPattern;
                    schema.MaxLength = 64;
                    break;
                case "actor" when p.In == ParameterLocation.Query:
                    schema.Pattern = AuditEndpoints.ActorPattern;
                    schema.MaxLength = AuditEndpoints.MaxActorLength;
                    break;
            }
        }
    }
}

/// <summary>
/// Endpoint conventions that both enforce and document: the body limit with the problems a body can
/// cause, the success response's named schema, and the problems an operation can answer.
/// </summary>
public static class ApiDocumentation
{
    /// <summary>Operations that need an API key: a missing or unknown key, a key without the scope, a rate limit, an unreachable cluster.</summary>
    public static TBuilder Authenticated<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.Problems(401, 403, 429, 503);

    /// <summary>A JSON body of at most <paramref name="maxBytes"/>: malformed or invalid (400), too large (413), not JSON (415).</summary>
    public static RouteHandlerBuilder Reads(this RouteHandlerBuilder builder, long maxBytes = InputLimits.MaxCommandBodyBytes) =>
        builder.WithMetadata(new RequestSizeLimit(maxBytes)).Problems(400, 413, 415);

    /// <summary>A body read as raw bytes (a webhook's, whose signature covers its exact bytes) of at most <paramref name="maxBytes"/>: too large (413).</summary>
    public static RouteHandlerBuilder LimitsBody(this RouteHandlerBuilder builder, long maxBytes) =>
        builder.WithMetadata(new RequestSizeLimit(maxBytes)).Problems(413);

    public static RouteHandlerBuilder Answers<TResponse>(this RouteHandlerBuilder builder, int status = 200) =>
        builder.Produces<TResponse>(status);

    /// <summary>Problem documents this operation can answer; 400 carries the validation problem's <c>errors</c>.</summary>
    public static TBuilder Problems<TBuilder>(this TBuilder builder, params int[] statuses) where TBuilder : IEndpointConventionBuilder
    {
        foreach (var status in statuses)
        {
            var type = status == 400 ? typeof(HttpValidationProblemDetails) : typeof(Microsoft.AspNetCore.Mvc.ProblemDetails);
            builder.WithMetadata(new ProducesResponseTypeMetadata(status, type, [ApiInput.ProblemContentType]));
        }
        return builder;
    }

    private sealed class RequestSizeLimit(long maxBytes) : IRequestSizeLimitMetadata
    {
        public long? MaxRequestBodySize => maxBytes;
    }
}
