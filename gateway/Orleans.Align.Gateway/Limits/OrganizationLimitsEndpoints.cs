using Orleans.Align.Gateway.Api;
using Orleans.Align.Grains;

namespace Orleans.Align.Gateway.Limits;

/// <summary><c>GET/PUT /api/v1/orgs/{orgId}/limits</c>: the platform operator's per-organization limits.</summary>
public static class OrganizationLimitsEndpoints
{
    public static async Task<IResult> GetAsync(string orgId, IClusterClient cluster, OrganizationLimitsCache cache)
    {
        if (!InputLimits.IsId(orgId)) return NoSuchOrganization(orgId);
        var org = cluster.GetGrain<IOrganizationGrain>(orgId);
        if (await org.GetAsync() is null) return NoSuchOrganization(orgId);
        var overrides = await org.GetRateLimitsAsync();
        return TypedResults.Ok(new RateLimitsResponse(orgId, overrides, cache.Effective(overrides)));
    }

    /// <summary>Replaces every override (an omitted value goes back to the default); this gateway applies it at once, the others within their cache duration.</summary>
    public static async Task<IResult> SetAsync(string orgId, RateLimitsRequest request, IClusterClient cluster, OrganizationLimitsCache cache)
    {
        if (!InputLimits.IsId(orgId)) return NoSuchOrganization(orgId);
        var overrides = new OrganizationRateLimits(request.RequestsPerSecondPerKey, request.RequestBurstPerKey,
            request.RequestsPerSecondPerOrganization, request.RequestBurstPerOrganization,
            request.EventsPerSecondPerOrganization, request.EventBurstPerOrganization);
        var v = new Validation();
        foreach (var name in overrides.OutOfRange())
            v.Add(char.ToLowerInvariant(name[0]) + name[1..], $"must be between 1 and {OrganizationRateLimits.MaxValue:N0}, or null for the default.");
        if (!v.IsValid) return v.Problem();

        var stored = await cluster.GetGrain<IOrganizationGrain>(orgId).SetRateLimitsAsync(overrides);
        cache.Set(orgId, stored);
        return TypedResults.Ok(new RateLimitsResponse(orgId, stored, cache.Effective(stored)));
    }

    private static IResult NoSuchOrganization(string orgId) => CatalogueEndpoints.NotFound($"Organization {InputLimits.Echo(orgId)} does not exist.");
}
