using Microsoft.Extensions.Options;
using Orleans.Align.Gateway.Auth;
using Orleans.Align.Gateway.Hosting;
using Orleans.Align.Gateway.Limits;
using Orleans.Align.Grains;

namespace Orleans.Align.Gateway.Api;

public static class OrganizationEndpoints
{
    public static void MapOrganizations(this RouteGroupBuilder api)
    {
        // Only the platform operator creates tenants; everything else is done with a tenant's own keys.
        api.MapPost("/orgs", CreateAsync).WithTags("Organizations").AllowAnonymous().AddEndpointFilter(RequirePlatformAdmin)
            .Reads().Answers<CreateOrganizationResponse>(201).Problems(401, 403, 409, 429, 503);

        // The platform operator sets an organization's own rate limits; every gateway applies them within seconds.
        var limits = api.MapGroup("/orgs/{orgId}/limits").WithTags("Organizations").AllowAnonymous().AddEndpointFilter(RequirePlatformAdmin);
        limits.MapGet("", OrganizationLimitsEndpoints.GetAsync).Answers<RateLimitsResponse>().Problems(401, 403, 404, 429, 503);
        limits.MapPut("", OrganizationLimitsEndpoints.SetAsync).Reads().Answers<RateLimitsResponse>().Problems(401, 403, 404, 429, 503);

        // Issuing and revoking keys grant power: the caller's key is checked in the cluster, not the cache.
        var keys = api.MapGroup("/keys").WithTags("API keys").Requires(AlignAction.ManageKeys).Authenticated()
            .AddEndpointFilter(CredentialChecks.RequireValidNow);
        keys.MapPost("", CreateKeyAsync).Reads().Answers<CreateApiKeyResponse>(201);
        keys.MapGet("", ListKeysAsync).Answers<IReadOnlyList<ApiKeyResponse>>();
        keys.MapDelete("/{keyId}", RevokeKeyAsync).Produces(204).Problems(404);
    }

    private static async ValueTask<object?> RequirePlatformAdmin(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var presented = PlatformOperator.PresentedKey(http);
        // A signed-in person (a session cookie) presented a credential, just not this one: refused, not unauthenticated.
        if (string.IsNullOrEmpty(presented) && http.User.Identity?.IsAuthenticated != true)
            return TypedResults.Problem(statusCode: 401, title: "Authentication required", detail: "This operation needs the platform admin key.");
        if (!PlatformOperator.Presents(http))
            return TypedResults.Problem(statusCode: 403, title: "Not allowed", detail: "Only the platform admin key can create organizations and set their limits.");
        return await next(context);
    }

    private static async Task<IResult> CreateAsync(CreateOrganizationRequest request, IClusterClient cluster)
    {
        var v = new Validation();
        var id = v.Id("id", request.Id);
        var name = v.Text("name", request.Name, InputLimits.MaxNameLength);
        if (!v.IsValid) return v.Problem();

        var apiKey = ApiKeys.Generate();
        var org = await cluster.GetGrain<IOrganizationGrain>(id!).CreateAsync(name!, ApiKeys.Hash(apiKey));
        return TypedResults.Created($"/api/v1/orgs/{org.Id}", new CreateOrganizationResponse(org.Id, org.Name, apiKey));
    }

    private static async Task<IResult> CreateKeyAsync(CreateApiKeyRequest request, HttpContext http, IClusterClient cluster)
    {
        var v = new Validation();
        var name = v.Text("name", request.Name, InputLimits.MaxShortNameLength);
        var scopes = v.Count("scopes", request.Scopes, InputLimits.MaxScopes) ? request.Scopes!.Distinct().ToList() : [];
        if (request.Scopes is not { Count: > 0 }) v.Add("scopes", $"must name at least one of: {string.Join(", ", Scopes.All)}.");
        foreach (var scope in scopes)
        {
            if (scope is null || !Scopes.IsKnown(scope)) v.Add("scopes", $"{InputLimits.Echo(scope)} is not one of: {string.Join(", ", Scopes.All)}.");
        }
        if (!v.IsValid) return v.Problem();

        var apiKey = ApiKeys.Generate();
        var org = cluster.GetGrain<IOrganizationGrain>(http.User.OrgId());
        var record = http.User.IsPerson()
            ? await org.IssueApiKeyForPersonAsync(name!, scopes!, ApiKeys.Hash(apiKey), http.User.EmailOf()!, http.User.FindFirst(AlignClaims.SessionId)!.Value)
            : await org.IssueApiKeyAsync(name!, scopes!, ApiKeys.Hash(apiKey), http.User.KeyHashOf());
        if (record is null) return CredentialChecks.NotValid(); // revoked or removed between the check above and now
        return TypedResults.Created($"/api/v1/keys/{record.KeyId}", new CreateApiKeyResponse(record.KeyId, record.Name, record.Scopes, apiKey));
    }

    private static async Task<IResult> ListKeysAsync(HttpContext http, IClusterClient cluster)
    {
        var keys = await cluster.GetGrain<IOrganizationGrain>(http.User.OrgId()).ListApiKeysAsync();
        return TypedResults.Ok(keys.Select(k => new ApiKeyResponse(k.KeyId, k.Name, k.Scopes, k.CreatedAt, k.Revoked)));
    }

    private static async Task<IResult> RevokeKeyAsync(string keyId, HttpContext http, IClusterClient cluster)
    {
        // Key ids are short prefixes of a hash; anything longer names no key and need not reach the grain.
        if (keyId.Length > Identifiers.MaxLength) return CatalogueEndpoints.NotFound($"API key {InputLimits.Echo(keyId)} does not exist.");
        await cluster.GetGrain<IOrganizationGrain>(http.User.OrgId()).RevokeApiKeyAsync(keyId);
        return TypedResults.NoContent();
    }
}
