using System.Net;
using System.Text.Json.Nodes;

namespace Orleans.Align.EndToEnd;

/// <summary>Every bad request gets a 4xx problem document and leaves the organization as it was.</summary>
[Collection(SystemCollection.Name)]
public sealed class BadInputTests(AlignSystem system)
{
    public static TheoryData<string, string, int> BadRequests => new()
    {
        { "/api/v1/events", "{\"events\":[{\"id\":\"b1\",\"metric\":\"leads\",\"value\":1,", 400 },
        { "/api/v1/events", "[]", 400 },
        { "/api/v1/events", "{}", 400 },
        { "/api/v1/events", "{\"events\":[]}", 400 },
        { "/api/v1/events", "{\"events\":[{\"metric\":\"leads\",\"value\":1,\"campaign\":\"launch\"}]}", 400 },
        { "/api/v1/events", "{\"events\":[{\"id\":\"b2\",\"metric\":\"Leads Total!\",\"value\":1,\"campaign\":\"launch\"}]}", 400 },
        { "/api/v1/events", "{\"events\":[{\"id\":\"b3\",\"metric\":\"leads\",\"value\":\"many\",\"campaign\":\"launch\"}]}", 400 },
        { "/api/v1/events", "{\"events\":[{\"id\":\"b4\",\"metric\":\"leads\",\"value\":1e300,\"campaign\":\"launch\"}]}", 400 },
        { "/api/v1/events", "{\"events\":[{\"id\":\"b5\",\"metric\":\"leads\",\"value\":1,\"timestamp\":\"2999-01-01T00:00:00Z\",\"campaign\":\"launch\"}]}", 400 },
        { "/api/v1/events", "{\"events\":[{\"id\":\"b6\",\"metric\":\"leads\",\"value\":1,\"campaign\":\"no-such-campaign\"}]}", 400 },
        { "/api/v1/events", "{\"events\":[{\"id\":\"b7\",\"metric\":\"leads\",\"value\":1,\"campaign\":\"launch\"},{\"id\":\"b8\",\"metric\":\"leads\"}]}", 400 },
        { "/api/v1/goals", "{\"id\":\"g1\",\"title\":\"x\",\"metric\":\"leads\",\"target\":-5,\"owners\":[\"sales\"],\"start\":\"2026-01-01T00:00:00Z\",\"end\":\"2027-01-01T00:00:00Z\"}", 400 },
        { "/api/v1/goals", "{\"id\":\"g2\",\"title\":\"x\",\"metric\":\"leads\",\"target\":5,\"owners\":[\"nobody\"],\"start\":\"2026-01-01T00:00:00Z\",\"end\":\"2027-01-01T00:00:00Z\"}", 400 },
        { "/api/v1/goals", "{\"id\":\"launch-leads\",\"title\":\"Other\",\"metric\":\"visits\",\"target\":5,\"owners\":[\"sales\"],\"start\":\"2026-01-01T00:00:00Z\",\"end\":\"2027-01-01T00:00:00Z\"}", 409 },
        { "/api/v1/departments", "{\"id\":\"Bad Id\",\"name\":\"x\"}", 400 },
        { "/api/v1/departments", "{\"id\":\"sales\",\"name\":\"Sales again\"}", 409 },
        { "/api/v1/campaigns", "{\"id\":\"c2\",\"name\":\"x\",\"departments\":[\"ghost\"]}", 400 },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Is_refused_with_a_problem_document_and_changes_nothing(string path, string body, int status)
    {
        var tenant = await system.CreateTenantAsync();
        var (_, goal) = await tenant.SeedLaunchAsync();
        await tenant.PostEventsAsync(("seed", 7));
        await Eventually.EqualAsync(7, () => tenant.ProgressAsync(goal));
        var before = await Snapshot(tenant);

        using var response = await tenant.SendAsync(HttpMethod.Post, path, body);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(status, problem["status"]!.GetValue<int>());
        Assert.False(string.IsNullOrWhiteSpace(problem["title"]?.GetValue<string>()));
        Assert.Equal(before, await Snapshot(tenant));
    }

    [Fact]
    public async Task An_oversized_batch_is_refused_with_413_or_400_and_nothing_is_stored()
    {
        var tenant = await system.CreateTenantAsync();
        var (_, goal) = await tenant.SeedLaunchAsync();
        var events = Enumerable.Range(0, 6_000).Select(i => new { id = $"big-{i}", metric = "leads", value = 1, campaign = "launch" });

        using var response = await tenant.SendAsync(HttpMethod.Post, "/api/v1/events", new { events });

        Assert.Contains((int)response.StatusCode, new[] { 400, 413 });
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await tenant.PostEventsAsync(("after", 1));
        await Eventually.EqualAsync(1, () => tenant.ProgressAsync(goal));
    }

    [Fact]
    public async Task Requests_without_a_key_or_with_a_wrong_key_get_401()
    {
        using var none = await system.Http.PostAsync("/api/v1/events", new StringContent("{\"events\":[]}", System.Text.Encoding.UTF8, "application/json"));
        var tenant = new Tenant(system, "nobody", "ak_wrong");
        using var wrong = await tenant.SendAsync(HttpMethod.Get, "/api/v1/goals");
        using var org = await tenant.SendAsync(HttpMethod.Post, "/api/v1/orgs", new { id = "sneaky", name = "Sneaky" });

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, org.StatusCode);
        Assert.Equal("application/problem+json", wrong.Content.Headers.ContentType?.MediaType);
    }

    private static async Task<string> Snapshot(Tenant tenant)
    {
        var parts = new List<string>();
        foreach (var path in new[] { "/api/v1/departments", "/api/v1/campaigns", "/api/v1/goals" })
        {
            var node = await tenant.GetOkAsync(path);
            // Order of listing is not part of the contract; updatedAt moves only with progress, which must not move either.
            parts.Add(string.Join("|", node.AsArray().Select(n => n!.ToJsonString()).Order(StringComparer.Ordinal)));
        }
        return string.Join("\n", parts);
    }
}
