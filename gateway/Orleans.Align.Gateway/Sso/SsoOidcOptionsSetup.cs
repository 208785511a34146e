using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Orleans.Align.Gateway.Auth;

namespace Orleans.Align.Gateway.Sso;

/// <summary>
/// Builds an organization's OpenID Connect options (scheme <c>sso:{org}</c>) from the settings
/// <see cref="SsoSchemes"/> read: the authorization code flow with PKCE, the answer by query (so the
/// correlation and nonce cookies can be SameSite=Lax, and Secure exactly when the request is https),
/// claims as the provider names them, and the events that turn the provider's answer into a session
/// (<see cref="SsoSignIn"/>). ASP.NET Core's own post-configuration then adds the metadata manager.
/// </summary>
public sealed class SsoOidcOptionsSetup(SsoSchemes schemes, IDataProtectionProvider dataProtection, SsoBackchannel backchannel,
    Microsoft.Extensions.Options.IOptions<SsoOptions> sso) : Microsoft.Extensions.Options.IConfigureNamedOptions<OpenIdConnectOptions>
{
    public const string SecretPurpose = "Orleans.Align.Sso.ClientSecret";

    public void Configure(OpenIdConnectOptions options) { }

    public void Configure(string? name, OpenIdConnectOptions options)
    {
        if (SsoRules.OrgOfScheme(name) is not { } org || schemes.Current(org) is not { } settings) return;
        options.Authority = settings.Issuer;
        options.RequireHttpsMetadata = settings.Issuer.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
        options.ClientId = settings.ClientId;
        options.ClientSecret = dataProtection.CreateProtector(SecretPurpose).Unprotect(settings.ProtectedClientSecret);
        options.ResponseType = OpenIdConnectResponseType.Code;
        options.ResponseMode = OpenIdConnectResponseMode.Query;
        options.UsePkce = true;
        options.Scope.Clear();
        foreach (var scope in new[] { "openid", "email", "profile" }) options.Scope.Add(scope);
        options.CallbackPath = SsoRules.CallbackPath(org);
        // Not used (the gateway signs nobody out at the provider), but each scheme's own, never shared.
        options.SignedOutCallbackPath = $"/api/v1/sso/{org}/signed-out";
        options.RemoteSignOutPath = $"/api/v1/sso/{org}/sign-out";
        // Never reached: SsoSignIn opens the session itself and ends the callback (HandleResponse).
        options.SignInScheme = SessionAuthentication.CookieScheme;
        options.MapInboundClaims = false;
        options.GetClaimsFromUserInfoEndpoint = true;
        options.ClaimActions.MapUniqueJsonKey("email_verified", "email_verified");
        options.SaveTokens = false;
        // Metadata, keys, token and userinfo through the guarded client (SsoBackchannel), shared, never disposed with the options.
        options.Backchannel = backchannel.Client;
        options.BackchannelTimeout = sso.Value.ProviderTimeout;
        options.RemoteAuthenticationTimeout = TimeSpan.FromMinutes(10);
        foreach (var cookie in new[] { options.CorrelationCookie, options.NonceCookie })
        {
            cookie.SameSite = SameSiteMode.Lax;
            cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.HttpOnly = true;
        }
        options.Events = SsoSignIn.Events;
    }
}
