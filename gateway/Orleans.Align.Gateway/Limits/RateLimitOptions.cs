namespace Orleans.Align.Gateway.Limits;

/// <summary>
/// Configuration section <c>Align:Gateway:RateLimits</c>: every gateway's defaults, which the platform
/// operator can override per organization (<c>PUT /api/v1/orgs/{id}/limits</c>). Each limit is a token
/// bucket: a steady rate per second and a burst (the bucket's size, what an idle caller may send at once).
/// The buckets live in each gateway's memory, so with several gateways a caller spread over all of them
/// gets up to that many times the limit.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "Align:Gateway:RateLimits";

    /// <summary>Off: no request or event is ever refused for its rate (benchmarks of raw capacity).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Requests/s of one API key, on every endpoint under <c>/api</c> and <c>/hubs</c>.</summary>
    public int RequestsPerSecondPerKey { get; set; } = 2_000;

    public int RequestBurstPerKey { get; set; } = 4_000;

    /// <summary>Requests/s of all the keys of one organization together.</summary>
    public int RequestsPerSecondPerOrganization { get; set; } = 5_000;

    public int RequestBurstPerOrganization { get; set; } = 10_000;

    /// <summary>Events/s one organization may post (a batch takes as many permits as it has events).</summary>
    public int EventsPerSecondPerOrganization { get; set; } = 250_000;

    public int EventBurstPerOrganization { get; set; } = 500_000;

    /// <summary>Requests/s without a valid key (a wrong key, none, the platform key), per remote address.</summary>
    public int RequestsPerSecondPerAddress { get; set; } = 500;

    public int RequestBurstPerAddress { get; set; } = 1_000;

    /// <summary>How long a gateway trusts the organization's limits it read; a change reaches every gateway within it.</summary>
    public TimeSpan OrganizationLimitsCacheDuration { get; set; } = TimeSpan.FromSeconds(5);

    public IEnumerable<string> Validate()
    {
        foreach (var (name, value) in Values())
        {
            if (value is < 1 or > OrganizationRateLimits.MaxValue)
                yield return $"{Section}:{name} must be between 1 and {OrganizationRateLimits.MaxValue:N0}; it is {value}.";
        }
        if (OrganizationLimitsCacheDuration < TimeSpan.FromMilliseconds(100) || OrganizationLimitsCacheDuration > TimeSpan.FromMinutes(5))
            yield return $"{Section}:OrganizationLimitsCacheDuration must be between 100 ms and 5 minutes.";
    }

    private IEnumerable<(string, int)> Values()
    {
        yield return (nameof(RequestsPerSecondPerKey), RequestsPerSecondPerKey);
        yield return (nameof(RequestBurstPerKey), RequestBurstPerKey);
        yield return (nameof(RequestsPerSecondPerOrganization), RequestsPerSecondPerOrganization);
        yield return (nameof(RequestBurstPerOrganization), RequestBurstPerOrganization);
        yield return (nameof(EventsPerSecondPerOrganization), EventsPerSecondPerOrganization);
        yield return (nameof(EventBurstPerOrganization), EventBurstPerOrganization);
        yield return (nameof(RequestsPerSecondPerAddress), RequestsPerSecondPerAddress);
        yield return (nameof(RequestBurstPerAddress), RequestBurstPerAddress);
    }
}
