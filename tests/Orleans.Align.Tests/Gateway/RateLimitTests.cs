using System.Net;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Orleans.Align.Gateway.Auth;
using Orleans.Align.Gateway.Limits;

namespace Orleans.Align.Tests.Gateway;

/// <summary>
/// Which buckets a request or a batch takes from, and what is refused. The buckets refill at 1/s so
/// that nothing refills during a test.
/// </summary>
public sealed class RateLimitTests
{
    private static readonly RateLimitOptions Small = new()
    {
        RequestsPerSecondPerKey = 1, RequestBurstPerKey = 3,
        RequestsPerSecondPerOrganization = 1, RequestBurstPerOrganization = 5,
        RequestsPerSecondPerAddress = 1, RequestBurstPerAddress = 2,
        EventsPerSecondPerOrganization = 1, EventBurstPerOrganization = 100,
    };

    private static EffectiveRateLimits Limits(RateLimitOptions? options = null, OrganizationRateLimits? overrides = null, int maxBatch = 10) =>
        EffectiveRateLimits.Of(options ?? Small, overrides ?? OrganizationRateLimits.Defaults, maxBatch);

    private static HttpContext Request(string? org = null, string key = "k1", string path = "/api/v1/goals", string address = "10.0.0.1", EffectiveRateLimits? limits = null)
    {
        var http = new DefaultHttpContext();
        http.Request.Path = path;
        http.Connection.RemoteIpAddress = IPAddress.Parse(address);
        if (org is not null)
        {
            http.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(AlignClaims.Org, org), new Claim(AlignClaims.KeyId, key)], "test"));
            RequestRateLimiter.SetOrganizationLimits(http, limits ?? Limits());
        }
        return http;
    }

    private static bool Admitted(RequestRateLimiter limiter, HttpContext http)
    {
        using var lease = limiter.AttemptAcquire(http);
        return lease.IsAcquired;
    }

    private static int AdmittedOf(RequestRateLimiter limiter, int count, Func<HttpContext> request) =>
        Enumerable.Range(0, count).Count(_ => Admitted(limiter, request()));

    [Fact]
    public void An_override_wins_over_the_default_and_a_lowered_rate_brings_one_second_of_burst()
    {
        var limits = Limits(new RateLimitOptions(), new OrganizationRateLimits(RequestsPerSecondPerKey: 10, EventsPerSecondPerOrganization: 20_000, EventBurstPerOrganization: 30_000), maxBatch: 5_000);

        Assert.Equal(10, limits.RequestsPerSecondPerKey);
        Assert.Equal(10, limits.RequestBurstPerKey);
        Assert.Equal(5_000, limits.RequestsPerSecondPerOrganization);
        Assert.Equal(10_000, limits.RequestBurstPerOrganization);
        Assert.Equal(20_000, limits.EventsPerSecondPerOrganization);
        Assert.Equal(30_000, limits.EventBurstPerOrganization);
    }

    [Fact]
    public void The_defaults_admit_the_load_benchmark_into_one_organization_with_one_key()
    {
        var limits = Limits(new RateLimitOptions(), maxBatch: 5_000);

        // 200,000 events/s in batches of 500 from 32 clients: 400 requests/s.
        Assert.True(limits.EventsPerSecondPerOrganization >= 200_000);
        Assert.True(limits.RequestsPerSecondPerKey >= 400 * 2);
    }

    [Fact]
    public void The_event_burst_is_never_below_the_largest_batch_so_a_full_batch_can_always_be_admitted()
    {
        var limits = Limits(overrides: new OrganizationRateLimits(EventsPerSecondPerOrganization: 100), maxBatch: 5_000);

        Assert.Equal(100, limits.EventsPerSecondPerOrganization);
        Assert.Equal(5_000, limits.EventBurstPerOrganization);
    }

    [Fact]
    public void A_key_over_its_burst_is_refused_with_a_retry_after_while_another_key_of_its_organization_is_admitted()
    {
        using var limiter = new RequestRateLimiter(Small);
        Assert.Equal(3, AdmittedOf(limiter, 3, () => Request("acme", "k1")));

        var refused = Request("acme", "k1");
        using var lease = limiter.AttemptAcquire(refused);

        Assert.False(lease.IsAcquired);
        Assert.True(lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) && retryAfter > TimeSpan.Zero);
        Assert.Equal(Bucket.Key, RequestRateLimiter.RefusedBy(refused)?.Scope);
        Assert.True(Admitted(limiter, Request("acme", "k2")));
    }

    [Fact]
    public void All_keys_of_an_organization_share_its_bucket_and_another_organization_is_untouched()
    {
        using var limiter = new RequestRateLimiter(Small);
        var admitted = Enumerable.Range(0, 10).Count(i => Admitted(limiter, Request("acme", $"k{i}")));

        Assert.Equal(5, admitted);
        var refused = Request("acme", "k-new");
        Assert.False(Admitted(limiter, refused));
        Assert.Equal(Bucket.Organization, RequestRateLimiter.RefusedBy(refused)?.Scope);
        Assert.Equal(3, AdmittedOf(limiter, 3, () => Request("globex", "k0")));
    }

    [Fact]
    public void Requests_without_a_key_are_limited_per_remote_address()
    {
        using var limiter = new RequestRateLimiter(Small);

        Assert.Equal(2, AdmittedOf(limiter, 5, () => Request(address: "10.0.0.1")));
        var refused = Request(address: "10.0.0.1");
        Assert.False(Admitted(limiter, refused));
        Assert.Equal(Bucket.Address, RequestRateLimiter.RefusedBy(refused)?.Scope);
        Assert.True(Admitted(limiter, Request(address: "10.0.0.2")));
        Assert.True(Admitted(limiter, Request("acme", address: "10.0.0.1"))); // a valid key is limited by its own buckets
    }

    [Theory]
    [InlineData("/", false)]
    [InlineData("/assets/index.js", false)]
    [InlineData("/health/ready", false)]
    [InlineData("/openapi/v1.json", false)]
    [InlineData("/api/v1/events", true)]
    [InlineData("/API/v1/goals", true)]
    [InlineData("/hubs/live/negotiate", true)]
    public void Only_the_api_and_the_hub_are_limited(string path, bool limited)
    {
        using var limiter = new RequestRateLimiter(Small);

        var admitted = AdmittedOf(limiter, 10, () => Request(path: path));

        Assert.Equal(limited ? 2 : 10, admitted);
    }

    [Fact]
    public async Task A_refused_request_asked_again_takes_no_second_token()
    {
        using var limiter = new RequestRateLimiter(Small);
        Assert.Equal(5, Enumerable.Range(0, 5).Count(i => Admitted(limiter, Request("acme", $"k{i}"))));

        // The middleware tries AttemptAcquire, then AcquireAsync: the key's token is spent once.
        var refused = Request("acme", "solo");
        Assert.False(Admitted(limiter, refused));
        Assert.False((await limiter.AcquireAsync(refused)).IsAcquired);

        Assert.Equal(Bucket.Organization, RequestRateLimiter.RefusedBy(refused)?.Scope);
        // With the organization's bucket out of the way, the key has 3 - 1 tokens left, not 3 - 2.
        var roomyOrganization = Limits(overrides: new OrganizationRateLimits(RequestBurstPerOrganization: 50));
        Assert.Equal(2, AdmittedOf(limiter, 5, () => Request("acme", "solo", limits: roomyOrganization)));
    }

    [Fact]
    public void A_changed_limit_takes_effect_at_once_with_a_bucket_of_its_own()
    {
        using var limiter = new RequestRateLimiter(Small);
        Assert.Equal(3, AdmittedOf(limiter, 10, () => Request("acme", "k1")));

        var raised = Limits(overrides: new OrganizationRateLimits(RequestsPerSecondPerKey: 1, RequestBurstPerKey: 4, RequestBurstPerOrganization: 50));

        Assert.Equal(4, AdmittedOf(limiter, 10, () => Request("acme", "k1", limits: raised)));
    }

    [Fact]
    public void Disabled_limits_refuse_nothing()
    {
        var off = new RateLimitOptions { Enabled = false, RequestsPerSecondPerAddress = 1, RequestBurstPerAddress = 1 };
        using var limiter = new RequestRateLimiter(off);
        using var events = new EventRateLimiter(Options.Create(off));

        Assert.Equal(20, AdmittedOf(limiter, 20, () => Request(address: "10.0.0.9")));
        Assert.Null(events.TryAdmit("acme", Limits(off), 10_000));
    }

    [Fact]
    public void A_batch_takes_as_many_permits_as_it_has_events_and_a_refused_batch_takes_none()
    {
        using var events = new EventRateLimiter(Options.Create(Small));
        var limits = Limits();

        Assert.Null(events.TryAdmit("acme", limits, 60));
        var refused = events.TryAdmit("acme", limits, 50);

        Assert.NotNull(refused);
        Assert.Equal(Bucket.Organization, refused.Value.Bucket.Scope);
        Assert.True(refused.Value.RetryAfter >= TimeSpan.FromSeconds(1));
        // The refused batch of 50 took nothing: 40 are still there.
        Assert.Null(events.TryAdmit("acme", limits, 40));
        Assert.NotNull(events.TryAdmit("acme", limits, 1));
    }

    [Fact]
    public void One_organization_out_of_events_leaves_another_organization_untouched()
    {
        using var events = new EventRateLimiter(Options.Create(Small));
        var limits = Limits();
        Assert.Null(events.TryAdmit("noisy", limits, 100));
        Assert.NotNull(events.TryAdmit("noisy", limits, 1));

        Assert.Null(events.TryAdmit("quiet", limits, 100));
    }

    [Fact]
    public void An_organization_with_no_event_left_is_known_exhausted_before_its_next_body_is_read()
    {
        using var events = new EventRateLimiter(Options.Create(Small));
        var limits = Limits();
        Assert.False(events.IsExhausted("acme", limits));

        Assert.Null(events.TryAdmit("acme", limits, 100));

        Assert.True(events.IsExhausted("acme", limits));
        Assert.False(events.IsExhausted("globex", limits));
    }

    [Fact]
    public void A_batch_the_validation_refuses_anyway_is_left_to_it()
    {
        using var events = new EventRateLimiter(Options.Create(Small));

        Assert.Null(events.TryAdmit("acme", Limits(), 0));
        Assert.Null(events.TryAdmit("acme", Limits(), 101)); // over the burst, and so over the largest batch: a 400
    }

    [Theory]
    [InlineData(0.0, "1")]
    [InlineData(0.2, "1")]
    [InlineData(1.0, "1")]
    [InlineData(1.01, "2")]
    [InlineData(59.5, "60")]
    public void Retry_after_is_in_whole_seconds_rounded_up_and_at_least_one(double seconds, string header) =>
        Assert.Equal(header, RateLimitProblems.RetryAfterSeconds(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Wrong_settings_are_named_at_start()
    {
        var errors = new RateLimitOptions { RequestsPerSecondPerKey = 0, EventBurstPerOrganization = -5, OrganizationLimitsCacheDuration = TimeSpan.Zero }.Validate().ToList();

        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, e => e.Contains("Align:Gateway:RateLimits:RequestsPerSecondPerKey", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("EventBurstPerOrganization", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("OrganizationLimitsCacheDuration", StringComparison.Ordinal));
        Assert.Empty(new RateLimitOptions().Validate());
    }

    [Fact]
    public void Organization_limits_out_of_range_are_named()
    {
        var limits = new OrganizationRateLimits(RequestsPerSecondPerKey: 0, EventsPerSecondPerOrganization: 5, EventBurstPerOrganization: int.MaxValue);

        Assert.Equal(["RequestsPerSecondPerKey", "EventBurstPerOrganization"], limits.OutOfRange());
        Assert.Empty(OrganizationRateLimits.Defaults.OutOfRange());
    }
}
