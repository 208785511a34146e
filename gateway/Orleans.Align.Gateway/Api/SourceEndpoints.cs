using System.Security.Cryptography;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Orleans.Align.Gateway.Auth;
using Orleans.Align.Gateway.Hosting;
using Orleans.Align.Grains;
using Orleans.Align.Sources;

namespace Orleans.Align.Gateway.Api;

/// <summary>
/// Inbound webhook sources: an organization's admins define them (<see cref="AlignAction.ManageIntegrations"/>);
/// the tools post to <c>/api/v1/sources/{id}/webhook</c> with no API key, the signature being the
/// credential. Source ids are random (<c>src-</c> and 20 base32 characters) and globally unique, so the
/// URL names no organization: the gateway resolves it through <see cref="ISourceDirectoryGrain"/>.
/// </summary>
public static class SourceEndpoints
{
    public const int MaxRules = 50, MaxWhere = 10, MaxPointerLength = 200, MaxEventTypeLength = 128, MinSecretLength = 8, MaxSecretLength = 512;
    public const string PointerPattern = "^/[^\\u0000-\\u001f]*$";
    public const string SourceIdPattern = "^src-[a-z2-7]{20}$";
    public const string WebhookRoute = "/{sourceId}/webhook";

    /// <summary>The headers a source's scheme reads (signatures, delivery ids, topics, timestamps); nothing else reaches the grain.</summary>
    private static readonly string[] WebhookHeaders =
    [
        "x-hubspot-signature-v3", "x-hubspot-request-timestamp",
        "x-shopify-hmac-sha256", "x-shopify-topic", "x-shopify-webhook-id", "x-shopify-event-id", "x-shopify-triggered-at",
        "stripe-signature",
        "webhook-id", "webhook-timestamp", "webhook-signature",
    ];

    public static void MapSources(this RouteGroupBuilder api, GatewayOptions options)
    {
        var sources = api.MapGroup("/sources").WithTags("Sources");
        sources.MapPost("", CreateAsync).Requires(AlignAction.ManageIntegrations).Authenticated().Reads().Answers<SourceCreatedResponse>(201).Problems(409);
        sources.MapGet("", ListAsync).Requires(AlignAction.ManageIntegrations).Authenticated().Answers<List<SourceView>>();
        sources.MapGet("/{sourceId}", GetAsync).Requires(AlignAction.ManageIntegrations).Authenticated().Answers<SourceView>().Problems(404);
        sources.MapPut("/{sourceId}", ChangeAsync).Requires(AlignAction.ManageIntegrations).Authenticated().Reads().Answers<SourceView>().Problems(404);
        sources.MapDelete("/{sourceId}", DeleteAsync).Requires(AlignAction.ManageIntegrations).Authenticated().Produces(204).Problems(404);
        sources.MapPost("/{sourceId}/secret", RotateAsync).Requires(AlignAction.ManageIntegrations).Authenticated().Reads().Answers<SourceSecretResponse>().Problems(404);
        sources.MapGet("/{sourceId}/failures", FailuresAsync).Requires(AlignAction.ManageIntegrations).Authenticated().Answers<List<SourceFailure>>().Problems(404);
        sources.MapPost(WebhookRoute, ReceiveAsync).AllowAnonymous()
            .WithSummary("A tool's webhook delivery (no API key: the tool's signature is the credential)")
            .WithDescription("The body is the tool's own JSON payload, read as raw bytes (the signature covers them exactly), so the document " +
                "states no schema for it. Headers by scheme: X-HubSpot-Signature-v3 and X-HubSpot-Request-Timestamp; X-Shopify-Hmac-Sha256, " +
                "X-Shopify-Topic and X-Shopify-Webhook-Id; Stripe-Signature; webhook-id, webhook-timestamp and webhook-signature. " +
                "401: the signature is missing, wrong or outside the replay window (counted on the source). 422: the payload does not map " +
                "(listed in the source's failures). 200 with outcome 'ignored': no rule of the source counts the event's type.")
            .LimitsBody(options.MaxRequestBytes)
            // Anonymous like sign-in, and documented like it: 403 is never answered here (no role is checked).
            .Answers<WebhookReceipt>().Problems(401, 403, 404, 422, 429, 503);
    }

