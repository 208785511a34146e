using System.Threading.RateLimiting;
using Orleans.Align.Gateway.Auth;

namespace Orleans.Align.Gateway.Limits;

/// <summary>
/// The gateway's global limiter (ASP.NET Core's rate limiting middleware runs it after
/// authentication). A request with a valid key takes a token from its key's bucket, then from its
/// organization's; one without takes a token from its remote address's bucket. Only the API and the
/// hub are limited; the web client's files and health checks never are.
/// </summary>
public sealed class RequestRateLimiter : PartitionedRateLimiter<HttpContext>
{
    private static readonly object LimitsItem = new(), RefusedItem = new(), SourceItem = new();

    private readonly RateLimitOptions _options;
    private readonly PartitionedRateLimiter<Bucket> _buckets = PartitionedRateLimiter.Create<Bucket, Bucket>(b => b.Partition());

    public RequestRateLimiter(RateLimitOptions options) => _options = options;

    public static bool IsLimited(PathString path) =>
        path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/hubs", StringComparison.OrdinalIgnoreCase);

    /// <summary>The caller's organization's limits, put on the request before the limiter runs.</summary>
    public static void SetOrganizationLimits(HttpContext http, EffectiveRateLimits limits) => http.Items[LimitsItem] = limits;

    public static EffectiveRateLimits? OrganizationLimitsOf(HttpContext http) => http.Items[LimitsItem] as EffectiveRateLimits;

    /// <summary>An anonymous delivery to a webhook source whose organization this gateway knows: limited as that source and organization.</summary>
    public static void SetWebhookSource(HttpContext http, string org, string sourceId) => http.Items[SourceItem] = (org, sourceId);

    private static (string Org, string Source)? WebhookSourceOf(HttpContext http) => http.Items[SourceItem] as (string, string)?;

    /// <summary>The bucket that refused the request, for the problem document.</summary>
    public static Bucket? RefusedBy(HttpContext http) => (http.Items[RefusedItem] as Refusal)?.Bucket;

    private sealed record Refusal(Bucket Bucket, RateLimitLease Lease);

    /// <summary>
    /// The buckets a request takes a token from, in order: its key's then its organization's, or its
    /// address's. Empty for what is not limited.
    /// </summary>
    public IEnumerable<Bucket> BucketsOf(HttpContext http)
    {
        if (!_options.Enabled || !IsLimited(http.Request.Path)) yield break;
        var user = http.User;
        if (user.Identity?.IsAuthenticated == true && user.FindFirst(AlignClaims.Org)?.Value is { } org)
        {
            var limits = OrganizationLimitsOf(http) ?? EffectiveRateLimits.Of(_options, OrganizationRateLimits.Defaults, 0);
            yield return new Bucket(Bucket.Key, $"{org}/{user.FindFirst(AlignClaims.KeyId)?.Value}", limits.RequestsPerSecondPerKey, limits.RequestBurstPerKey);
            yield return new Bucket(Bucket.Organization, org, limits.RequestsPerSecondPerOrganization, limits.RequestBurstPerOrganization);
        }
        else if (WebhookSourceOf(http) is var (sourceOrg, source))
        {
            // A tool's deliveries: per source (as a key) and per organization, never per address (one
            // tool's few addresses serve every organization that uses it).
            var limits = OrganizationLimitsOf(http) ?? EffectiveRateLimits.Of(_options, OrganizationRateLimits.Defaults, 0);
            yield return new Bucket(Bucket.Source, $"{sourceOrg}/{source}", limits.RequestsPerSecondPerKey, limits.RequestBurstPerKey);
            yield return new Bucket(Bucket.Organization, sourceOrg, limits.RequestsPerSecondPerOrganization, limits.RequestBurstPerOrganization);
        }
        else
        {
            var address = http.Connection.RemoteIpAddress is { } ip ? (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString() : "unknown";
            yield return new Bucket(Bucket.Address, address, _options.RequestsPerSecondPerAddress, _options.RequestBurstPerAddress);
        }
    }

    protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount)
    {
        // A refused request is refused once: the middleware asks again (AcquireAsync) after a refusal,
        // and that must not take a second token from the key's bucket.
        // (A token bucket's failed lease holds nothing, so handing out the same one again is safe.)
        if (resource.Items[RefusedItem] is Refusal refusal) return refusal.Lease;
        RateLimitLease? taken = null;
        foreach (var bucket in BucketsOf(resource))
        {
            var lease = _buckets.AttemptAcquire(bucket, permitCount);
            if (!lease.IsAcquired)
            {
                // Token bucket leases hold nothing: the key's token stays spent, as the request was made.
                taken?.Dispose();
                resource.Items[RefusedItem] = new Refusal(bucket, lease);
                return lease;
            }
            taken?.Dispose();
            taken = lease;
        }
        return taken ?? Admitted.Instance;
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext resource, int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(resource, permitCount));

    public override RateLimiterStatistics? GetStatistics(HttpContext resource) => null;

    protected override void Dispose(bool disposing)
    {
        if (disposing) _buckets.Dispose();
        base.Dispose(disposing);
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await _buckets.DisposeAsync();
        await base.DisposeAsyncCore();
    }

    private sealed class Admitted : RateLimitLease
    {
        public static readonly Admitted Instance = new();
        public override bool IsAcquired => true;
        public override IEnumerable<string> MetadataNames => [];
        public override bool TryGetMetadata(string metadataName, out object? metadata) => (metadata = null) is not null;
    }
}
