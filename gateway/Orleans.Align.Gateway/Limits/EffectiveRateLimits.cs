using System.Threading.RateLimiting;

namespace Orleans.Align.Gateway.Limits;

/// <summary>The limits a gateway enforces for one organization: its overrides over the configured defaults.</summary>
public sealed record EffectiveRateLimits(
    int RequestsPerSecondPerKey,
    int RequestBurstPerKey,
    int RequestsPerSecondPerOrganization,
    int RequestBurstPerOrganization,
    int EventsPerSecondPerOrganization,
    int EventBurstPerOrganization)
{
    /// <summary>
    /// An override wins over the default. A rate given without its burst gets one second's worth as
    /// its burst (a lowered rate with the default's large burst would hardly be lowered). The event
    /// burst is never below the largest batch, or a full batch could never be admitted.
    /// </summary>
    public static EffectiveRateLimits Of(RateLimitOptions defaults, OrganizationRateLimits overrides, int maxEventsPerBatch) => new(
        overrides.RequestsPerSecondPerKey ?? defaults.RequestsPerSecondPerKey,
        Burst(overrides.RequestBurstPerKey, overrides.RequestsPerSecondPerKey, defaults.RequestBurstPerKey),
        overrides.RequestsPerSecondPerOrganization ?? defaults.RequestsPerSecondPerOrganization,
        Burst(overrides.RequestBurstPerOrganization, overrides.RequestsPerSecondPerOrganization, defaults.RequestBurstPerOrganization),
        overrides.EventsPerSecondPerOrganization ?? defaults.EventsPerSecondPerOrganization,
        Math.Max(maxEventsPerBatch, Burst(overrides.EventBurstPerOrganization, overrides.EventsPerSecondPerOrganization, defaults.EventBurstPerOrganization)));

    private static int Burst(int? burst, int? rate, int defaultBurst) => burst ?? rate ?? defaultBurst;
}

/// <summary>
/// One token bucket: what it limits (<paramref name="Scope"/> and <paramref name="Id"/>) and at what
/// rate. The rate is part of the partition key, so a changed limit gets a bucket of its own at once;
/// the old one is dropped by the partitioned limiter once it is idle and full.
/// </summary>
public readonly record struct Bucket(string Scope, string Id, int PerSecond, int Burst)
{
    public const string Key = "key", Organization = "organization", Address = "address", Source = "source";

    public RateLimitPartition<Bucket> Partition() => RateLimitPartition.GetTokenBucketLimiter(this, b => new TokenBucketRateLimiterOptions
    {
        TokenLimit = b.Burst,
        TokensPerPeriod = b.PerSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        // The partitioned limiter's own timer tops up every bucket (10 times a second, in proportion to
        // the time elapsed), rather than one timer per bucket.
        AutoReplenishment = false,
        QueueLimit = 0,
    });

    public string Describe(string unit) => Scope switch
    {
        Key => $"This API key is limited to {PerSecond:N0} {unit}/s (bursts of {Burst:N0}).",
        Source => $"This webhook source is limited to {PerSecond:N0} {unit}/s (bursts of {Burst:N0}), as an API key is.",
        Organization => $"This organization is limited to {PerSecond:N0} {unit}/s (bursts of {Burst:N0}).",
        _ => $"Requests without a valid API key are limited to {PerSecond:N0}/s per address (bursts of {Burst:N0}).",
    };
}