    private static ISourceGrain Source(HttpContext http, IClusterClient cluster, string sourceId) =>
        cluster.GetGrain<ISourceGrain>(GrainKeys.For(http.User.OrgId(), sourceId));

    public static bool IsSourceId(string? value) =>
        value is { Length: 24 } && value.StartsWith("src-", StringComparison.Ordinal) && value.AsSpan(4).IndexOfAnyExcept("abcdefghijklmnopqrstuvwxyz234567") < 0;

    /// <summary>A new source id: <c>src-</c> and 100 random bits in lower-case base32.</summary>
    public static string NewSourceId()
    {
        const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        Span<char> id = stackalloc char[24];
        "src-".CopyTo(id);
        for (var i = 4; i < id.Length; i++) id[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        return new string(id);
    }

    private static IResult NotFound(string sourceId) => CatalogueEndpoints.NotFound($"Source {InputLimits.Echo(sourceId)} does not exist.");

    private static async Task<IResult> CreateAsync(CreateSourceRequest request, HttpContext http, IClusterClient cluster)
    {
        var v = new Validation();
        var name = v.Text("name", request.Name, InputLimits.MaxNameLength);
        if (request.Scheme is not { } scheme)
        {
            v.Add("scheme", "is required: hubspot, shopify, stripe or standard-webhooks.");
            return v.Problem();
        }
        var mapping = ValidateMapping(v, scheme, request.Mapping);
        var (secret, generated) = ValidateSecret(v, scheme, request.Secret);
        if (!v.IsValid) return v.Problem();

        var org = http.User.OrgId();
        var id = NewSourceId();
        if (!await cluster.GetGrain<ISourceListGrain>(org).AddAsync(id))
            throw AlignException.Conflict($"An organization has at most {SourcePresets.MaxSources} sources; delete one first.");
        var view = await cluster.GetGrain<ISourceGrain>(GrainKeys.For(org, id)).DefineAsync(new SourceDefinition(id, name!, scheme, mapping!), secret!);
        await cluster.GetGrain<ISourceDirectoryGrain>(id).RegisterAsync(org);
        return TypedResults.Created($"/api/v1/sources/{id}", new SourceCreatedResponse(view, generated ? secret : null));
    }

    private static async Task<IResult> ListAsync(HttpContext http, IClusterClient cluster)
    {
        var ids = await cluster.GetGrain<ISourceListGrain>(http.User.OrgId()).ListAsync();
        var views = await Task.WhenAll(ids.Select(id => Source(http, cluster, id).GetAsync()));
        return TypedResults.Ok(views.OfType<SourceView>().ToList());
    }

    private static async Task<IResult> GetAsync(string sourceId, HttpContext http, IClusterClient cluster)
    {
        if (!IsSourceId(sourceId)) return NotFound(sourceId);
        return await Source(http, cluster, sourceId).GetAsync() is { } view ? TypedResults.Ok(view) : NotFound(sourceId);
    }

    private static async Task<IResult> ChangeAsync(string sourceId, ChangeSourceRequest request, HttpContext http, IClusterClient cluster)
    {
        if (!IsSourceId(sourceId)) return NotFound(sourceId);
        var grain = Source(http, cluster, sourceId);
        if (await grain.GetAsync() is not { } current) return NotFound(sourceId);
        var v = new Validation();
        var name = v.Text("name", request.Name, InputLimits.MaxNameLength);
        var mapping = ValidateMapping(v, current.Scheme, request.Mapping);
        if (!v.IsValid) return v.Problem();
        return await grain.ChangeAsync(name!, mapping!) is { } view ? TypedResults.Ok(view) : NotFound(sourceId);
    }

    private static async Task<IResult> DeleteAsync(string sourceId, HttpContext http, IClusterClient cluster, SourceOrganizations organizations)
    {
        if (!IsSourceId(sourceId)) return NotFound(sourceId);
        var org = http.User.OrgId();
        if (!await Source(http, cluster, sourceId).DeleteAsync()) return NotFound(sourceId);
        await cluster.GetGrain<ISourceDirectoryGrain>(sourceId).UnregisterAsync(org);
        await cluster.GetGrain<ISourceListGrain>(org).RemoveAsync(sourceId);
        organizations.Forget(sourceId);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> RotateAsync(string sourceId, RotateSourceSecretRequest request, HttpContext http, IClusterClient cluster)
    {
        if (!IsSourceId(sourceId)) return NotFound(sourceId);
        var grain = Source(http, cluster, sourceId);
        if (await grain.GetAsync() is not { } current) return NotFound(sourceId);
        var v = new Validation();
        var (secret, generated) = ValidateSecret(v, current.Scheme, request.Secret);
        if (!v.IsValid) return v.Problem();
        if (!await grain.RotateSecretAsync(secret!)) return NotFound(sourceId);
        var view = await grain.GetAsync();
        return TypedResults.Ok(new SourceSecretResponse(sourceId, view?.SecretSetAt ?? DateTimeOffset.UtcNow, generated ? secret : null));
    }

    private static async Task<IResult> FailuresAsync(string sourceId, HttpContext http, IClusterClient cluster)
    {
        if (!IsSourceId(sourceId)) return NotFound(sourceId);
        return await Source(http, cluster, sourceId).GetFailuresAsync() is { } failures ? TypedResults.Ok(failures) : NotFound(sourceId);
    }

    /// <summary>
    /// A tool's delivery. Unknown sources and bad signatures get the same kind of answer as any
    /// anonymous caller (404 and 401 problems that name nothing of the organization). The whole body
    /// is read (up to the gateway's request limit) because the signature covers its exact bytes.
    /// </summary>
    private static async Task<IResult> ReceiveAsync(string sourceId, HttpContext http, IClusterClient cluster, SourceOrganizations organizations,
        IOptions<GatewayOptions> options)
    {
        if (!IsSourceId(sourceId)) return NotFound(sourceId);
        if (await organizations.FindAsync(sourceId) is not { } org) return NotFound(sourceId);

        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in WebhookHeaders)
        {
            if (http.Request.Headers.TryGetValue(name, out var value) && value.Count > 0 && value.ToString() is { Length: > 0 and <= 4096 } text)
                headers[name] = text;
        }
        var delivery = new WebhookDelivery(http.Request.Method, PublicUrl(http, options.Value), headers, buffer.ToArray());

        WebhookOutcome outcome;
        try
        {
            // The source's grain appends to the log: bounded like ingest, plus the signature and mapping work.
            outcome = await cluster.GetGrain<ISourceGrain>(GrainKeys.For(org, sourceId)).ReceiveAsync(delivery)
                .WaitAsync(options.Value.IngestTimeout + TimeSpan.FromSeconds(2), http.RequestAborted);
        }
        catch (TimeoutException)
        {
            throw new AlignException(AlignErrorKind.Unavailable, "The event log did not acknowledge in time; nothing is acknowledged. The tool's retry counts once.");
        }
        return outcome.Kind switch
        {
            WebhookOutcomeKind.Accepted => TypedResults.Ok(new WebhookReceipt("accepted", outcome.Accepted, outcome.Duplicates, outcome.Ignored, null)),
            WebhookOutcomeKind.Ignored => TypedResults.Ok(new WebhookReceipt("ignored", 0, 0, outcome.Ignored, outcome.Detail)),
            WebhookOutcomeKind.BadSignature => TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Signature not valid",
                detail: $"{outcome.Detail} Nothing was stored."),
            WebhookOutcomeKind.Unmapped => TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "The payload does not map to events",
                detail: $"{outcome.Detail} Nothing was counted; the delivery is listed in the source's failures."),
            _ => NotFound(sourceId),
        };
    }

    /// <summary>The URL the tool called: the configured public base (behind a proxy) with the request's path and query, or the request's own.</summary>
    public static string PublicUrl(HttpContext http, GatewayOptions options)
    {
        var request = http.Request;
        var pathAndQuery = $"{request.PathBase}{request.Path}{request.QueryString}";
        return string.IsNullOrWhiteSpace(options.PublicBaseUrl)
            ? $"{request.Scheme}://{request.Host}{pathAndQuery}"
            : options.PublicBaseUrl.TrimEnd('/') + pathAndQuery;
    }

    /// <summary>The secret as given or generated (Standard Webhooks); refusals added to <paramref name="v"/>.</summary>
    private static (string? Secret, bool Generated) ValidateSecret(Validation v, SourceScheme scheme, string? secret)
    {
        if (secret is null)
        {
            if (SourcePresets.GeneratesSecret(scheme)) return (WebhookSignatures.NewStandardWebhooksSecret(), true);
            v.Add("secret", $"is required for {SourcePresets.Name(scheme)}: the tool's own signing secret (the app's client secret, the app secret, or the endpoint's whsec_ secret).");
            return (null, false);
        }
        if (secret.Length is < MinSecretLength or > MaxSecretLength || secret.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
            v.Add("secret", $"must be {MinSecretLength} to {MaxSecretLength} characters without spaces or control characters.");
        else if (scheme == SourceScheme.StandardWebhooks && WebhookSignatures.StandardWebhooksKey(secret) is null)
            v.Add("secret", "must be a Standard Webhooks secret: whsec_ followed by the Base64 of at least 16 bytes (or omit it to have one generated).");
        else if (scheme == SourceScheme.Stripe && !secret.StartsWith("whsec_", StringComparison.Ordinal))
            v.Add("secret", "must be the Stripe endpoint's signing secret (whsec_...).");
        return (secret, false);
    }

    /// <summary>The preset's mapping with the request's overrides, or null with the refusals added to <paramref name="v"/>.</summary>
    internal static SourceMapping? ValidateMapping(Validation v, SourceScheme scheme, SourceMappingRequest? request)
    {
        var rules = new List<SourceRule>();
        if (request?.Rules is { } list && v.Count("mapping.rules", list, MaxRules))
        {
            var seen = new HashSet<(string, string)>();
            for (var i = 0; i < list.Count; i++)
            {
                var field = $"mapping.rules[{i}]";
                if (list[i] is not { } r)
                {
                    v.Add(field, "must be an object.");
                    continue;
                }
                var when = v.Text($"{field}.when", r.When, MaxEventTypeLength);
                if (!InputLimits.IsMetricKey(r.Metric)) v.Add($"{field}.metric", r.Metric is null ? "is required." : $"must be {MetricKeys.Rule}.");
                if (r.Value is { } value && (!double.IsFinite(value) || Math.Abs(value) > EventValidation.MaxAbsoluteValue))
                    v.Add($"{field}.value", "must be a finite number (at most 1e12 in size).");
                if (r.Value is not null && r.ValueField is not null) v.Add($"{field}.valueField", "and value exclude each other: a fixed value, or a field's.");
                Pointer(v, $"{field}.valueField", r.ValueField);
                Pointer(v, $"{field}.currencyField", r.CurrencyField);
                if (r.CurrencyField is not null && r.ValueField is null) v.Add($"{field}.currencyField", "needs valueField: it says the value is in that currency's minor units.");
                var where = new Dictionary<string, string>(StringComparer.Ordinal);
                if (r.Where is { } conditions)
                {
                    if (conditions.Count > MaxWhere) v.Add($"{field}.where", $"must have at most {MaxWhere} conditions.");
                    else
                    {
                        foreach (var (pointer, expected) in conditions)
                        {
                            if (!SourcePresets.IsPointer(pointer)) v.Add($"{field}.where", $"keys must be JSON pointers ('/propertyName'); {InputLimits.Echo(pointer)} is not.");
                            else if (expected is null || expected.Length > MaxEventTypeLength) v.Add($"{field}.where", $"the value of {InputLimits.Echo(pointer)} must be a string of at most {MaxEventTypeLength} characters.");
                            else where[pointer] = expected;
                        }
                    }
                }
                if (when is not null && r.Metric is not null && !seen.Add((when, r.Metric)))
                    v.Add(field, $"counts '{when}' as {r.Metric} a second time: one rule per event type and metric (the metric is part of the event id).");
                if (v.IsValid)
                    rules.Add(new SourceRule(when!, r.Metric!, r.ValueField is null ? r.Value ?? 1 : null, r.ValueField, where.Count > 0 ? where : null, r.CurrencyField));
            }
        }
        if (scheme == SourceScheme.StandardWebhooks && rules.Count == 0 && v.IsValid)
            v.Add("mapping.rules", "are required for standard-webhooks: which event types count, as which metric and value.");
        if (request?.TypeField is not null && scheme != SourceScheme.StandardWebhooks)
            v.Add("mapping.typeField", "is for standard-webhooks only: the presets know where their tool puts the event type.");
        Pointer(v, "mapping.typeField", request?.TypeField);
        Pointer(v, "mapping.timestampField", request?.TimestampField);
        Pointer(v, "mapping.campaignField", request?.CampaignField);
        Pointer(v, "mapping.departmentField", request?.DepartmentField);
        v.OptionalId("mapping.campaign", request?.Campaign);
        v.OptionalId("mapping.department", request?.Department);
        if (request?.Campaign is not null && request.CampaignField is not null) v.Add("mapping.campaignField", "and campaign exclude each other.");
        if (request?.Department is not null && request.DepartmentField is not null) v.Add("mapping.departmentField", "and department exclude each other.");
        if (!v.IsValid) return null;
        var overrides = request is null ? null
            : new SourceMapping(rules, request.TypeField, request.TimestampField, request.Campaign, request.CampaignField, request.Department, request.DepartmentField);
        return SourcePresets.Effective(scheme, overrides);
    }

    private static void Pointer(Validation v, string field, string? value)
    {
        if (value is not null && !SourcePresets.IsPointer(value)) v.Add(field, "must be a JSON pointer (RFC 6901) such as '/data/object/amount_total', at most 200 characters.");
    }
}

/// <summary>
/// Which organization a source id belongs to, as this gateway last read it from the directory
/// (kept for a few minutes: a source is never moved, and a deleted one is refused by its grain).
/// The rate limiter uses what is cached to put a source's deliveries in its own and its
/// organization's buckets; an id not cached yet is limited per address like any anonymous caller.
/// </summary>
public sealed class SourceOrganizations(IClusterClient cluster, IMemoryCache cache)
{
    private static readonly TimeSpan Keep = TimeSpan.FromMinutes(5);

    public bool TryGetCached(string sourceId, out string? org) => cache.TryGetValue(Key(sourceId), out org);

    public async Task<string?> FindAsync(string sourceId)
    {
        if (cache.TryGetValue(Key(sourceId), out string? org)) return org;
        org = await cluster.GetGrain<ISourceDirectoryGrain>(sourceId).FindAsync();
        if (org is not null) cache.Set(Key(sourceId), org, Keep);
        return org;
    }

    public void Forget(string sourceId) => cache.Remove(Key(sourceId));

    private static string Key(string sourceId) => "source-org:" + sourceId;
}
