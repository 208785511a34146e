using Microsoft.Extensions.Options;
using Orleans.Align.Gateway.Hosting;
using Orleans.Align.Gateway.Limits;

namespace Orleans.Align.Gateway.Telemetry;

/// <summary>
/// The tag that groups organizations in metrics, with a handful of values whatever the number of
/// tenants. Organizations have no plan of their own: what the platform operator sets for one is its
/// rate limits, so the tier says how those compare with the gateway's defaults.
/// </summary>
public static class OrganizationTier
{
    /// <summary>No limits known for the request (anonymous, or rate limiting is off).</summary>
    public const string Unknown = "unknown";

    /// <summary>The configured defaults: nobody set limits for the organization.</summary>
    public const string Default = "default";

    /// <summary>More events/s than the default: a large customer.</summary>
    public const string Raised = "raised";

    /// <summary>Fewer events/s than the default: a trial, or a throttled tenant.</summary>
    public const string Lowered = "lowered";

    /// <summary>The default events/s with other limits changed.</summary>
    public const string Custom = "custom";

    public static readonly string[] All = [Unknown, Default, Raised, Lowered, Custom];

    public static string Of(EffectiveRateLimits? limits, EffectiveRateLimits defaults) => limits switch
    {
        null => Unknown,
        _ when limits == defaults => Default,
        _ when limits.EventsPerSecondPerOrganization > defaults.EventsPerSecondPerOrganization => Raised,
        _ when limits.EventsPerSecondPerOrganization < defaults.EventsPerSecondPerOrganization => Lowered,
        _ => Custom,
    };

    /// <summary>The tier of the request's organization, from the limits the rate limiter put on it.</summary>
    public static string Of(HttpContext http)
    {
        if (RequestRateLimiter.OrganizationLimitsOf(http) is not { } limits) return Unknown;
        var services = http.RequestServices;
        var defaults = EffectiveRateLimits.Of(services.GetRequiredService<IOptions<RateLimitOptions>>().Value, OrganizationRateLimits.Defaults,
            services.GetRequiredService<IOptions<GatewayOptions>>().Value.MaxEventsPerBatch);
        return Of(limits, defaults);
    }
}
