using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Orleans.Align.Gateway.Auth;

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
        if (await keys.ResolveAsync(key) is not { } record) return AuthenticateResult.Fail("The API key or board link is not valid.");

        var claims = new List<Claim>
        {
            new(AlignClaims.Org, record.OrgId),
            new(AlignClaims.KeyId, record.KeyId),
            new(AlignClaims.KeyName, record.Name),
            new(AlignClaims.KeyHash, ApiKeys.Hash(key)),
            new(AlignClaims.Credential, ApiKeys.Hash(key)),
        };
        claims.AddRange(record.Scopes.Select(s => new Claim(AlignClaims.Scope, s)));
        if (record.Board is { } board) claims.Add(new Claim(AlignClaims.Board, board));
        if (record.ExpiresAt is { } expiresAt) claims.Add(new Claim(AlignClaims.ExpiresAt, expiresAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    private string? ReadKey() => ReadKey(Context.Request);

    /// <summary>The API key the request presents, if any: what the policy scheme selects this scheme by.</summary>
    public static string? ReadKey(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return authorization["Bearer ".Length..].Trim();
        if (request.Headers.TryGetValue("X-Api-Key", out var header)) return header.ToString().Trim();
        if (request.Path.StartsWithSegments("/hubs")) return request.Query["access_token"].ToString();
        return null;
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status401Unauthorized, "Authentication required",
            "Send an API key of your organization as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>', or sign in (POST /api/v1/session) and send the session cookie.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status403Forbidden, "Not allowed", AlignClaims.ForbiddenDetail);

    private Task WriteProblemAsync(int status, string title, string detail)
    {
        Response.StatusCode = status;
        if (status == StatusCodes.Status401Unauthorized) Response.Headers.WWWAuthenticate = "Bearer";
        return Results.Problem(statusCode: status, title: title, detail: detail).ExecuteAsync(Context);
    }
}
