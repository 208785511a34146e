using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;

namespace Orleans.Align.EndToEnd;

/// <summary>Requests and checks the alignment tests share: events of any metric, goals, problem documents.</summary>
internal static class AlignmentApi
{
    /// <summary>Departments marketing, pr and sales, and campaigns they all run (the launch by default); no goal yet.</summary>
    public static async Task SeedOrganizationAsync(this Tenant tenant, params string[] campaigns)
    {
        foreach (var d in new[] { "marketing", "pr", "sales" }) await tenant.PostOkAsync("/api/v1/departments", new { id = d, name = d.ToUpperInvariant() });
        foreach (var c in campaigns.Length > 0 ? campaigns : ["launch"])
            await tenant.PostOkAsync("/api/v1/campaigns", new { id = c, name = $"Campaign {c}", departments = new[] { "marketing", "pr", "sales" } });
    }

    /// <summary>An event as integrations send it; campaign and department default to the seeded launch.</summary>
    public static object Event(string id, string metric, double value, string? campaign = "launch", string? department = "marketing",
        string? source = "e2e", DateTimeOffset? timestamp = null) =>
        new { id, metric, value, campaign, department, source, timestamp };

    public static Task<JsonNode> IngestAsync(this Tenant tenant, params object[] events) =>
        tenant.PostOkAsync("/api/v1/events", new { events });

    /// <summary>A goal body that a test adjusts before posting: owned by marketing, over the launch campaign, started a day ago, ending in a month.</summary>
    public static JsonObject Goal(string id, string? metric, double? target = 100, DateTimeOffset? start = null) => new()
    {
        ["id"] = id,
        ["title"] = $"Goal {id}",
        ["metric"] = metric,
        ["target"] = target,
        ["owners"] = new JsonArray("marketing"),
        ["scope"] = new JsonObject { ["campaign"] = "launch" },
        ["start"] = start ?? DateTimeOffset.UtcNow.AddDays(-1),
        ["end"] = (start ?? DateTimeOffset.UtcNow).AddDays(30),
    };

    public static Task<JsonNode> CreateGoalAsync(this Tenant tenant, JsonObject goal) => tenant.PostOkAsync("/api/v1/goals", goal);

    public static async Task<JsonNode> GetOkAsync(this Tenant tenant, string path, string key)
    {
        using var response = await tenant.SendAsync(HttpMethod.Get, path, key: key);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path} failed: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    public static async Task<JsonNode> PutOkAsync(this Tenant tenant, string path, object body)
    {
        using var response = await tenant.SendAsync(HttpMethod.Put, path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"PUT {path} failed: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    /// <summary>Polls a read until it satisfies <paramref name="until"/>: views move just after the acknowledgement.</summary>
    public static async Task<JsonNode> GetUntilAsync(this Tenant tenant, string path, Func<JsonNode, bool> until, int timeoutMs = 10_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        JsonNode last;
        do
        {
            last = await tenant.GetOkAsync(path);
            if (until(last)) return last;
            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);
        Assert.Fail($"GET {path} never satisfied the condition; last answer: {last.ToJsonString()}");
        return last;
    }

    public static Task<JsonNode> GoalWhenAsync(this Tenant tenant, string goal, Func<JsonNode, bool> until) =>
        tenant.GetUntilAsync($"/api/v1/goals/{goal}", until);

    public static double? Number(this JsonNode? node) => node?.GetValue<double>();

    public static string Text(this JsonNode? node) => node?.GetValue<string>() ?? "";

    /// <summary>An instant as a query value: round-trip format, escaped so its '+' survives.</summary>
    public static string Query(DateTimeOffset at) => Uri.EscapeDataString(at.ToUniversalTime().ToString("O"));

    /// <summary>Asserts an RFC 9457 problem document with the status, and the field's errors when one is named.</summary>
    public static async Task<JsonNode> AssertProblemAsync(HttpResponseMessage response, int status, string? field = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(text)!;
        Assert.Equal(status, problem["status"]!.GetValue<int>());
        Assert.False(string.IsNullOrWhiteSpace(problem["title"].Text()));
        if (field is not null)
        {
            var errors = problem["errors"]?.AsObject();
            Assert.True(errors is not null && errors.ContainsKey(field), $"expected an error for '{field}': {text}");
        }
        return problem;
    }

    public static async Task AssertStatusAsync(this Tenant tenant, HttpMethod method, string path, object? body, HttpStatusCode status, string? key = null)
    {
        using var response = await tenant.SendAsync(method, path, body, key);
        await AssertProblemAsync(response, (int)status);
    }
}

/// <summary>
/// One organization per test class for tables of requests that must change nothing: a row that did
/// change something fails on its own before/after comparison, and seeding a tenant per row would cost
/// the suite seconds for no extra coverage.
/// </summary>
internal static class SharedTenant
{
    private static readonly ConcurrentDictionary<(AlignSystem, string), Lazy<Task<Tenant>>> Tenants = new();

    public static Task<Tenant> GetAsync(AlignSystem system, string name, Func<Tenant, Task> seed) =>
        Tenants.GetOrAdd((system, name), _ => new Lazy<Task<Tenant>>(async () =>
        {
            var tenant = await system.CreateTenantAsync(name);
            await seed(tenant);
            return tenant;
        })).Value;
}
