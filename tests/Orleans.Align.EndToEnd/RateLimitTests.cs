using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Orleans.Align.Grains;

namespace Orleans.Align.EndToEnd;

/// <summary>
/// Rate limits per key and per organization, set per organization by the platform operator and
/// applied without a restart: a flooding tenant is refused with 429, Retry-After and a problem
/// document, nothing refused is counted, and another tenant flooding at the same time is not refused.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class RateLimitTests(AlignSystem system)
{
    private const int BatchSize = 1_000, Batches = 16;

    private async Task<HttpResponseMessage> PutLimitsAsync(string orgId, object limits, string key = AlignSystem.PlatformAdminKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/orgs/{orgId}/limits") { Content = JsonContent.Create(limits) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await system.Http.SendAsync(request);
    }

    private async Task SetLimitsAsync(string orgId, object limits)
    {
        using var response = await PutLimitsAsync(orgId, limits);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"PUT limits: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary><see cref="Batches"/> batches of <see cref="BatchSize"/> distinct events, all at once; the responses in order.</summary>
    private static async Task<(HttpStatusCode Status, int Accepted, string? RetryAfter, string? ContentType, JsonNode? Body)[]> FloodAsync(Tenant tenant, string prefix)
    {
        return await Task.WhenAll(Enumerable.Range(0, Batches).Select(async b =>
        {
            var events = Enumerable.Range(0, BatchSize).Select(i => new { id = $"{prefix}-{b}-{i}", metric = "leads", value = 1, campaign = "launch", department = "marketing", source = "flood" });
            using var response = await tenant.SendAsync(HttpMethod.Post, "/api/v1/events", new { events });
            var text = await response.Content.ReadAsStringAsync();
            var body = text.Length > 0 ? JsonNode.Parse(text) : null;
            var accepted = response.StatusCode == HttpStatusCode.OK ? body!["accepted"]!.GetValue<int>() : 0;
            return (response.StatusCode, accepted, response.Headers.RetryAfter?.ToString(), response.Content.Headers.ContentType?.MediaType, body);
        }));
    }

    /// <summary>Waits for the goal to count <paramref name="expected"/> events, then checks it stays there.</summary>
    private static async Task AssertCountsAsync(Tenant tenant, string goal, long expected)
    {
        var waited = Stopwatch.StartNew();
        long counted;
        while ((counted = (await tenant.GetOkAsync($"/api/v1/goals/{goal}"))["eventCount"]!.GetValue<long>()) != expected && waited.Elapsed < TimeSpan.FromSeconds(20))
            await Task.Delay(100);
        await Task.Delay(1_000);
        counted = (await tenant.GetOkAsync($"/api/v1/goals/{goal}"))["eventCount"]!.GetValue<long>();
        Assert.Equal(expected, counted);
    }

    [Fact]
    public async Task A_tenant_whose_limits_were_lowered_is_refused_when_it_floods_and_a_tenant_flooding_beside_it_is_not()
    {
        var noisy = await system.CreateTenantAsync("noisy");
        var other = await system.CreateTenantAsync("other");
        var (_, noisyGoal) = await noisy.SeedLaunchAsync(target: 1_000_000);
        var (_, otherGoal) = await other.SeedLaunchAsync(target: 1_000_000);
        // 100 events/s; the burst cannot go below the largest batch (5,000 events).
        await SetLimitsAsync(noisy.Id, new { eventsPerSecondPerOrganization = 100, eventBurstPerOrganization = 5_000 });

        var floods = await Task.WhenAll(FloodAsync(noisy, "n"), FloodAsync(other, "o"));
        var (refused, admitted) = (floods[0], floods[1]);

        var tooMany = refused.Where(r => r.Status == HttpStatusCode.TooManyRequests).ToList();
        Assert.All(refused, r => Assert.Contains(r.Status, new[] { HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
        Assert.InRange(tooMany.Count, Batches - 6, Batches - 4); // 5,000 events of burst, and at most a second's refill
        Assert.All(tooMany, r =>
        {
            Assert.True(int.TryParse(r.RetryAfter, out var seconds) && seconds >= 1, $"Retry-After '{r.RetryAfter}'");
            Assert.Equal("application/problem+json", r.ContentType);
            Assert.Equal(429, r.Body!["status"]!.GetValue<int>());
            Assert.Contains("organization", r.Body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        });
        Assert.All(admitted, r => Assert.Equal(HttpStatusCode.OK, r.Status));

        await AssertCountsAsync(noisy, noisyGoal, refused.Sum(r => r.Accepted));
        await AssertCountsAsync(other, otherGoal, Batches * BatchSize);
    }

    [Fact]
    public async Task A_lowered_request_limit_refuses_one_key_with_a_problem_and_lifting_it_takes_effect_without_a_restart()
    {
        var tenant = await system.CreateTenantAsync("keys");
        var readKey = await tenant.CreateReadKeyAsync();
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(tenant, tenant.ApiKey));

        await SetLimitsAsync(tenant.Id, new { requestsPerSecondPerKey = 1, requestBurstPerKey = 3 });
        var (admitted, refusal) = await SendUntilRefusedAsync(tenant);
        using var refused = refusal;

        Assert.InRange(admitted, 3, 5); // the burst, and what refills while the requests are sent
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = await refused.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(429, problem!["status"]!.GetValue<int>());
        Assert.Contains("API key", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(tenant, readKey)); // another key of the same organization

        await SetLimitsAsync(tenant.Id, new { });
        for (var i = 0; i < 20; i++) Assert.Equal(HttpStatusCode.OK, await StatusAsync(tenant, tenant.ApiKey));
    }

    [Fact]
    public async Task A_limit_stored_in_the_cluster_reaches_a_gateway_that_did_not_set_it_within_seconds()
    {
        var tenant = await system.CreateTenantAsync("spread");
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(tenant, tenant.ApiKey)); // this gateway now holds the defaults

        // As another gateway would: straight to the organization grain, so this gateway's cache is not told.
        await using (var probe = await system.ConnectProbeAsync())
            await probe.Client.GetGrain<IOrganizationGrain>(tenant.Id).SetRateLimitsAsync(new OrganizationRateLimits(RequestsPerSecondPerOrganization: 1, RequestBurstPerOrganization: 1));

        var waited = Stopwatch.StartNew();
        while (await StatusAsync(tenant, tenant.ApiKey) != HttpStatusCode.TooManyRequests)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(15), "The lowered limit never took effect on the gateway.");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Only_the_platform_operator_sets_limits_and_they_are_validated()
    {
        var tenant = await system.CreateTenantAsync("guard");

        using (var byTenant = await PutLimitsAsync(tenant.Id, new { requestsPerSecondPerKey = 1_000_000 }, key: tenant.ApiKey))
            Assert.Equal(HttpStatusCode.Forbidden, byTenant.StatusCode);
        using (var invalid = await PutLimitsAsync(tenant.Id, new { requestsPerSecondPerKey = 0 }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
            Assert.Equal("application/problem+json", invalid.Content.Headers.ContentType?.MediaType);
        }
        using (var unknown = await PutLimitsAsync("no-such-org-" + Guid.NewGuid().ToString("N")[..8], new { }))
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/orgs/{tenant.Id}/limits");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AlignSystem.PlatformAdminKey);
        using var read = await system.Http.SendAsync(request);
        var body = JsonNode.Parse(await read.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Null(body["overrides"]!["requestsPerSecondPerKey"]);
        Assert.Equal(250_000, body["effective"]!["eventsPerSecondPerOrganization"]!.GetValue<int>());
    }

    [Fact]
    public async Task Every_api_operation_declares_429_with_a_problem_document()
    {
        var document = JsonNode.Parse(await system.Http.GetStringAsync("/openapi/v1.json"))!;

        var operations = document["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject().Select(o => (Name: $"{o.Key.ToUpperInvariant()} {p.Key}", Responses: o.Value!["responses"]!))).ToList();

        Assert.NotEmpty(operations);
        Assert.All(operations, o => Assert.True(o.Responses["429"]?["content"]?["application/problem+json"] is not null, $"{o.Name} does not declare 429."));
    }

    /// <summary>Requests one at a time until one is not a 200 (at most 50): how many were admitted, and that answer.</summary>
    private static async Task<(int Admitted, HttpResponseMessage Refused)> SendUntilRefusedAsync(Tenant tenant)
    {
        for (var admitted = 0; ; admitted++)
        {
            var response = await tenant.SendAsync(HttpMethod.Get, "/api/v1/departments");
            if (response.StatusCode != HttpStatusCode.OK || admitted == 50) return (admitted, response);
            response.Dispose();
        }
    }

    private static async Task<HttpStatusCode> StatusAsync(Tenant tenant, string key)
    {
        using var response = await tenant.SendAsync(HttpMethod.Get, "/api/v1/departments", key: key);
        return response.StatusCode;
    }
}
