using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Orleans.Align.Grains.Subscriptions;

/// <summary>A delivery was not sent: its host is, or resolves only to, an address deliveries may not reach.</summary>
public sealed class OutboundAddressRefusedException(string message) : HttpRequestException(message);

/// <summary>
/// The guard against server-side request forgery: which addresses an outbound delivery may connect to.
/// Checked twice: on the URL's literal host when a subscription is saved (a refusal the admin sees at once),
/// and on every address the host resolves to at connect time (<see cref="ConnectAsync"/>, the
/// <see cref="SocketsHttpHandler.ConnectCallback"/>), so that a name that resolves to a public address when
/// saved and to an internal one later (DNS rebinding) is still refused.
/// </summary>
public sealed class OutboundAddressPolicy
{
    // Not public: "this network", RFC 1918, CGNAT (RFC 6598), loopback, link-local (cloud metadata
    // 169.254.169.254 among them), IETF protocol assignments, TEST-NETs, benchmarking, multicast, reserved and broadcast.
    private static readonly IPNetwork[] ForbiddenV4 =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"), IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.0.0.0/24"), IPNetwork.Parse("192.0.2.0/24"),
        IPNetwork.Parse("192.168.0.0/16"), IPNetwork.Parse("198.18.0.0/15"), IPNetwork.Parse("198.51.100.0/24"), IPNetwork.Parse("203.0.113.0/24"),
        IPNetwork.Parse("224.0.0.0/4"), IPNetwork.Parse("240.0.0.0/4"),
    ];

    // Unspecified and loopback, NAT64 (may reach IPv4 internals), discard, documentation, unique-local, link-local, multicast.
    private static readonly IPNetwork[] ForbiddenV6 =
    [
        IPNetwork.Parse("::/128"), IPNetwork.Parse("::1/128"), IPNetwork.Parse("64:ff9b::/96"), IPNetwork.Parse("64:ff9b:1::/48"),
        IPNetwork.Parse("100::/64"), IPNetwork.Parse("2001:db8::/32"), IPNetwork.Parse("fc00::/7"), IPNetwork.Parse("fe80::/10"),
        IPNetwork.Parse("fec0::/10"), IPNetwork.Parse("ff00::/8"),
    ];

    private readonly bool _allowPrivate;
    private readonly IPNetwork[] _allowed;

    public OutboundAddressPolicy(IOptions<IntegrationOptions> options) : this(options.Value) { }

    public OutboundAddressPolicy(IntegrationOptions options)
    {
        _allowPrivate = options.AllowPrivateNetworks;
        _allowed = [.. options.AllowedNetworks.Select(IPNetwork.Parse)];
        AllowHttp = options.AllowHttp;
    }

    public bool AllowHttp { get; }

    /// <summary>Whether a delivery may connect to <paramref name="address"/>.</summary>
    public bool Allows(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (_allowPrivate || _allowed.Any(n => n.Contains(address))) return true;
        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => !ForbiddenV4.Any(n => n.Contains(address)),
            AddressFamily.InterNetworkV6 => !ForbiddenV6.Any(n => n.Contains(address)),
            _ => false,
        };
    }

    /// <summary>Why <paramref name="url"/> cannot be a subscription's URL, or null. Names are checked when they are resolved, at connect time.</summary>
    public string? Refuse(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) return "must be an absolute http(s) URL.";
        if (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && AllowHttp))
            return AllowHttp ? "must be an http or https URL." : "must be an https URL (http is allowed only with Align:Integrations:AllowHttp).";
        if (!string.IsNullOrEmpty(uri.UserInfo)) return "must not carry a user name or password.";
        var host = uri.IdnHost.Trim('[', ']');
        if (IPAddress.TryParse(host, out var literal))
            return Allows(literal) ? null : $"points to {literal}, which is not a public address; deliveries never reach loopback, private or link-local addresses.";
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
            return Allows(IPAddress.Loopback) ? null : "points to localhost; deliveries never reach loopback, private or link-local addresses.";
        return null;
    }

    /// <summary>
    /// Resolves the host, keeps only the addresses allowed, and connects to one of them: the address that is
    /// checked is the address connected to.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var allowed = addresses.Where(Allows).ToArray();
        if (allowed.Length == 0)
            throw new OutboundAddressRefusedException(
                $"Refused: {host} is {string.Join(", ", addresses.Select(a => a.ToString()))}, not a public address (Align:Integrations:AllowPrivateNetworks / AllowedNetworks).");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
