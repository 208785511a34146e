using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Align.Gateway.Auth;
using Orleans.Align.Gateway.Hosting;
using Orleans.Align.Gateway.Limits;
using Orleans.Align.Gateway.Telemetry;
using Orleans.Align.Tests.Support;

namespace Orleans.Align.Tests.Telemetry;

/// <summary>
/// The gateway's instruments group organizations by tier, a handful of values, and never name one:
/// an organization id in a tag would make one time series per tenant.
/// </summary>
public sealed class GatewayMetricsTests
{
    private static readonly RateLimitOptions Defaults = new();

    private static EffectiveRateLimits Limits(OrganizationRateLimits overrides) => EffectiveRateLimits.Of(Defaults, overrides, new GatewayOptions().MaxEventsPerBatch);

    [Fact]
    public void The_tier_says_how_an_organizations_limits_compare_with_the_defaults()
    {
        var defaults = Limits(OrganizationRateLimits.Defaults);

        Assert.Equal(OrganizationTier.Unknown, OrganizationTier.Of(null, defaults));
        Assert.Equal(OrganizationTier.Default, OrganizationTier.Of(Limits(OrganizationRateLimits.Defaults), defaults));
        Assert.Equal(OrganizationTier.Raised, OrganizationTier.Of(Limits(new(EventsPerSecondPerOrganization: Defaults.EventsPerSecondPerOrganization * 10)), defaults));
        Assert.Equal(OrganizationTier.Lowered, OrganizationTier.Of(Limits(new(EventsPerSecondPerOrganization: 5)), defaults));
        Assert.Equal(OrganizationTier.Custom, OrganizationTier.Of(Limits(new(RequestsPerSecondPerKey: 3)), defaults));
    }

    [Theory]
    [InlineData(200, "acknowledged", null)]
    [InlineData(400, "refused", "invalid")]
    [InlineData(401, "refused", "unauthorized")]
    [InlineData(409, "refused", "conflict")]
    [InlineData(413, "refused", "too_large")]
    [InlineData(422, "refused", "correction")]
    [InlineData(429, "refused", "rate_limited")]
    [InlineData(503, "unavailable", "unavailable")]
    [InlineData(500, "error", "other")]
    public void An_ingest_answer_is_classified_by_its_status(int status, string outcome, string? reason)
    {
        Assert.Equal(outcome, IngestMetering.OutcomeOf(status));
        Assert.Equal(reason, IngestMetering.ReasonOf(status));
    }

    [Fact]
    public async Task An_ingest_request_is_timed_to_its_answer_and_a_refused_one_counted_by_reason_and_tier()
    {
        using var meters = new MeterRecorder(GatewayMetrics.MeterName);
        var services = new ServiceCollection().AddOptions().Configure<RateLimitOptions>(_ => { }).Configure<GatewayOptions>(_ => { }).BuildServiceProvider();
        async Task<HttpContext> PostAsync(string path, int status, OrganizationRateLimits? limits)
        {
            var http = new DefaultHttpContext { RequestServices = services };
            http.Request.Method = "POST";
            http.Request.Path = path;
            if (limits is not null) RequestRateLimiter.SetOrganizationLimits(http, Limits(limits));
            await IngestMetering.InvokeAsync(http, async h => { await Task.Delay(30); h.Response.StatusCode = status; });
            return http;
        }

        await PostAsync(IngestMetering.IngestPath, 503, new(EventsPerSecondPerOrganization: 3));
        await PostAsync("/api/v1/goals", 400, null); // not ingest: not timed

        // A 30 ms answer is recorded in milliseconds (not seconds), once: the other request was not ingest.
        var timed = Assert.Single(meters.Of("align.ingest.duration"));
        Assert.Equal("unavailable", timed.Tags[GatewayMetrics.OutcomeTag]);
        Assert.True(timed.Value >= 25, $"{timed.Value}: milliseconds, not seconds");
        Assert.Contains(meters.Of("align.ingest.refusals"), m => Equals(m.Tags[GatewayMetrics.ReasonTag], "unavailable") && Equals(m.Tags[GatewayMetrics.TierTag], OrganizationTier.Lowered));
        Assert.True(timed.Value < 30_000, $"{timed.Value}: milliseconds, not ticks");
    }

    [Fact]
    public void Ingest_and_rate_limit_measurements_carry_the_tier_and_never_the_organization()
    {
        const string OrgId = "t-tier-tag-7f3a";
        using var meters = new MeterRecorder(GatewayMetrics.MeterName);
        var services = new ServiceCollection().AddOptions().Configure<RateLimitOptions>(_ => { }).Configure<GatewayOptions>(_ => { }).BuildServiceProvider();
        HttpContext Request(OrganizationRateLimits overrides)
        {
            var http = new DefaultHttpContext { RequestServices = services };
            http.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(AlignClaims.Org, OrgId)], "test"));
            RequestRateLimiter.SetOrganizationLimits(http, Limits(overrides));
            return http;
        }

        IngestMetering.CountEvents(Request(new(EventsPerSecondPerOrganization: Defaults.EventsPerSecondPerOrganization * 4)), accepted: 7, duplicates: 2, conflicts: 1);
        RateLimitProblems.TooManyRequests(Request(new(EventsPerSecondPerOrganization: 1)), TimeSpan.FromSeconds(1), "limited", Bucket.Organization, "events");

        var events = meters.Of("align.ingest.events");
        Assert.Contains(events, m => m.Value == 7 && Equals(m.Tags[GatewayMetrics.OutcomeTag], "accepted") && Equals(m.Tags[GatewayMetrics.TierTag], OrganizationTier.Raised));
        Assert.Contains(events, m => m.Value == 2 && Equals(m.Tags[GatewayMetrics.OutcomeTag], "duplicate"));
        Assert.Contains(events, m => m.Value == 1 && Equals(m.Tags[GatewayMetrics.OutcomeTag], "conflict"));
        Assert.Contains(meters.Of("align.ratelimit.refusals"), m => Equals(m.Tags[GatewayMetrics.LimiterTag], Bucket.Organization)
            && Equals(m.Tags[GatewayMetrics.LimitTag], "events") && Equals(m.Tags[GatewayMetrics.TierTag], OrganizationTier.Lowered));

        Assert.All(meters.Measurements, m =>
        {
            Assert.DoesNotContain(m.Tags.Values, v => v?.ToString()?.Contains(OrgId) == true);
            if (m.Tags.TryGetValue(GatewayMetrics.TierTag, out var tier)) Assert.Contains((string)tier!, OrganizationTier.All);
        });
    }
}
