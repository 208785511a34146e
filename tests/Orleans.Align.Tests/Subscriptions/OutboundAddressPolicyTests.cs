using System.Net;
using System.Net.Sockets;
using Orleans.Align.Grains.Subscriptions;

namespace Orleans.Align.Tests.Subscriptions;

/// <summary>The guard against server-side request forgery, with the production defaults and with the operator's exceptions.</summary>
public sealed class OutboundAddressPolicyTests
{
    private static OutboundAddressPolicy Policy(bool allowPrivate = false, bool allowHttp = false, params string[] allowed) =>
        new(new IntegrationOptions { AllowPrivateNetworks = allowPrivate, AllowHttp = allowHttp, AllowedNetworks = [.. allowed] });

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.8.9.10")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.254")]
    [InlineData("192.168.0.10")]
    [InlineData("100.64.0.1")]
    [InlineData("100.127.255.254")]
    [InlineData("169.254.169.254")]
    [InlineData("0.0.0.0")]
    [InlineData("0.1.2.3")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fe80::1")]
    [InlineData("fd00::1")]
    [InlineData("fc12:3456::1")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("64:ff9b::a00:1")]
    public void Non_public_addresses_are_refused_by_default(string address)
    {
        Assert.False(Policy().Allows(IPAddress.Parse(address)));
        Assert.True(Policy(allowPrivate: true).Allows(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("1.1.1.1")]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("11.0.0.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    public void Public_addresses_are_allowed(string address) => Assert.True(Policy().Allows(IPAddress.Parse(address)));

    [Fact]
    public void An_allowed_network_opens_that_network_only()
    {
        var policy = Policy(allowed: "10.20.0.0/16");
        Assert.True(policy.Allows(IPAddress.Parse("10.20.3.4")));
        Assert.False(policy.Allows(IPAddress.Parse("10.21.3.4")));
        Assert.False(policy.Allows(IPAddress.Loopback));
    }

    [Theory]
    [InlineData("https://10.0.0.1/hook")]
    [InlineData("https://169.254.169.254/latest/meta-data/")]
    [InlineData("https://[::1]/hook")]
    [InlineData("https://[fd00::2]:8443/hook")]
    [InlineData("https://localhost/hook")]
    [InlineData("https://api.localhost/hook")]
    [InlineData("http://hooks.example.com/hook")]
    [InlineData("ftp://hooks.example.com/hook")]
    [InlineData("https://user:pass@hooks.example.com/hook")]
    [InlineData("/relative")]
    public void Urls_are_refused_on_their_literal_host_scheme_or_credentials(string url) => Assert.NotNull(Policy().Refuse(url));

    [Theory]
    [InlineData("https://hooks.slack.com/services/T000/B000/XXXX")]
    [InlineData("https://8.8.8.8/hook")]
    public void Public_https_urls_are_accepted(string url) => Assert.Null(Policy().Refuse(url));

    [Fact]
    public void Http_is_accepted_only_when_allowed()
    {
        Assert.NotNull(Policy().Refuse("http://8.8.8.8/hook"));
        Assert.Null(Policy(allowHttp: true).Refuse("http://8.8.8.8/hook"));
    }

    /// <summary>
    /// The connect-time check, through a real HttpClient: a name resolving to loopback is refused before any
    /// connection is made (what DNS rebinding would exploit), and reached once the operator allows it.
    /// </summary>
    [Fact]
    public async Task A_name_resolving_to_loopback_is_refused_at_connect_time_unless_allowed()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        using var refusing = Client(Policy(allowHttp: true));
        var refused = await Assert.ThrowsAnyAsync<HttpRequestException>(() => refusing.GetAsync($"http://localhost:{port}/hook"));
        Assert.Contains("not a public address", Find<OutboundAddressRefusedException>(refused)?.Message ?? "");
        Assert.False(listener.Pending());

        using var allowing = Client(Policy(allowPrivate: true, allowHttp: true));
        var request = allowing.GetAsync($"http://localhost:{port}/hook");
        using var accepted = await listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(10));
        var stream = accepted.GetStream();
        var read = await stream.ReadAsync(new byte[4096]); // the request's head (small: it fits)
        Assert.True(read > 0);
        await stream.WriteAsync("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray());
        using var answer = await request;
        Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
    }

    private static HttpClient Client(OutboundAddressPolicy policy) =>
        new(new SocketsHttpHandler { ConnectCallback = policy.ConnectAsync, UseProxy = false, AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(10) };

    private static T? Find<T>(Exception? ex) where T : Exception
    {
        for (; ex is not null; ex = ex.InnerException) if (ex is T found) return found;
        return null;
    }
}
