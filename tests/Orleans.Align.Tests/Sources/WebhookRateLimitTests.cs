using System.Net;
using Microsoft.AspNetCore.Http;
using Orleans.Align.Gateway.Limits;

namespace Orleans.Align.Tests.Sources;

/// <summary>
/// A tool's deliveries are anonymous: once the gateway knows the source's organization they take from
/// the source's bucket (an API key's size) and the organization's, never from the address's (one tool's
/// few addresses serve many organizations); before that, from the address's like any anonymous request.
/// </summary>
public sealed class WebhookRateLimitTests
{
    private static readonly RateLimitOptions Small = new()
    {
        RequestsPerSecondPerKey = 1, RequestBurstPerKey = 3,
        RequestsPerSecondPerOrganization = 1, RequestBurstPerOrganization = 5,
        RequestsPerSecondPerAddress = 1, RequestBurstPerAddress = 2,
        EventsPerSecondPerOrganization = 1, EventBurstPerOrganization = 100,
    };

    private static HttpContext Delivery(string? org, string source, string address = "10.0.0.1")
    {
        var http = new DefaultHttpContext();
        http.Request.Method = "POST";
        http.Request.Path = $"/api/v1/sources/{source}/webhook";
        http.Connection.RemoteIpAddress = IPAddress.Parse(address);
        if (org is not null)
        {
            RequestRateLimiter.SetWebhookSource(http, org, source);
            RequestRateLimiter.SetOrganizationLimits(http, EffectiveRateLimits.Of(Small, OrganizationRateLimits.Defaults, 10));
        }
        return http;
    }

    private static int Admitted(RequestRateLimiter limiter, int count, Func<HttpContext> request) =>
        Enumerable.Range(0, count).Count(_ =>
        {
            using var lease = limiter.AttemptAcquire(request());
            return lease.IsAcquired;
        });

    [Fact]
    public void A_known_source_takes_from_its_own_and_its_organizations_buckets_not_the_address()
    {
        using var limiter = new RequestRateLimiter(Small);
        const string A = "src-aaaaaaaaaaaaaaaaaaaa", B = "src-bbbbbbbbbbbbbbbbbbbb";

        Assert.Equal(["source", "organization"], limiter.BucketsOf(Delivery("acme", A)).Select(b => b.Scope));
        // The source's burst (3), from one address, well past the address's burst (2).
        Assert.Equal(3, Admitted(limiter, 10, () => Delivery("acme", A)));
        // A second source of the same organization: the organization's burst (5) leaves it 2.
        Assert.Equal(2, Admitted(limiter, 10, () => Delivery("acme", B)));
        // Another organization's source on the same address is untouched by both.
        Assert.Equal(3, Admitted(limiter, 10, () => Delivery("globex", "src-cccccccccccccccccccc")));
    }

    [Fact]
    public void A_source_not_yet_known_to_the_gateway_is_limited_per_address()
    {
        using var limiter = new RequestRateLimiter(Small);
        Assert.Equal(["address"], limiter.BucketsOf(Delivery(null, "src-dddddddddddddddddddd")).Select(b => b.Scope));
        Assert.Equal(2, Admitted(limiter, 10, () => Delivery(null, $"src-{Guid.NewGuid():N}"[..24])));
    }

    [Fact]
    public void Only_a_post_to_a_well_formed_source_webhook_path_is_a_delivery()
    {
        HttpContext Of(string method, string path)
        {
            var http = new DefaultHttpContext();
            http.Request.Method = method;
            http.Request.Path = path;
            return http;
        }
        Assert.Equal("src-aaaaaaaaaaaaaaaaaaaa", RateLimitHosting.WebhookSourceId(Of("POST", "/api/v1/sources/src-aaaaaaaaaaaaaaaaaaaa/webhook")));
        Assert.Null(RateLimitHosting.WebhookSourceId(Of("GET", "/api/v1/sources/src-aaaaaaaaaaaaaaaaaaaa/webhook")));
        Assert.Null(RateLimitHosting.WebhookSourceId(Of("POST", "/api/v1/sources/src-aaaaaaaaaaaaaaaaaaaa")));
        Assert.Null(RateLimitHosting.WebhookSourceId(Of("POST", "/api/v1/sources/x/y/webhook")));
        Assert.Null(RateLimitHosting.WebhookSourceId(Of("POST", "/api/v1/sources/src-AAAAAAAAAAAAAAAAAAAA/webhook")));
    }
}

/// <summary>HubSpot signs the URL it called: behind a proxy, the configured public base replaces the request's scheme and host.</summary>
public sealed class WebhookPublicUrlTests
{
    private static HttpContext Request()
    {
        var http = new DefaultHttpContext();
        http.Request.Scheme = "http";
        http.Request.Host = new HostString("10.0.0.5", 8080);
        http.Request.Path = "/api/v1/sources/src-aaaaaaaaaaaaaaaaaaaa/webhook";
        http.Request.QueryString = new QueryString("?portal=62515");
        return http;
    }

    [Fact]
    public void The_request_url_is_used_unless_a_public_base_url_is_configured()
    {
        Assert.Equal("http://10.0.0.5:8080/api/v1/sources/src-aaaaaaaaaaaaaaaaaaaa/webhook?portal=62515",
            Orleans.Align.Gateway.Api.SourceEndpoints.PublicUrl(Request(), new Orleans.Align.Gateway.Hosting.GatewayOptions()));
        Assert.Equal("https://align.example.com/api/v1/sources/src-aaaaaaaaaaaaaaaaaaaa/webhook?portal=62515",
            Orleans.Align.Gateway.Api.SourceEndpoints.PublicUrl(Request(), new Orleans.Align.Gateway.Hosting.GatewayOptions { PublicBaseUrl = "https://align.example.com/" }));
    }
}
