using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Orleans.Align.Gateway.Auth;

namespace Orleans.Align.Gateway.Limits;

/// <summary>Rate limits per key, per organization and per address (requests/s), and per organization (events/s).</summary>
public static class RateLimitHosting
{
    private const string EventsPath = "/api/v1/events", EventsImportPath = "/api/v1/events/import";

    public static IServiceCollection AddAlignRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RateLimitOptions>, RateLimitOptionsValidation>();
        services.AddSingleton<OrganizationLimitsCache>();
        services.AddSingleton<EventRateLimiter>();
        services.AddSingleton(sp => new RequestRateLimiter(sp.GetRequiredService<IOptions<RateLimitOptions>>().Value));
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<RequestRateLimiter>((o, limiter) =>
        {
            o.GlobalLimiter = limiter;
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = (context, _) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
                var refusedBy = RequestRateLimiter.RefusedBy(context.HttpContext);
                var detail = refusedBy?.Describe("requests") ?? "Too many requests.";
                return RateLimitProblems.WriteAsync(context.HttpContext, retryAfter, detail, refusedBy?.Scope ?? "unknown", "requests");
            };
        });
        return services;
    }

    /// <summary>
    /// After authentication (the buckets are the key's and its organization's, from the claims), before
    /// authorization: the caller's organization's limits are looked up (cached), then the limiter runs.
    /// </summary>
    public static WebApplication UseAlignRateLimits(this WebApplication app)
    {
        var cache = app.Services.GetRequiredService<OrganizationLimitsCache>();
        var sources = app.Services.GetRequiredService<Api.SourceOrganizations>();
        var options = app.Services.GetRequiredService<IOptions<RateLimitOptions>>().Value;
        app.Use(async (http, next) =>
        {
            if (options.Enabled && RequestRateLimiter.IsLimited(http.Request.Path) && http.User.Identity?.IsAuthenticated == true
                && http.User.FindFirst(AlignClaims.Org)?.Value is { } org)
            {
                RequestRateLimiter.SetOrganizationLimits(http, await cache.GetAsync(org));
            }
            else if (options.Enabled && http.User.Identity?.IsAuthenticated != true && WebhookSourceId(http) is { } sourceId
                && sources.TryGetCached(sourceId, out var sourceOrg) && sourceOrg is not null)
            {
                RequestRateLimiter.SetWebhookSource(http, sourceOrg, sourceId);
                RequestRateLimiter.SetOrganizationLimits(http, await cache.GetAsync(sourceOrg));
            }
            await next(http);
        });
        app.UseRateLimiter();

        // An organization with no event left has its next batch refused before the body is read.
        var events = app.Services.GetRequiredService<EventRateLimiter>();
        app.Use(async (http, next) =>
        {
            if (HttpMethods.IsPost(http.Request.Method)
                && (http.Request.Path.Equals(EventsPath, StringComparison.OrdinalIgnoreCase) || http.Request.Path.Equals(EventsImportPath, StringComparison.OrdinalIgnoreCase))
                && http.User.FindFirst(AlignClaims.Org)?.Value is { } org && RequestRateLimiter.OrganizationLimitsOf(http) is { } limits
                && events.IsExhausted(org, limits))
            {
                var bucket = EventRateLimiter.BucketOf(org, limits);
                await RateLimitProblems.WriteAsync(http, TimeSpan.FromSeconds(1.0 / bucket.PerSecond), bucket.Describe("events"), bucket.Scope, "events");
                return;
            }
            await next(http);
        });
        return app;
    }

    /// <summary>The source id of <c>POST /api/v1/sources/{id}/webhook</c>, or null for any other request.</summary>
    public static string? WebhookSourceId(HttpContext http)
    {
        if (!HttpMethods.IsPost(http.Request.Method)) return null;
        var path = http.Request.Path.Value;
        const string Prefix = "/api/v1/sources/", Suffix = "/webhook";
        if (path is null || !path.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) || !path.EndsWith(Suffix, StringComparison.OrdinalIgnoreCase)) return null;
        var id = path[Prefix.Length..^Suffix.Length];
        return Api.SourceEndpoints.IsSourceId(id) ? id : null;
    }

    /// <summary>The events/s check of the ingest endpoint; see <see cref="EventRateLimiter"/>.</summary>
    public static RouteHandlerBuilder LimitsEventRate(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter(EventRateLimiter.Filter);
}

/// <summary>Names every wrong setting at start, with its value.</summary>
internal sealed class RateLimitOptionsValidation : IValidateOptions<RateLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, RateLimitOptions options) =>
        options.Validate().ToList() is { Count: > 0 } errors ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;
}
