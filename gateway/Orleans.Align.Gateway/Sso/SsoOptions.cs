namespace Orleans.Align.Gateway.Sso;

/// <summary>How the gateway treats organizations' OpenID providers (<c>Align:Sso</c>).</summary>
public sealed class SsoOptions
{
    public const string Section = "Align:Sso";

    /// <summary>
    /// Accept <c>http://</c> issuers on a loopback host (127.0.0.1, ::1, localhost) and let the gateway
    /// connect to loopback addresses for them: development and the tests only. Off in production.
    /// </summary>
    public bool AllowLoopbackIssuers { get; set; }

    /// <summary>
    /// Let the gateway connect to providers on private networks (10/8, 172.16/12, 192.168/16, fc00::/7…):
    /// for an identity provider inside the company's own network. Off by default: an admin of any
    /// organization could otherwise make the gateway probe the network it runs in.
    /// </summary>
    public bool AllowPrivateNetworkIssuers { get; set; }

    /// <summary>How long the gateway waits for a provider (discovery, keys, token, userinfo) before giving up.</summary>
    public TimeSpan ProviderTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
