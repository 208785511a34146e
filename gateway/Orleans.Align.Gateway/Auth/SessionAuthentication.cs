using System.Buffers.Text;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;

namespace Orleans.Align.Gateway.Auth;

/// <summary>
/// How a request is authenticated: by an API key (machines: <c>Authorization: Bearer ak_…</c>,
/// <c>X-Api-Key</c>, or <c>access_token</c> on the hub) or else by a person's session cookie. A policy
/// scheme picks one per request by what it presents; both produce the same claims (<see cref="AlignClaims"/>)
/// and the same authorization model decides.
/// </summary>
public static class SessionAuthentication
{
    public const string SchemeName = "Align";
    public const string CookieScheme = "Session";
    public const string AntiforgeryHeader = "X-CSRF-TOKEN";

    public static IServiceCollection AddAlignAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BrowserSessionOptions>().BindConfiguration(BrowserSessionOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.CookieName), "Align:Gateway:Sessions:CookieName must be set.")
            .Validate(o => o.IdleTimeout >= TimeSpan.FromMinutes(1) && o.IdleTimeout <= TimeSpan.FromDays(30), "Align:Gateway:Sessions:IdleTimeout must be between 1 minute and 30 days.")
            .Validate(o => o.SetPasswordTokenLifetime >= TimeSpan.FromMinutes(5) && o.SetPasswordTokenLifetime <= TimeSpan.FromDays(30), "Align:Gateway:Sessions:SetPasswordTokenLifetime must be between 5 minutes and 30 days.")
            .Validate(o => o.PasswordResetTokenLifetime >= TimeSpan.FromMinutes(5) && o.PasswordResetTokenLifetime <= TimeSpan.FromDays(7), "Align:Gateway:Sessions:PasswordResetTokenLifetime must be between 5 minutes and 7 days.")
            .ValidateOnStart();
        var sessions = configuration.GetSection(BrowserSessionOptions.Section).Get<BrowserSessionOptions>() ?? new BrowserSessionOptions();
        // Every gateway must decrypt every other gateway's cookies: the key ring lives in the cluster,
        // unless a folder the gateways share is configured instead.
        var dataProtection = services.AddDataProtection().SetApplicationName("orleans-align-gateway");
        if (!string.IsNullOrWhiteSpace(sessions.DataProtectionKeysPath)) dataProtection.PersistKeysToFileSystem(new DirectoryInfo(sessions.DataProtectionKeysPath));
        else services.AddOptions<KeyManagementOptions>().Configure<IClusterClient>((o, cluster) => o.XmlRepository = new ClusterKeyRing(cluster));

        services.AddAuthentication(SchemeName)
            .AddPolicyScheme(SchemeName, "API key or session", o =>
            {
                o.ForwardDefaultSelector = http => string.IsNullOrEmpty(ApiKeyAuthenticationHandler.ReadKey(http.Request))
                    ? CookieScheme
                    : ApiKeyAuthenticationHandler.SchemeName;
                // One way to say 401 and 403, whichever scheme authenticated: problem documents, never a redirect.
                o.ForwardChallenge = ApiKeyAuthenticationHandler.SchemeName;
                o.ForwardForbid = ApiKeyAuthenticationHandler.SchemeName;
            })
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddCookie(CookieScheme, o =>
            {
                o.Cookie.Name = sessions.CookieName;
                o.Cookie.HttpOnly = true;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest; // Secure whenever served over HTTPS
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.Path = "/";
                o.ExpireTimeSpan = sessions.IdleTimeout;
                o.SlidingExpiration = true;
                o.Events.OnValidatePrincipal = ValidateAsync;
                o.Events.OnRedirectToLogin = c => Problem(c.HttpContext, StatusCodes.Status401Unauthorized, "Authentication required", "Sign in first (POST /api/v1/session).");
                o.Events.OnRedirectToAccessDenied = c => Problem(c.HttpContext, StatusCodes.Status403Forbidden, "Not allowed", AlignClaims.ForbiddenDetail);
            });

        services.AddAntiforgery(o =>
        {
            o.HeaderName = AntiforgeryHeader;
            o.Cookie.Name = "align.csrf";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddSingleton<SessionResolver>();
        return services;
    }

    /// <summary>
    /// Every request with a session cookie: the session must still be open on an active membership
    /// (see <see cref="SessionResolver"/>), and the role and departments come from the membership as it
    /// is now, not as it was at sign-in.
    /// </summary>
    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var sessions = context.HttpContext.RequestServices.GetRequiredService<SessionResolver>();
        var session = context.Principal is { } principal ? await sessions.ResolveAsync(principal) : null;
        if (session is null || context.Principal!.FindFirstValue(AlignClaims.SessionId) is not { } sessionId)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieScheme);
            return;
        }
        context.ReplacePrincipal(PrincipalFor(session.Membership, sessionId, session.ExpiresAt));
    }

    /// <param name="expiresAt">When the session ends however active it is; a live connection opened with the principal is closed then.</param>
    public static ClaimsPrincipal PrincipalFor(Membership membership, string sessionId, DateTimeOffset? expiresAt = null)
    {
        var claims = new List<Claim>
        {
            new(AlignClaims.Org, membership.OrgId),
            new(AlignClaims.Email, membership.Email),
            new(AlignClaims.Name, membership.DisplayName),
            new(AlignClaims.SessionId, sessionId),
            new(AlignClaims.Credential, Grains.SessionCredentials.For(sessionId)),
            // Rate limits go per key; a person's requests go per person.
            new(AlignClaims.KeyId, "person:" + membership.Email),
            new(AlignClaims.Role, membership.Role),
        };
        claims.AddRange(membership.Departments.Select(d => new Claim(AlignClaims.Department, d)));
        if (expiresAt is { } at) claims.Add(new Claim(AlignClaims.ExpiresAt, at.ToString("O", System.Globalization.CultureInfo.InvariantCulture)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, CookieScheme));
    }

    /// <summary>A new session id: 256 random bits.</summary>
    public static string NewSessionId() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>
    /// A person's state-changing API request must carry the antiforgery token (header
    /// <see cref="AntiforgeryHeader"/>) that sign-in and <c>GET /api/v1/me</c> hand out: the session
    /// cookie alone is what a forged cross-site request would carry. (SameSite=Strict already keeps
    /// the cookie off cross-site requests in current browsers; this is the second lock.) API keys are
    /// sent deliberately, never by a browser on its own, and need no token.
    /// </summary>
    public static IApplicationBuilder UseAlignAntiforgery(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var request = http.Request;
        var safe = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method) || HttpMethods.IsTrace(request.Method);
        // Signing in and setting a password with a token are not done as the signed-in person.
        var anonymous = HttpMethods.IsPost(request.Method)
            && (request.Path.Equals("/api/v1/session", StringComparison.OrdinalIgnoreCase) || request.Path.Equals("/api/v1/account/password", StringComparison.OrdinalIgnoreCase)
                // A tool's webhook delivery is authenticated by its signature, not by whoever's cookie came along.
                || Limits.RateLimitHosting.WebhookSourceId(http) is not null);
        if (!safe && !anonymous && request.Path.StartsWithSegments("/api") && http.User.IsPerson()
            && !await http.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(http))
        {
            await Problem(http, StatusCodes.Status403Forbidden, "Antiforgery token missing or invalid",
                $"A signed-in browser sends the token from sign-in or GET /api/v1/me in the '{AntiforgeryHeader}' header with every change. Nothing was changed.");
            return;
        }
        await next(http);
    });

    private static Task Problem(HttpContext http, int status, string title, string detail)
    {
        http.Response.StatusCode = status;
        return Results.Problem(statusCode: status, title: title, detail: detail).ExecuteAsync(http);
    }
}
