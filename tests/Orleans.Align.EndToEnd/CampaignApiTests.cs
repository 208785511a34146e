using System.Net;
using System.Text.Json.Nodes;
using static Orleans.Align.EndToEnd.AlignmentApi;

namespace Orleans.Align.EndToEnd;

/// <summary>
/// Activities, campaign results and department scorecards over the API: what a campaign and a
/// department show, every bad request refused with a problem document that changes nothing, and
/// another organization's campaigns and departments as if they did not exist.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class CampaignApiTests(AlignSystem system)
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    /// <summary>Departments marketing, pr, sales; campaign q3 (marketing, pr) with a webinar and a press tour, its launch window around now.</summary>
    private static async Task SeedCampaignAsync(Tenant tenant)
    {
        foreach (var d in new[] { "marketing", "pr", "sales" }) await tenant.PostOkAsync("/api/v1/departments", new { id = d, name = d.ToUpperInvariant() });
        await tenant.PostOkAsync("/api/v1/campaigns", new
        {
            id = "q3",
            name = "Q3 push",
            departments = new[] { "marketing", "pr" },
            activities = new object[]
            {
                new { id = "webinar", department = "marketing", name = "Webinar", metrics = new[] { "leads", "visits", "conversions" }, targets = new[] { new { metric = "leads", target = 100 } } },
                new { id = "press", department = "pr", name = "Press tour", metrics = new[] { "media_mentions" } },
            },
            launch = new { start = Now.AddDays(-1), end = Now.AddDays(1) },
        });
    }

    private static object ActivityEvent(string id, string metric, double value, string activity, string department = "marketing", string campaign = "q3") =>
        new { id, metric, value, campaign, department, activity, timestamp = Now.AddHours(-1) };

    private static double? Value(JsonNode? totals, string metric) =>
        totals!["metrics"]!.AsArray().SingleOrDefault(m => m!["metric"].Text() == metric)?["value"].Number();

    [Fact]
    public async Task A_campaign_shows_its_activities_results_against_target_and_a_department_its_scorecard()
    {
        var tenant = await system.CreateTenantAsync("camp");
        await SeedCampaignAsync(tenant);
        await tenant.IngestAsync(
            ActivityEvent("w1", "leads", 50, "webinar"),
            ActivityEvent("w2", "visits", 200, "webinar"),
            ActivityEvent("w3", "conversions", 10, "webinar"),
            ActivityEvent("p1", "media_mentions", 3, "press", "pr"),
            Event("outside", "leads", 7, campaign: null, department: "marketing"));

        var campaign = await tenant.GetUntilAsync("/api/v1/campaigns/q3", c => c["totals"]!["events"].Number() == 4);
        Assert.Equal(50, Value(campaign["totals"], "leads"));
        Assert.Equal(0.05, Value(campaign["totals"], "conversion_rate"));
        var webinar = campaign["activities"]!.AsArray().Single(a => a!["id"].Text() == "webinar")!;
        Assert.Equal("marketing", webinar["department"].Text());
        var target = webinar["targets"]![0]!;
        Assert.Equal((50.0, "onTrack"), (target["value"].Number(), target["status"].Text()));

        var scorecard = await tenant.GetUntilAsync("/api/v1/departments/marketing/scorecard", s => s["totals"]!["events"].Number() == 4);
        Assert.Equal(57, Value(scorecard["totals"], "leads"));
        Assert.Equal(7, Value(scorecard["outsideCampaigns"], "leads"));
        Assert.Equal(["webinar"], scorecard["activities"]!.AsArray().Select(a => a!["id"].Text()));

        // An activity added while the campaign runs; events may name it at once.
        var changed = await tenant.PutOkAsync("/api/v1/campaigns/q3/activities/podcast",
            new { department = "pr", name = "Podcast", metrics = new[] { "engagements" }, targets = new[] { new { metric = "engagements", target = 20, start = Now.AddDays(-2), end = Now.AddDays(2) } } });
        Assert.Contains(changed["activities"]!.AsArray(), a => a!["id"].Text() == "podcast");
        await tenant.IngestAsync(ActivityEvent("pod", "engagements", 5, "podcast", "pr"));
        var pr = await tenant.GetUntilAsync("/api/v1/departments/pr/scorecard",
            s => s["activities"]!.AsArray().Any(a => a!["id"].Text() == "podcast" && a["targets"]![0]!["value"].Number() == 5));
        Assert.Equal(["podcast", "press"], pr["activities"]!.AsArray().Select(a => a!["id"].Text()).Order());

        var board = await tenant.GetOkAsync("/api/v1/boards/department:pr");
        Assert.Equal("PR scorecard", board["title"].Text());
        Assert.NotNull(board["department"]);
        Assert.NotNull((await tenant.GetOkAsync("/api/v1/boards/campaign:q3"))["campaign"]);
    }

    public static TheoryData<string, string, string, int, string?> BadRequests => new()
    {
        // Campaigns with activities.
        { "POST", "/api/v1/campaigns", """{"id":"c2","name":"X","departments":["marketing"],"activities":[{"department":"marketing","name":"No id","metrics":["leads"]}]}""", 400, "activities[0].id" },
        { "POST", "/api/v1/campaigns", """{"id":"c2","name":"X","departments":["marketing"],"activities":[{"id":"a","department":"marketing","name":"A","metrics":["leads"]},{"id":"a","department":"marketing","name":"B","metrics":["leads"]}]}""", 400, "activities[1].id" },
        { "POST", "/api/v1/campaigns", """{"id":"c2","name":"X","departments":["marketing"],"activities":[{"id":"a","department":"marketing","name":"A","metrics":["leads"],"targets":[{"metric":"spend","target":5}]}]}""", 400, "activities[0].targets[0].metric" },
        { "POST", "/api/v1/campaigns", """{"id":"c2","name":"X","departments":["marketing"],"activities":[{"id":"a","department":"marketing","name":"A","metrics":["leads"],"targets":[{"metric":"leads"}]}]}""", 400, "activities[0].targets[0].target" },
        { "POST", "/api/v1/campaigns", """{"id":"c2","name":"X","departments":["marketing"],"activities":[{"id":"a","department":"marketing","name":"A","metrics":["leads"],"targets":[{"metric":"leads","target":5,"start":"2026-01-01T00:00:00Z"}]}]}""", 400, "activities[0].targets[0].end" },
        { "POST", "/api/v1/campaigns", """{"id":"c2","name":"X","departments":["marketing"],"activities":[{"id":"a","department":"marketing","name":"A","metrics":["leads"],"targets":[{"metric":"leads","target":5,"goal":7}]}]}""", 400, null },
        // A target with no period of its own in a campaign without a launch window.
        { "POST", "/api/v1/campaigns", """{"id":"c2","name":"X","departments":["marketing"],"activities":[{"id":"a","department":"marketing","name":"A","metrics":["leads"],"targets":[{"metric":"leads","target":5}]}]}""", 400, null },
        // Activities set while running.
        { "PUT", "/api/v1/campaigns/q3/activities/new-one", """{"department":"sales","name":"Not in the campaign","metrics":["leads"]}""", 400, null },
        { "PUT", "/api/v1/campaigns/q3/activities/new-one", """{"department":"marketing","name":"X","metrics":["mystery"]}""", 400, null },
        { "PUT", "/api/v1/campaigns/q3/activities/new-one", """{"department":"marketing","metrics":["leads"]}""", 400, "activity.name" },
        { "PUT", "/api/v1/campaigns/q3/activities/new-one", """{"department":"marketing","name":"X","metrics":["leads"],"owner":"marketing"}""", 400, null },
        { "PUT", "/api/v1/campaigns/q3/activities/Bad%20Id", """{"department":"marketing","name":"X","metrics":["leads"]}""", 400, "activityId" },
        { "PUT", "/api/v1/campaigns/ghost/activities/a", """{"department":"marketing","name":"X","metrics":["leads"]}""", 404, null },
        // Events naming activities.
        { "POST", "/api/v1/events", """{"events":[{"id":"x1","metric":"leads","value":1,"activity":"webinar"}]}""", 400, "events[0].activity" },
        { "POST", "/api/v1/events", """{"events":[{"id":"x1","metric":"leads","value":1,"campaign":"q3","activity":"ghost"}]}""", 400, null },
        { "POST", "/api/v1/events", """{"events":[{"id":"x1","metric":"leads","value":1,"campaign":"q3","activity":"Web Inar"}]}""", 400, "events[0].activity" },
        { "POST", "/api/v1/events", """{"events":[{"id":"x1","metric":"leads","value":1,"campaign":"q3","activty":"webinar"}]}""", 400, null },
        // Reads.
        { "GET", "/api/v1/campaigns/ghost", "", 404, null },
        { "GET", "/api/v1/campaigns/Not%20An%20Id", "", 404, null },
        { "GET", "/api/v1/departments/ghost/scorecard", "", 404, null },
        { "GET", "/api/v1/boards/department:ghost", "", 404, null },
        { "GET", "/api/v1/boards/department:Ghost", "", 404, null },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task A_bad_request_is_refused_with_a_problem_document_and_changes_nothing(string method, string path, string body, int status, string? field)
    {
        var tenant = await SharedTenant.GetAsync(system, "camp-bad", SeedCampaignAsync);
        var before = await StateAsync(tenant);

        using var response = await tenant.SendAsync(new HttpMethod(method), path, method == "GET" ? null : body);

        await AssertProblemAsync(response, status, field);
        Assert.Equal(before, await StateAsync(tenant));
    }

    private static async Task<string> StateAsync(Tenant tenant)
    {
        var campaigns = await tenant.GetOkAsync("/api/v1/campaigns");
        var q3 = await tenant.GetOkAsync("/api/v1/campaigns/q3");
        q3.AsObject().Remove("updatedAt");
        return campaigns.ToJsonString() + q3.ToJsonString();
    }

    [Fact]
    public async Task Another_organization_cannot_read_or_change_a_campaign_or_see_a_departments_scorecard()
    {
        var owner = await system.CreateTenantAsync("camp-a");
        await SeedCampaignAsync(owner);
        await owner.IngestAsync(ActivityEvent("w1", "leads", 9, "webinar"));
        await owner.GetUntilAsync("/api/v1/departments/marketing/scorecard", s => s["totals"]!["events"].Number() == 1);

        var intruder = await system.CreateTenantAsync("camp-b");
        foreach (var d in new[] { "marketing", "pr" }) await intruder.PostOkAsync("/api/v1/departments", new { id = d, name = d });

        await intruder.AssertStatusAsync(HttpMethod.Get, "/api/v1/campaigns/q3", null, HttpStatusCode.NotFound);
        await intruder.AssertStatusAsync(HttpMethod.Put, "/api/v1/campaigns/q3/activities/hijack",
            new { department = "marketing", name = "Hijack", metrics = new[] { "leads" } }, HttpStatusCode.NotFound);
        await intruder.AssertStatusAsync(HttpMethod.Get, "/api/v1/boards/campaign:q3", null, HttpStatusCode.NotFound);
        await intruder.AssertStatusAsync(HttpMethod.Post, "/api/v1/events",
            new { events = new[] { ActivityEvent("i1", "leads", 1_000, "webinar") } }, HttpStatusCode.BadRequest);
        // Its own marketing department, with nothing of the owner's.
        var own = await intruder.GetOkAsync("/api/v1/departments/marketing/scorecard");
        Assert.Equal(0, own["totals"]!["events"].Number());
        Assert.Equal(0, (await intruder.GetOkAsync("/api/v1/boards/department:marketing"))["department"]!["totals"]!["events"].Number());

        var campaign = await owner.GetOkAsync("/api/v1/campaigns/q3");
        Assert.DoesNotContain(campaign["activities"]!.AsArray(), a => a!["id"].Text() == "hijack");
        Assert.Equal(9, Value(campaign["totals"], "leads"));

        // Changing activities needs the admin scope.
        var read = await owner.CreateReadKeyAsync();
        await owner.AssertStatusAsync(HttpMethod.Put, "/api/v1/campaigns/q3/activities/x",
            new { department = "marketing", name = "X", metrics = new[] { "leads" } }, HttpStatusCode.Forbidden, read);
    }
}
