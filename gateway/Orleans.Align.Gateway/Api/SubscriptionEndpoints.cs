using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Orleans.Align.Gateway.Auth;
using Orleans.Align.Grains;

namespace Orleans.Align.Gateway.Api;

/// <summary>
/// Outbound subscriptions: the organization's feed entries sent to a URL (Standard Webhooks, Slack or
/// Teams), from a durable outbox, with a delivery log per subscription. Admins only (the URL and the
/// secret are credentials). A URL whose host is a non-public address is refused with 422 (unless the
/// silos' configuration allows it); names are checked again on every connection.
/// </summary>
public static partial class SubscriptionEndpoints
{
    public const int MaxUrlLength = 2048;
    public const string DeliveryIdPattern = "^[a-z0-9_-]{1,128}$";

    public static void MapSubscriptions(this RouteGroupBuilder api)
    {
        var subscriptions = api.MapGroup("/subscriptions").WithTags("Subscriptions").Requires(AlignAction.ManageIntegrations).Authenticated();
        subscriptions.MapPost("", CreateAsync).Reads().Answers<CreatedSubscriptionResponse>(201).Problems(409, 422);
        subscriptions.MapGet("", (HttpContext http, IClusterClient cluster) => Subscriptions(http, cluster).ListAsync()).Answers<IReadOnlyList<Subscription>>();
        subscriptions.MapGet("/{subscriptionId}", GetAsync).Answers<Subscription>().Problems(404);
        subscriptions.MapPut("/{subscriptionId}", UpdateAsync).Reads().Answers<Subscription>().Problems(404, 422);
        subscriptions.MapDelete("/{subscriptionId}", DeleteAsync).Produces(204).Problems(404);
        subscriptions.MapPost("/{subscriptionId}/rotate-secret", RotateSecretAsync).Answers<SubscriptionSecretResponse>().Problems(404);
        subscriptions.MapGet("/{subscriptionId}/deliveries", DeliveriesAsync).Answers<IReadOnlyList<Delivery>>().Problems(404);
        subscriptions.MapPost("/{subscriptionId}/deliveries/{deliveryId}/retry", RetryAsync).Answers<Delivery>().Problems(404, 409);
    }

    private static ISubscriptionsGrain Subscriptions(HttpContext http, IClusterClient cluster) => cluster.GetGrain<ISubscriptionsGrain>(http.User.OrgId());

    private static ISubscriptionDeliveryGrain Deliveries(HttpContext http, IClusterClient cluster, string subscriptionId) =>
        cluster.GetGrain<ISubscriptionDeliveryGrain>(GrainKeys.For(http.User.OrgId(), subscriptionId));

    private static async Task<IResult> CreateAsync(SubscriptionRequest request, HttpContext http, IClusterClient cluster)
    {
        var (v, draft) = Validate(request);
        if (draft is null) return v.Problem();
        var result = await Subscriptions(http, cluster).CreateAsync(draft);
        if (result.UrlRefused is { } refused) return UrlRefused(refused);
        var s = result.Subscription!;
        return TypedResults.Created($"/api/v1/subscriptions/{s.Id}", new CreatedSubscriptionResponse(s.Id, s.Name, s.Url, s.Format, s.Filter, s.Enabled, s.CreatedAt, result.Secret!));
    }

    private static async Task<IResult> GetAsync(string subscriptionId, HttpContext http, IClusterClient cluster)
    {
        if (!InputLimits.IsId(subscriptionId)) return NotFound(subscriptionId);
        return await Subscriptions(http, cluster).GetAsync(subscriptionId) is { } s ? TypedResults.Ok(s) : NotFound(subscriptionId);
    }

    private static async Task<IResult> UpdateAsync(string subscriptionId, SubscriptionRequest request, HttpContext http, IClusterClient cluster)
    {
        if (!InputLimits.IsId(subscriptionId)) return NotFound(subscriptionId);
        var (v, draft) = Validate(request);
        if (draft is null) return v.Problem();
        var result = await Subscriptions(http, cluster).UpdateAsync(subscriptionId, draft);
        if (result.UrlRefused is { } refused) return UrlRefused(refused);
        return result.Subscription is { } s ? TypedResults.Ok(s) : NotFound(subscriptionId);
    }

    private static async Task<IResult> DeleteAsync(string subscriptionId, HttpContext http, IClusterClient cluster)
    {
        if (!InputLimits.IsId(subscriptionId)) return NotFound(subscriptionId);
        return await Subscriptions(http, cluster).DeleteAsync(subscriptionId) ? TypedResults.NoContent() : NotFound(subscriptionId);
    }

    private static async Task<IResult> RotateSecretAsync(string subscriptionId, HttpContext http, IClusterClient cluster)
    {
        if (!InputLimits.IsId(subscriptionId)) return NotFound(subscriptionId);
        return await Subscriptions(http, cluster).RotateSecretAsync(subscriptionId) is { } secret
            ? TypedResults.Ok(new SubscriptionSecretResponse(subscriptionId, secret))
            : NotFound(subscriptionId);
    }

