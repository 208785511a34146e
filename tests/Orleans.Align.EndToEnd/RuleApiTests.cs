using System.Net;
using static Orleans.Align.EndToEnd.AlignmentApi;

namespace Orleans.Align.EndToEnd;

/// <summary>
/// Trigger rules and check-in cadence over the API: a rule posts to the departments it names, a
/// cadence shows on the scorecard, every bad request is refused with a problem document that changes
/// nothing, and another organization's rules and departments are as if they did not exist.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class RuleApiTests(AlignSystem system)
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    /// <summary>Departments marketing, pr, sales; campaign launch; rule <c>coverage</c> (media mentions in launch reaching 10 in an hour tells sales).</summary>
    private static async Task SeedAsync(Tenant tenant)
    {
        foreach (var d in new[] { "marketing", "pr", "sales" }) await tenant.PostOkAsync("/api/v1/departments", new { id = d, name = d.ToUpperInvariant() });
        await tenant.PostOkAsync("/api/v1/campaigns", new { id = "launch", name = "Launch", departments = new[] { "marketing", "pr", "sales" } });
        await tenant.PostOkAsync("/api/v1/rules", CoverageRule());
    }

    private static object ChangedCoverage() => new
    {
        name = "Coverage is landing", metric = "media_mentions", condition = "above", threshold = 1, windowMinutes = 60, notify = new[] { "pr" },
    };

    private static object CoverageRule() => new
    {
        id = "coverage",
        name = "Coverage is landing",
        metric = "media_mentions",
        scope = new { campaign = "launch" },
        condition = "above",
        threshold = 10,
        windowMinutes = 60,
        notify = new[] { "sales" },
        message = "expect inquiries",
    };

    [Fact]
    public async Task A_rule_posts_to_the_departments_it_names_and_a_cadence_shows_on_the_scorecard()
    {
        var tenant = await system.CreateTenantAsync("rules");
        await SeedAsync(tenant);
        Assert.Equal("coverage", (await tenant.GetOkAsync("/api/v1/rules"))[0]!["rule"]!["id"].Text());

        await tenant.IngestAsync(new { id = "m1", metric = "media_mentions", value = 12, campaign = "launch", department = "pr", timestamp = Now });

        // The hold time (5 minutes by default) keeps the alert back, but the rule shows that its condition holds.
        var rule = await tenant.GetUntilAsync("/api/v1/rules/coverage", r => r["current"].Number() == 12);
        Assert.True(rule["holds"]!.GetValue<bool>());

        var scorecard = await tenant.PutOkAsync("/api/v1/departments/marketing/check-in-cadence", new { everyDays = 7 });
        Assert.Equal(7, scorecard["checkInCadence"]!["everyDays"].Number());
        scorecard = await tenant.PutOkAsync("/api/v1/departments/marketing/check-in-cadence", new { });
        Assert.Null(scorecard["checkInCadence"]);
    }

    [Fact]
    public async Task A_crisis_rule_reaches_every_department_it_names_on_their_feeds_and_nobody_else()
    {
        var tenant = await system.CreateTenantAsync("rules-crisis");
        await tenant.PutOkAsync("/api/v1/settings", new { alertHoldMinutes = 0 });
        foreach (var d in new[] { "marketing", "pr", "sales", "finance" }) await tenant.PostOkAsync("/api/v1/departments", new { id = d, name = d });
        await tenant.PostOkAsync("/api/v1/metrics", new { key = "negative_mentions", name = "Negative mentions", kind = "additive", unit = "count", lowerIsBetter = true });
        await tenant.PostOkAsync("/api/v1/rules", new
        {
            id = "crisis", name = "Crisis", metric = "negative_mentions", condition = "above", threshold = 20, windowMinutes = 60,
            notify = new[] { "marketing", "pr", "sales" }, message = "respond together",
        });

        await tenant.IngestAsync(new { id = "n1", metric = "negative_mentions", value = 25, department = "pr", timestamp = Now });

        foreach (var d in new[] { "marketing", "pr", "sales" })
        {
            var feed = await tenant.GetUntilAsync($"/api/v1/feed?kind=alert&department={d}", f => f.AsArray().Count == 1);
            Assert.Equal(("trigger", "open"), (feed[0]!["reason"].Text(), feed[0]!["state"].Text()));
            Assert.Contains("respond together", feed[0]!["text"].Text());
        }
        Assert.Empty((await tenant.GetOkAsync("/api/v1/feed?kind=alert&department=finance")).AsArray());
    }

    [Fact]
    public async Task A_rule_can_be_changed_to_any_metric_kind_and_deleted()
    {
        var tenant = await system.CreateTenantAsync("rules-change");
        await SeedAsync(tenant);
        await tenant.IngestAsync(
            new { id = "v1", metric = "visits", value = 200, campaign = "launch", department = "marketing", timestamp = Now },
            new { id = "c1", metric = "conversions", value = 10, campaign = "launch", department = "sales", timestamp = Now });

        // A change is a new revision that reads the log from its start: a ratio, from the window's summed parts.
        var changed = await tenant.PutOkAsync("/api/v1/rules/coverage", new
        {
            name = "Conversion slump", metric = "conversion_rate", scope = new { campaign = "launch" }, condition = "below", threshold = 0.1,
            windowMinutes = 60, notify = new[] { "marketing", "sales" },
        });
        Assert.Equal((1, "conversion_rate"), ((int)changed["rule"]!["revision"].Number()!.Value, changed["rule"]!["metric"].Text()));
        Assert.Equal(0.05, changed["current"].Number()!.Value, 9);
        Assert.True(changed["holds"]!.GetValue<bool>());
        Assert.Equal(0.05, (await tenant.GetOkAsync("/api/v1/rules/coverage"))["current"].Number()!.Value, 9);

        // The same definition again changes nothing.
        var again = await tenant.PutOkAsync("/api/v1/rules/coverage", new
        {
            name = "Conversion slump", metric = "conversion_rate", scope = new { campaign = "launch" }, condition = "below", threshold = 0.1,
            windowMinutes = 60, notify = new[] { "sales", "marketing" },
        });
        Assert.Equal(1, (int)again["rule"]!["revision"].Number()!.Value);

        using (var deleted = await tenant.SendAsync(HttpMethod.Delete, "/api/v1/rules/coverage", null))
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await tenant.AssertStatusAsync(HttpMethod.Get, "/api/v1/rules/coverage", null, HttpStatusCode.NotFound);
        Assert.DoesNotContain((await tenant.GetOkAsync("/api/v1/rules")).AsArray(), r => r!["rule"]!["id"].Text() == "coverage");
    }

    public static TheoryData<string, string, string, int, string?> BadRequests => new()
    {
        { "POST", "/api/v1/rules", """{"name":"X","metric":"leads","condition":"above","threshold":1,"windowMinutes":60,"notify":["sales"]}""", 400, "id" },
        { "POST", "/api/v1/rules", """{"id":"r","name":"X","metric":"leads","condition":"above","threshold":1,"windowMinutes":60,"notify":["sales"],"notifiy":["pr"]}""", 400, null },
        { "POST", "/api/v1/rules", """{"id":"r","name":"X","metric":"leads","condition":"sideways","threshold":1,"windowMinutes":60,"notify":["sales"]}""", 400, null },
        { "POST", "/api/v1/rules", """{"id":"r","name":"X","metric":"leads","condition":"above","windowMinutes":60,"notify":["sales"]}""", 400, "threshold" },
        { "POST", "/api/v1/rules", """{"id":"r","name":"X","metric":"leads","condition":"risesBy","threshold":0,"windowMinutes":60,"notify":["sales"]}""", 400, "threshold" },
        { "POST", "/api/v1/rules", """{"id":"r","name":"X","metric":"leads","condition":"fallsBy","threshold":101,"windowMinutes":60,"notify":["sales"]}""", 400, "threshold" },
        { "POST", "/api/v1/rules", """{"id":"r","name":"X","metric":"leads","condition":"above","threshold":1,"windowMinutes":0,"notify":["sales"]}""", 400, "windowMinutes" },
        { "POST", "/api/v1/rules", """{"id":"r","name":"X","metric":"leads","condition":"above","threshold":1,"windowMinutes":10081,"notify":["sales"]}""", 400, "windowMinutes" },
        { "POST", "/api/v1/rules", """{"id":"r","name":"X","metric":"leads","condition":"above","threshold":1,"windowMinutes":60,"notify":[]}""", 400, "notify" },
        { "POST", "/api/v1/rules", """{"id":"r","name":"X","metric":"leads","condition":"above","threshold":1,"windowMinutes":60,"notify":["legal"]}""", 400, null },
        { "POST", "/api/v1/rules", """{"id":"r","name":"X","metric":"ghost_metric","condition":"above","threshold":1,"windowMinutes":60,"notify":["sales"]}""", 400, null },
        { "PUT", "/api/v1/rules/coverage", """{"name":"X","metric":"leads","condition":"above","threshold":1,"windowMinutes":60,"notify":["sales"],"threshhold":2}""", 400, null },
        { "PUT", "/api/v1/rules/coverage", """{"id":"coverage","name":"X","metric":"leads","condition":"above","threshold":1,"windowMinutes":60,"notify":["sales"]}""", 400, null },
        { "PUT", "/api/v1/rules/coverage", """{"name":"X","metric":"leads","condition":"above","threshold":1,"windowMinutes":60,"notify":["legal"]}""", 400, null },
        { "PUT", "/api/v1/rules/coverage", """{"name":"X","metric":"leads","condition":"fallsBy","threshold":0,"windowMinutes":60,"notify":["sales"]}""", 400, "threshold" },
        { "PUT", "/api/v1/rules/ghost", """{"name":"X","metric":"leads","condition":"above","threshold":1,"windowMinutes":60,"notify":["sales"]}""", 404, null },
        { "DELETE", "/api/v1/rules/ghost", "", 404, null },
        { "DELETE", "/api/v1/rules/Not%20An%20Id", "", 404, null },
        { "POST", "/api/v1/rules", """{"id":"r","name":"X","metric":"leads","scope":{"campaign":"ghost"},"condition":"above","threshold":1,"windowMinutes":60,"notify":["sales"]}""", 400, null },
        { "POST", "/api/v1/rules", """{"id":"coverage","name":"Coverage is landing","metric":"media_mentions","scope":{"campaign":"launch"},"condition":"above","threshold":99,"windowMinutes":60,"notify":["sales"]}""", 409, null },
        { "GET", "/api/v1/rules/ghost", "", 404, null },
        { "GET", "/api/v1/rules/Not%20An%20Id", "", 404, null },
        { "PUT", "/api/v1/departments/marketing/check-in-cadence", """{"everyDays":0}""", 400, "everyDays" },
        { "PUT", "/api/v1/departments/marketing/check-in-cadence", """{"everyDays":367}""", 400, "everyDays" },
        { "PUT", "/api/v1/departments/marketing/check-in-cadence", """{"everyDays":7,"everyHours":1}""", 400, null },
        { "PUT", "/api/v1/departments/marketing/check-in-cadence", """{"everyDays":"weekly"}""", 400, null },
        { "PUT", "/api/v1/departments/ghost/check-in-cadence", """{"everyDays":7}""", 404, null },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task A_bad_request_is_refused_with_a_problem_document_and_changes_nothing(string method, string path, string body, int status, string? field)
    {
        var tenant = await SharedTenant.GetAsync(system, "rules-bad", SeedAsync);
        var before = await StateAsync(tenant);

        using var response = await tenant.SendAsync(new HttpMethod(method), path, method is "GET" or "DELETE" ? null : body);

        await AssertProblemAsync(response, status, field);
        Assert.Equal(before, await StateAsync(tenant));
    }

    private static async Task<string> StateAsync(Tenant tenant)
    {
        var rules = await tenant.GetOkAsync("/api/v1/rules");
        var scorecard = await tenant.GetOkAsync("/api/v1/departments/marketing/scorecard");
        return rules.ToJsonString() + scorecard["checkInCadence"]?.ToJsonString();
    }

    [Fact]
    public async Task Another_organization_cannot_read_a_rule_or_set_a_departments_cadence()
    {
        var owner = await system.CreateTenantAsync("rules-a");
        await SeedAsync(owner);

        var intruder = await system.CreateTenantAsync("rules-b");
        await intruder.AssertStatusAsync(HttpMethod.Get, "/api/v1/rules/coverage", null, HttpStatusCode.NotFound);
        Assert.Empty((await intruder.GetOkAsync("/api/v1/rules")).AsArray());
        await intruder.AssertStatusAsync(HttpMethod.Put, "/api/v1/departments/marketing/check-in-cadence", new { everyDays = 1 }, HttpStatusCode.NotFound);
        // A rule of its own may reuse the id; it cannot name the owner's departments.
        await intruder.AssertStatusAsync(HttpMethod.Post, "/api/v1/rules", CoverageRule(), HttpStatusCode.BadRequest);

        Assert.Null((await owner.GetOkAsync("/api/v1/departments/marketing/scorecard"))["checkInCadence"]);
        Assert.Equal(10, (await owner.GetOkAsync("/api/v1/rules/coverage"))["rule"]!["threshold"].Number());

        await intruder.AssertStatusAsync(HttpMethod.Put, "/api/v1/rules/coverage", ChangedCoverage(), HttpStatusCode.NotFound);
        await intruder.AssertStatusAsync(HttpMethod.Delete, "/api/v1/rules/coverage", null, HttpStatusCode.NotFound);

        // Creating, changing and deleting rules and setting a cadence need the admin scope.
        var read = await owner.CreateReadKeyAsync();
        await owner.AssertStatusAsync(HttpMethod.Post, "/api/v1/rules", CoverageRule(), HttpStatusCode.Forbidden, read);
        await owner.AssertStatusAsync(HttpMethod.Put, "/api/v1/rules/coverage", ChangedCoverage(), HttpStatusCode.Forbidden, read);
        await owner.AssertStatusAsync(HttpMethod.Delete, "/api/v1/rules/coverage", null, HttpStatusCode.Forbidden, read);
        Assert.Equal((10, 0), ((await owner.GetOkAsync("/api/v1/rules/coverage"))["rule"]!["threshold"].Number(),
            (await owner.GetOkAsync("/api/v1/rules/coverage"))["rule"]!["revision"].Number()));
        await owner.AssertStatusAsync(HttpMethod.Put, "/api/v1/departments/marketing/check-in-cadence", new { everyDays = 1 }, HttpStatusCode.Forbidden, read);
    }
}
