using System.ComponentModel.DataAnnotations;

namespace Orleans.Align.Gateway.Sso;

/// <summary>
/// An organization's single sign-on. <c>issuer</c>: the OpenID provider's issuer URL (https); <c>clientId</c>
/// and <c>clientSecret</c>: the client registered there (the secret may be left out to keep the one already
/// set); <c>allowedDomains</c>: the email domains whose people may sign in this way (exact domains);
/// <c>joinAs</c>: null (only people already added to the organization, invitees included, may sign in) or
/// <c>viewer</c> (anyone of an allowed domain joins as a viewer on first sign-in).
/// </summary>
public sealed record SsoConfigRequest(
    [property: Required, StringLength(SsoRules.MaxIssuerLength, MinimumLength = 8)] string? Issuer,
    [property: Required, StringLength(SsoRules.MaxClientIdLength, MinimumLength = 1)] string? ClientId,
    [property: StringLength(SsoRules.MaxClientSecretLength, MinimumLength = 1)] string? ClientSecret,
    [property: Required, MinLength(1), MaxLength(SsoRules.MaxDomains)] List<string?>? AllowedDomains,
    string? JoinAs = null);

/// <summary>
/// The organization's single sign-on as configured: never the secret, only whether one is set.
/// <c>redirectUri</c> is the address to register at the provider (as this gateway is reached).
/// </summary>
public sealed record SsoConfigResponse(string Issuer, string ClientId, bool ClientSecretSet, IReadOnlyList<string> AllowedDomains, string? JoinAs,
    string RedirectUri, string SignInUrl, DateTimeOffset UpdatedAt);

/// <summary>Whether an organization signs in through single sign-on (anonymous: the sign-in and invitation pages ask).</summary>
public sealed record SsoStatusResponse(string Organization, bool Enabled, string? SignInUrl);