    private static async Task<IResult> DeliveriesAsync(string subscriptionId, HttpContext http, IClusterClient cluster)
    {
        // The organization's own subscription only: the delivery grain of an id it does not have is never asked.
        if (!InputLimits.IsId(subscriptionId) || await Subscriptions(http, cluster).GetAsync(subscriptionId) is null) return NotFound(subscriptionId);
        return TypedResults.Ok(await Deliveries(http, cluster, subscriptionId).ListAsync());
    }

    private static async Task<IResult> RetryAsync(string subscriptionId, string deliveryId, HttpContext http, IClusterClient cluster)
    {
        if (!InputLimits.IsId(subscriptionId) || await Subscriptions(http, cluster).GetAsync(subscriptionId) is null) return NotFound(subscriptionId);
        var missing = CatalogueEndpoints.NotFound($"Subscription {subscriptionId} has no delivery {InputLimits.Echo(deliveryId)} in its log.");
        if (!DeliveryId().IsMatch(deliveryId)) return missing;
        return await Deliveries(http, cluster, subscriptionId).RetryAsync(deliveryId) is { } delivery ? TypedResults.Ok(delivery) : missing;
    }

    private static IResult NotFound(string subscriptionId) => CatalogueEndpoints.NotFound($"Subscription {InputLimits.Echo(subscriptionId)} does not exist.");

    private static IResult UrlRefused(string reason) => TypedResults.Problem(statusCode: 422, title: "The URL is refused", detail: "url " + reason);

    /// <summary>The subscription the request describes, or the refusal.</summary>
    internal static (Validation Validation, SubscriptionDraft? Draft) Validate(SubscriptionRequest request)
    {
        var v = new Validation();
        var name = v.Text("name", request.Name, InputLimits.MaxShortNameLength);
        if (string.IsNullOrEmpty(request.Url)) v.Add("url", "is required.");
        else if (request.Url.Length > MaxUrlLength) v.Add("url", $"must be at most {MaxUrlLength} characters.");
        else if (!Uri.TryCreate(request.Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
            v.Add("url", "must be an absolute http(s) URL.");
        if (request.Format is not { } format) v.Add("format", "is required: standardWebhooks, slack or teams.");
        var filter = request.Filter;
        var kinds = new List<FeedKind>();
        if (v.Count("filter.kinds", filter?.Kinds, 4)) kinds.AddRange(filter!.Kinds!.Distinct());
        var departments = v.Ids("filter.departments", filter?.Departments);
        var campaigns = v.Ids("filter.campaigns", filter?.Campaigns);
        var goals = v.Ids("filter.goals", filter?.Goals);
        if (!v.IsValid) return (v, null);
        return (v, new SubscriptionDraft(name!, request.Url!, request.Format!.Value,
            new SubscriptionFilter(kinds, departments, campaigns, goals), request.Enabled ?? true));
    }

    [GeneratedRegex(DeliveryIdPattern, RegexOptions.CultureInvariant)]
    private static partial Regex DeliveryId();
}

/// <summary>
/// A subscription: <c>url</c> (https; http and non-public addresses only where the operator allows them),
/// <c>format</c> (<c>standardWebhooks</c>, <c>slack</c>, <c>teams</c>), and an optional <c>filter</c>;
/// <c>enabled</c> defaults to true.
/// </summary>
public sealed record SubscriptionRequest(
    [property: Required, StringLength(InputLimits.MaxShortNameLength, MinimumLength = 1)] string? Name,
    [property: Required, StringLength(SubscriptionEndpoints.MaxUrlLength, MinimumLength = 1)] string? Url,
    [property: Required] SubscriptionFormat? Format,
    SubscriptionFilterRequest? Filter,
    bool? Enabled);

/// <summary>Which entries: each list narrows (empty or absent: any); an entry must pass every list given.</summary>
public sealed record SubscriptionFilterRequest(
    [property: MaxLength(4)] List<FeedKind>? Kinds,
    [property: MaxLength(InputLimits.MaxIdsPerList)] List<string?>? Departments,
    [property: MaxLength(InputLimits.MaxIdsPerList)] List<string?>? Campaigns,
    [property: MaxLength(InputLimits.MaxIdsPerList)] List<string?>? Goals);

/// <summary>The new subscription and its signing <c>secret</c> (<c>whsec_...</c>), shown this once.</summary>
public sealed record CreatedSubscriptionResponse(
    string Id, string Name, string Url, SubscriptionFormat Format, SubscriptionFilter Filter, bool Enabled, DateTimeOffset CreatedAt, string Secret);

/// <summary>The subscription's new signing secret, shown this once; the old one no longer signs.</summary>
public sealed record SubscriptionSecretResponse(string Id, string Secret);
