using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Orleans.Align.Gateway.Sso;

/// <summary>
/// The one HTTP handler the gateway talks to organizations' providers with (discovery on configuration, and
/// the OpenID Connect handler's metadata, keys, token and userinfo requests). An organization's admin
/// chooses the issuer, so the address is checked where the connection is made, after DNS (a name that
/// resolves to an internal address, or changes to one, is caught too): no loopback, private, link-local or
/// otherwise special address unless <see cref="SsoOptions"/> allows it. Redirects are not followed.
/// </summary>
public sealed class SsoBackchannel : IDisposable
{
    public SsoBackchannel(IOptions<SsoOptions> options)
    {
        var o = options.Value;
        Handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            ConnectTimeout = o.ProviderTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectCallback = async (context, ct) =>
            {
                var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, ct);
                var allowed = addresses.Where(a => IsAllowed(a, o.AllowLoopbackIssuers, o.AllowPrivateNetworkIssuers)).ToArray();
                if (allowed.Length == 0)
                    throw new HttpRequestException($"{context.DnsEndPoint.Host} resolves to no address this gateway may connect to (loopback and private networks are refused unless configured).");
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        Client = new HttpClient(Handler, disposeHandler: false) { Timeout = o.ProviderTimeout, MaxResponseContentBufferSize = 1024 * 1024 };
    }

    public SocketsHttpHandler Handler { get; }

    /// <summary>For the discovery check on configuration.</summary>
    public HttpClient Client { get; }

    public static bool IsAllowed(IPAddress address, bool loopback, bool privateNetworks)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address)) return loopback;
        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast)) return false;
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            var special = b[0] == 0 || b[0] >= 224 // "this network", multicast and reserved
                || (b[0] == 169 && b[1] == 254); // link-local (cloud metadata services live here)
            if (special) return false;
            var isPrivate = b[0] == 10 || (b[0] == 172 && b[1] is >= 16 and <= 31) || (b[0] == 192 && b[1] == 168)
                || (b[0] == 100 && b[1] is >= 64 and <= 127); // carrier-grade NAT
            return !isPrivate || privateNetworks;
        }
        if (address.IsIPv6LinkLocal || address.IsIPv6Multicast || address.IsIPv6SiteLocal) return false;
        if (address.IsIPv6UniqueLocal) return privateNetworks;
        return true;
    }

    public void Dispose()
    {
        Client.Dispose();
        Handler.Dispose();
    }
}
