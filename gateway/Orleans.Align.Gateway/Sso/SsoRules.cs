using System.Globalization;
using System.Net;

namespace Orleans.Align.Gateway.Sso;

/// <summary>The pure rules of single sign-on: which issuers, domains and return paths are acceptable.</summary>
public static class SsoRules
{
    public const int MaxDomains = 50;
    public const int MaxDomainLength = 253;
    public const int MaxIssuerLength = 2048;
    public const int MaxClientIdLength = 256;
    public const int MaxClientSecretLength = 1024;
    public const int MaxReturnUrlLength = 2048;

    /// <summary>
    /// Null when <paramref name="issuer"/> may be an organization's issuer, otherwise why not: an absolute
    /// https URL without user info, query or fragment; plain http only to a loopback host, and only where
    /// <paramref name="allowLoopbackHttp"/> (development and tests). The gateway fetches this address (and
    /// what its discovery document names) on the admin's behalf, so it is not a way into the gateway's
    /// network: see <see cref="SsoBackchannel"/> for the addresses it refuses to connect to.
    /// </summary>
    public static string? IssuerProblem(string? issuer, bool allowLoopbackHttp)
    {
        if (string.IsNullOrWhiteSpace(issuer)) return "is required.";
        if (issuer.Length > MaxIssuerLength) return $"must be at most {MaxIssuerLength} characters.";
        if (!Uri.TryCreate(issuer, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
            return "must be an absolute https URL (the provider's issuer, as its discovery document names it).";
        if (!string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || issuer.Contains('#') || issuer.Contains('?'))
            return "must have no user name, query or fragment.";
        if (uri.Scheme == "http")
        {
            if (!IsLoopback(uri.Host)) return "must use https (plain http is accepted for a loopback provider only, in development).";
            if (!allowLoopbackHttp) return "must use https (this gateway does not accept loopback providers: Align:Sso:AllowLoopbackIssuers).";
        }
        return null;
    }

    public static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    /// <summary>
    /// An allowed email domain in its one spelling (lower case, no trailing dot), or null when it is not
    /// a domain name: letters, digits and '-' in labels of at most 63, at least two labels.
    /// </summary>
    public static string? NormalizeDomain(string? domain)
    {
        if (string.IsNullOrWhiteSpace(domain)) return null;
        var d = domain.Trim().TrimEnd('.').ToLowerInvariant();
        if (d.Length is 0 or > MaxDomainLength) return null;
        var labels = d.Split('.');
        if (labels.Length < 2) return null;
        foreach (var label in labels)
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-') return null;
            if (!label.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')) return null;
        }
        return d;
    }

    /// <summary>
    /// True when the (valid) email's domain is exactly one of <paramref name="allowed"/> (normalized):
    /// no subdomains, so that allowing <c>example.com</c> does not let <c>evil.example.com</c>'s mailboxes in.
    /// </summary>
    public static bool DomainAllowed(string email, IEnumerable<string> allowed)
    {
        var at = email.LastIndexOf('@');
        if (at <= 0 || at == email.Length - 1) return false;
        var domain = email[(at + 1)..].TrimEnd('.').ToLowerInvariant();
        return allowed.Any(a => string.Equals(a, domain, StringComparison.Ordinal));
    }

    /// <summary>
    /// True when <paramref name="returnUrl"/> is a path of this site: starts with one '/', not '//' or '/\'
    /// (another host to a browser), no control characters, no scheme. Anything else could send a person
    /// who just signed in to someone else's page (an open redirect).
    /// </summary>
    public static bool IsLocalReturnUrl(string? returnUrl)
    {
        if (string.IsNullOrEmpty(returnUrl) || returnUrl.Length > MaxReturnUrlLength) return false;
        if (returnUrl[0] != '/') return false;
        if (returnUrl.Length > 1 && (returnUrl[1] == '/' || returnUrl[1] == '\\')) return false;
        foreach (var c in returnUrl)
        {
            if (char.IsControl(c) || c == '\\') return false;
        }
        return true;
    }

    /// <summary>Where a refused or failed SSO sign-in lands: the sign-in page, naming the organization and why.</summary>
    public static string ErrorLocation(string? org, string error) =>
        "/?" + (org is not null && Identifiers.IsValid(org) ? "org=" + Uri.EscapeDataString(org) + "&" : "") + "ssoError=" + Uri.EscapeDataString(error);

    /// <summary>The gateway's callback path for an organization: the redirect URI its admin registers at the provider.</summary>
    public static string CallbackPath(string org) => string.Create(CultureInfo.InvariantCulture, $"/api/v1/sso/{org}/callback");

    /// <summary>The authentication scheme that signs an organization's people in.</summary>
    public static string SchemeName(string org) => "sso:" + org;

    public static string? OrgOfScheme(string? scheme) =>
        scheme is not null && scheme.StartsWith("sso:", StringComparison.Ordinal) && Identifiers.IsValid(scheme[4..]) ? scheme[4..] : null;
}

/// <summary>Why an SSO sign-in was refused: the <c>ssoError</c> the sign-in page shows, and the audit entry's reason.</summary>
public static class SsoErrors
{
    public const string NotConfigured = "not_configured";
    public const string DomainNotAllowed = "domain_not_allowed";
    public const string NotAMember = "not_a_member";
    public const string NoEmail = "no_email";
    public const string EmailNotVerified = "email_not_verified";
    public const string AccessDenied = "access_denied";
    public const string ProviderError = "provider_error";
}
