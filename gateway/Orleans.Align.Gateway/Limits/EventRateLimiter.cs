using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Orleans.Align.Gateway.Api;
using Orleans.Align.Gateway.Auth;

namespace Orleans.Align.Gateway.Limits;

/// <summary>
/// Events/s per organization. The request limiter sees requests, not what is in them, so this bucket
/// is taken in the ingest endpoint once the body is parsed: a batch takes as many tokens as it has
/// events, all or none. A refused batch takes none and reaches no grain, so nothing of it is counted.
/// </summary>
public sealed class EventRateLimiter(IOptions<RateLimitOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<Bucket> _buckets = PartitionedRateLimiter.Create<Bucket, Bucket>(b => b.Partition());

    /// <summary>Null when the batch may go on; otherwise the bucket that refused it and when to retry.</summary>
    public (Bucket Bucket, TimeSpan RetryAfter)? TryAdmit(string orgId, EffectiveRateLimits limits, int events)
    {
        // An empty or oversized batch is the validation's to refuse; it never reaches the log.
        if (!options.Value.Enabled || events <= 0 || events > limits.EventBurstPerOrganization) return null;
        var bucket = BucketOf(orgId, limits);
        using var lease = _buckets.AttemptAcquire(bucket, events);
        if (lease.IsAcquired) return null;
        return (bucket, lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1));
    }

    /// <summary>
    /// True when the organization has not one event left: its next batch would be refused whatever its
    /// size, so it can be refused before its body is read (a flood that ignores Retry-After then costs
    /// the gateway no parsing).
    /// </summary>
    public bool IsExhausted(string orgId, EffectiveRateLimits limits)
    {
        if (!options.Value.Enabled) return false;
        return _buckets.GetStatistics(BucketOf(orgId, limits)) is { CurrentAvailablePermits: < 1 };
    }

    public static Bucket BucketOf(string orgId, EffectiveRateLimits limits) =>
        new(Bucket.Organization, orgId, limits.EventsPerSecondPerOrganization, limits.EventBurstPerOrganization);

    /// <summary>The endpoint filter of <c>POST /api/v1/events</c>: runs after binding, before validation and the grain.</summary>
    public static async ValueTask<object?> Filter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var request = context.Arguments.OfType<IngestRequest>().FirstOrDefault();
        if (request?.Events is { Count: > 0 } events && http.User.FindFirst(AlignClaims.Org)?.Value is { } org)
        {
            var limiter = http.RequestServices.GetRequiredService<EventRateLimiter>();
            var limits = RequestRateLimiter.OrganizationLimitsOf(http)
                ?? await http.RequestServices.GetRequiredService<OrganizationLimitsCache>().GetAsync(org);
            if (limiter.TryAdmit(org, limits, events.Count) is { } refused)
                return RateLimitProblems.TooManyRequests(http, refused.RetryAfter, refused.Bucket.Describe("events"), refused.Bucket.Scope, "events");
        }
        return await next(context);
    }

    public void Dispose() => _buckets.Dispose();
}
