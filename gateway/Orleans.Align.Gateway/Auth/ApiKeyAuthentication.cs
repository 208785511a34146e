using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Orleans.Align.Gateway.Auth;

public static class AlignClaims
{
    public const string Org = "align:org";
    public const string KeyId = "align:key";
    public const string Scope = "align:scope";

    /// <summary>The SHA-256 of the key the caller presented (never the key): what revocation and re-checks go by.</summary>
    public const string KeyHash = "align:key-hash";

    /// <summary>The caller's organization: always from the credential, never from the URL.</summary>
    public static string OrgId(this ClaimsPrincipal user) =>
        user.FindFirstValue(Org) ?? throw new InvalidOperationException("An authenticated principal always carries its organization.");

    public static string KeyHashOf(this ClaimsPrincipal user) =>
        user.FindFirstValue(KeyHash) ?? throw new InvalidOperationException("An authenticated principal always carries its key's hash.");
}

/// <summary>Authorization policies by scope; admin implies every other scope.</summary>
public static class Policies
{
    public const string Admin = Scopes.Admin;
    public const string Ingest = Scopes.Ingest;
    public const string Read = Scopes.Read;

    public static void Add(Microsoft.AspNetCore.Authorization.AuthorizationOptions options)
    {
        foreach (var scope in Scopes.All)
        {
            options.AddPolicy(scope, p => p.RequireAuthenticatedUser().RequireAssertion(c =>
                c.User.HasClaim(AlignClaims.Scope, scope) || c.User.HasClaim(AlignClaims.Scope, Scopes.Admin)));
        }
    }
}

/// <summary>
/// Resolves <c>Authorization: Bearer</c>, <c>X-Api-Key</c>, or (for the SignalR hub, whose browser
/// transports cannot send headers) the <c>access_token</c> query parameter.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyResolver keys) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = ReadKey();
        if (string.IsNullOrEmpty(key)) return AuthenticateResult.NoResult();
        // A malformed key is refused here, before any call to the cluster; see ApiKeyResolver.
        if (await keys.ResolveAsync(key) is not { } record) return AuthenticateResult.Fail("The API key is not valid.");

        var claims = new List<Claim>
        {
            new(AlignClaims.Org, record.OrgId),
            new(AlignClaims.KeyId, record.KeyId),
            new(AlignClaims.KeyHash, ApiKeys.Hash(key)),
        };
        claims.AddRange(record.Scopes.Select(s => new Claim(AlignClaims.Scope, s)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    private string? ReadKey()
    {
        var request = Context.Request;
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return authorization["Bearer ".Length..].Trim();
        if (request.Headers.TryGetValue("X-Api-Key", out var header)) return header.ToString().Trim();
        if (request.Path.StartsWithSegments("/hubs")) return request.Query["access_token"].ToString();
        return null;
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status401Unauthorized, "Authentication required",
            "Send an API key of your organization as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status403Forbidden, "Not allowed", "This API key does not have the scope this operation needs.");

    private Task WriteProblemAsync(int status, string title, string detail)
    {
        Response.StatusCode = status;
        if (status == StatusCodes.Status401Unauthorized) Response.Headers.WWWAuthenticate = "Bearer";
        return Results.Problem(statusCode: status, title: title, detail: detail).ExecuteAsync(Context);
    }
}
