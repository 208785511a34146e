using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Align.Gateway.Mail;

namespace Orleans.Align.Tests.People;

/// <summary>The gateway's mail sender: a failure is an answer (false), never an exception, and links never come from the request.</summary>
public sealed class MailSenderTests
{
    private sealed class FakeServer(params string[] addresses) : IServer
    {
        public IFeatureCollection Features { get; } = Make(addresses);

        private static FeatureCollection Make(string[] addresses)
        {
            var features = new FeatureCollection();
            var feature = new ServerAddressesFeature();
            foreach (var a in addresses) feature.Addresses.Add(a);
            features.Set<IServerAddressesFeature>(feature);
            return features;
        }

        public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken) where TContext : notnull => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public void Dispose() { }
    }

    private static MailSender Sender(MailOptions options, params string[] addresses) =>
        new(Options.Create(options), new FakeServer(addresses), NullLogger<MailSender>.Instance);

    private static readonly MailMessage Mail = new("pat@example.com", "Pat", "Hello", "Body");

    [Fact]
    public async Task Mail_off_sends_nothing_and_says_so()
    {
        var sender = Sender(new MailOptions());
        Assert.False(sender.Enabled);
        Assert.False(await sender.TrySendAsync(Mail));
    }

    [Fact]
    public async Task A_server_that_is_not_there_is_a_false_not_an_exception()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        var sender = Sender(new MailOptions { Host = "127.0.0.1", Port = port, Tls = "none", SendTimeout = TimeSpan.FromSeconds(2) });
        Assert.False(await sender.TrySendAsync(Mail));
    }

    [Fact]
    public async Task A_server_that_never_answers_is_given_up_after_the_send_timeout()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0); // accepts connections, says nothing
        listener.Start();
        var sender = Sender(new MailOptions { Host = "127.0.0.1", Port = ((IPEndPoint)listener.LocalEndpoint).Port, Tls = "none", SendTimeout = TimeSpan.FromMilliseconds(500) });
        var started = DateTime.UtcNow;
        Assert.False(await sender.TrySendAsync(Mail));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Links_use_the_public_url_or_the_gateways_own_address()
    {
        Assert.Equal("https://align.example.com/?reset=t", Sender(new MailOptions { PublicUrl = "https://align.example.com/" }, "http://127.0.0.1:5080").Link("reset=t"));
        Assert.Equal("http://127.0.0.1:5080/?invite=t", Sender(new MailOptions(), "http://127.0.0.1:5080").Link("invite=t"));
        Assert.Equal("http://localhost:8080/?invite=t", Sender(new MailOptions(), "http://+:8080").Link("invite=t"));
        Assert.Equal("invite=a%2Bb&email=pat%40example.com&org=acme", MailLinks.Query("invite", "a+b", "pat@example.com", "acme"));
    }

    [Theory]
    [InlineData(0, "startTls", "", "Port")]
    [InlineData(25, "tls13", "", "Tls")]
    [InlineData(25, "none", "ftp://x", "PublicUrl")]
    public void Wrong_settings_are_refused_at_start(int port, string tls, string publicUrl, string named)
    {
        var problems = new MailOptions { Host = "smtp.example.com", Port = port, Tls = tls, PublicUrl = publicUrl }.Validate().ToList();
        Assert.Contains(problems, p => p.Contains(named, StringComparison.Ordinal));
        Assert.Empty(new MailOptions { Host = "", Port = port, Tls = tls }.Validate()); // off: nothing to check
    }
}
