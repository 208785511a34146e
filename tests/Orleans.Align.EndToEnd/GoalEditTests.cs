using System.Net;
using System.Text.Json.Nodes;
using static Orleans.Align.EndToEnd.AlignmentApi;

namespace Orleans.Align.EndToEnd;

/// <summary>
/// Changing a goal (<c>PUT /api/v1/goals/{id}</c>, the whole definition) against the real processes:
/// what is recomputed and what only re-judged, the definition history and its marks in the goal's
/// history, boards, roll-ups, the audit log, refusals that change nothing, tenancy and roles.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class GoalEditTests(AlignSystem system)
{
    private static string Path(string goal) => $"/api/v1/goals/{goal}";

    [Fact]
    public async Task A_changed_target_and_title_re_judge_the_goal_and_are_recorded_with_who_and_when()
    {
        var tenant = await system.CreateTenantAsync("gedit");
        await tenant.SeedOrganizationAsync();
        var body = Goal("reach", "leads", target: 100);
        await tenant.CreateGoalAsync(body);
        await tenant.IngestAsync(Event("l1", "leads", 20), Event("l2", "leads", 30));
        await tenant.GoalWhenAsync("reach", g => g["eventCount"].Number() == 2);
        var before = DateTimeOffset.UtcNow;

        body["title"] = "Reach, raised";
        body["target"] = 200;
        var changed = await tenant.PutOkAsync(Path("reach"), body);

        Assert.Equal("Reach, raised", changed["title"].Text());
        Assert.Equal(200, changed["target"].Number());
        Assert.Equal(50, changed["progress"].Number()); // the same events: re-judged, not recomputed
        Assert.Equal(25, changed["percent"].Number());
        Assert.Equal(2, changed["eventCount"].Number());

        var changes = (await tenant.GetOkAsync($"{Path("reach")}/definitions")).AsArray();
        var change = Assert.Single(changes)!;
        Assert.Equal(1, change["revision"].Number());
        Assert.Equal("key", change["by"]!["kind"].Text());
        Assert.True(change["at"]!.GetValue<DateTimeOffset>() >= before.AddSeconds(-5));
        Assert.Equal(["title", "target"], change["fields"]!.AsArray().Select(f => f.Text()));
        Assert.False(change["recomputed"]!.GetValue<bool>());
        Assert.Equal(100, change["before"]!["target"].Number());
        Assert.Equal(200, change["after"]!["target"].Number());

        // The goal's history marks the minute the definition changed.
        var history = (await tenant.GetOkAsync($"{Path("reach")}/history")).AsArray();
        Assert.Contains(history, p => p!["definitionChanged"]?.GetValue<int>() == 1);

        // The same definition again changes nothing and records nothing.
        await tenant.PutOkAsync(Path("reach"), body);
        Assert.Single((await tenant.GetOkAsync($"{Path("reach")}/definitions")).AsArray());

        var audit = (await tenant.GetOkAsync("/api/v1/audit?action=goal.changed"))["entries"]!.AsArray();
        Assert.Equal(2, audit.Count);
        Assert.All(audit, e => Assert.Equal("reach", e!["target"]!["id"].Text()));
        Assert.Contains(audit, e => e!["detail"]?["fields"].Text() == "title,target");
    }

    [Fact]
    public async Task A_changed_scope_recomputes_the_goal_from_the_log_and_new_events_route_by_the_new_scope()
    {
        var tenant = await system.CreateTenantAsync("gscope");
        await tenant.SeedOrganizationAsync("launch", "spring");
        var body = Goal("reach", "leads", target: 100);
        await tenant.CreateGoalAsync(body);
        await tenant.IngestAsync(Event("l1", "leads", 10), Event("s1", "leads", 7, campaign: "spring"), Event("s2", "leads", 3, campaign: "spring"));
        await tenant.GoalWhenAsync("reach", g => g["progress"].Number() == 10);
        await using var overview = new BoardViewer(system.Gateway, tenant.ApiKey, "overview");
        await overview.StartAsync();

        body["scope"] = new JsonObject { ["campaign"] = "spring" };
        var changed = await tenant.PutOkAsync(Path("reach"), body);

        Assert.Equal(10, changed["progress"].Number()); // 7 + 3: the spring events already in the log
        Assert.Equal(2, changed["eventCount"].Number());
        Assert.Equal("spring", changed["scope"]!["campaigns"]![0].Text());
        var change = Assert.Single((await tenant.GetOkAsync($"{Path("reach")}/definitions")).AsArray())!;
        Assert.True(change["recomputed"]!.GetValue<bool>());
        Assert.Equal(["scope"], change["fields"]!.AsArray().Select(f => f.Text()));

        // New events are routed by the new scope: spring counts, launch no longer does.
        await tenant.IngestAsync(Event("l2", "leads", 100), Event("s3", "leads", 5, campaign: "spring"));
        var goal = await tenant.GoalWhenAsync("reach", g => g["eventCount"].Number() == 3);
        Assert.Equal(15, goal["progress"].Number());
        await WaitAsync(() => overview.Progress("reach") == 15, "the overview never showed the recomputed goal live");

        // The goal left the launch war room and joined spring's; its provenance lists spring's events only.
        var launch = await tenant.GetUntilAsync("/api/v1/boards/campaign:launch", b => b["goals"]!.AsArray().All(g => g!["id"].Text() != "reach"));
        Assert.Empty(launch["goals"]!.AsArray());
        var spring = await tenant.GetUntilAsync("/api/v1/boards/campaign:spring", b => b["goals"]!.AsArray().Any(g => g!["id"].Text() == "reach"));
        Assert.Equal(15, spring["goals"]!.AsArray().Single(g => g!["id"].Text() == "reach")!["progress"].Number());
        var events = (await tenant.GetUntilAsync($"{Path("reach")}/events", p => p["events"]!.AsArray().Count == 3))["events"]!.AsArray();
        Assert.All(events, e => Assert.Equal("spring", e!["campaign"].Text()));
    }

    [Fact]
    public async Task A_changed_metric_and_period_recompute_and_a_changed_owner_moves_the_goal_between_department_boards()
    {
        var tenant = await system.CreateTenantAsync("gmetric");
        await tenant.SeedOrganizationAsync();
        var start = DateTimeOffset.UtcNow.AddDays(-1);
        var body = Goal("reach", "leads", target: 100, start: start);
        await tenant.CreateGoalAsync(body);
        await tenant.IngestAsync(Event("l1", "leads", 10), Event("v1", "visits", 40), Event("v0", "visits", 500, timestamp: start.AddHours(-2)));
        await tenant.GoalWhenAsync("reach", g => g["progress"].Number() == 10);
        await tenant.GetUntilAsync("/api/v1/departments/marketing/scorecard", s => s["goals"]!.AsArray().Any(g => g!["goalId"].Text() == "reach"));

        body["metric"] = "visits";
        body["owners"] = new JsonArray("sales");
        var changed = await tenant.PutOkAsync(Path("reach"), body);
        Assert.Equal(40, changed["progress"].Number()); // the visit before the period does not count
        Assert.Equal("visits", changed["metric"].Text());

        body["start"] = start.AddHours(-3);
        changed = await tenant.PutOkAsync(Path("reach"), body);
        Assert.Equal(540, changed["progress"].Number()); // now it does

        var changes = (await tenant.GetOkAsync($"{Path("reach")}/definitions")).AsArray();
        Assert.Equal([1, 2], changes.Select(c => (int)c!["revision"].Number()!));
        Assert.Equal(["metric", "owners"], changes[0]!["fields"]!.AsArray().Select(f => f.Text()));
        Assert.Equal(["start"], changes[1]!["fields"]!.AsArray().Select(f => f.Text()));

        await tenant.GetUntilAsync("/api/v1/departments/marketing/scorecard", s => s["goals"]!.AsArray().All(g => g!["goalId"].Text() != "reach"));
        await tenant.GetUntilAsync("/api/v1/boards/department:marketing", b => b["goals"]!.AsArray().All(g => g!["id"].Text() != "reach"));
        await tenant.GetUntilAsync("/api/v1/departments/sales/scorecard", s => s["goals"]!.AsArray().Any(g => g!["goalId"].Text() == "reach"));
    }

    [Fact]
    public async Task A_child_moved_to_another_parent_leaves_its_old_parents_roll_up()
    {
        var tenant = await system.CreateTenantAsync("gparent");
        await tenant.SeedOrganizationAsync();
        foreach (var id in new[] { "okr-a", "okr-b" })
        {
            var parent = Goal(id, metric: null, target: null);
            parent["rollUp"] = "children";
            await tenant.CreateGoalAsync(parent);
        }
        var leads = Goal("leads-child", "leads", target: 100);
        leads["parent"] = "okr-a";
        var visits = Goal("visits-child", "visits", target: 10);
        visits["parent"] = "okr-a";
        await tenant.CreateGoalAsync(leads);
        await tenant.CreateGoalAsync(visits);
        await tenant.IngestAsync(Event("l1", "leads", 50), Event("v1", "visits", 10));
        await tenant.GoalWhenAsync("okr-a", g => g["percent"].Number() == 75);

        visits["parent"] = "okr-b";
        await tenant.PutOkAsync(Path("visits-child"), visits);

        await tenant.GoalWhenAsync("okr-a", g => g["percent"].Number() == 50);
        await tenant.GoalWhenAsync("okr-b", g => g["percent"].Number() == 100);

        // A parent below the goal would make a cycle: refused.
        var cycle = Goal("okr-a", metric: null, target: null);
        cycle["rollUp"] = "children";
        var child = Goal("okr-child", metric: null, target: null);
        child["rollUp"] = "children";
        child["parent"] = "okr-a";
        await tenant.CreateGoalAsync(child);
        cycle["parent"] = "okr-child";
        using var refused = await tenant.SendAsync(HttpMethod.Put, Path("okr-a"), cycle);
        await AssertProblemAsync(refused, 400);
    }

    [Fact]
    public async Task Refused_changes_change_nothing()
    {
        var tenant = await system.CreateTenantAsync("grefuse");
        await tenant.SeedOrganizationAsync();
        var body = Goal("reach", "leads", target: 100);
        await tenant.CreateGoalAsync(body);
        await tenant.IngestAsync(Event("l1", "leads", 10));
        await tenant.GoalWhenAsync("reach", g => g["eventCount"].Number() == 1);
        var goalBefore = Strip(await tenant.GetOkAsync(Path("reach")));

        JsonObject With(string field, JsonNode? value)
        {
            var copy = body.DeepClone().AsObject();
            copy[field] = value;
            return copy;
        }
        var refusals = new (JsonObject Body, int Status, string? Field)[]
        {
            (With("target", -5), 400, "target"),                     // below the baseline, as on creation
            (With("id", "another"), 400, "id"),                       // the id is the path's
            (With("end", DateTimeOffset.UtcNow.AddDays(-3)), 400, "end"),
            (With("owners", new JsonArray()), 400, "owners"),
            (With("owners", new JsonArray("no-such-department")), 400, null),
            (With("metric", "no_such_metric"), 400, null),
            (With("scope", new JsonObject { ["campaign"] = "no-such-campaign" }), 400, null),
            (With("rollUp", "children"), 400, null),                  // a goal's roll-up cannot change
            (With("parent", "reach"), 400, null),
            (With("parent", "no-such-goal"), 400, null),
            (With("colour", "red"), 400, null),                       // unknown fields are refused
        };
        foreach (var (refused, status, field) in refusals)
        {
            using var response = await tenant.SendAsync(HttpMethod.Put, Path("reach"), refused);
            await AssertProblemAsync(response, status, field);
        }
        using (var missing = await tenant.SendAsync(HttpMethod.Put, Path("no-such-goal"), With("id", "no-such-goal")))
            await AssertProblemAsync(missing, 404);

        Assert.Equal(goalBefore, Strip(await tenant.GetOkAsync(Path("reach"))));
        Assert.Empty((await tenant.GetOkAsync($"{Path("reach")}/definitions")).AsArray());
    }

    [Fact]
    public async Task Another_organization_finds_nothing_and_only_leads_of_all_owners_and_admins_may_change_a_goal()
    {
        var tenant = await system.CreateTenantAsync("groles");
        await tenant.SeedOrganizationAsync();
        var body = Goal("reach", "leads", target: 100);
        await tenant.CreateGoalAsync(body);
        var other = await system.CreateTenantAsync("gother");
        await other.SeedOrganizationAsync();

        using (var foreign = await other.SendAsync(HttpMethod.Put, Path("reach"), body)) await AssertProblemAsync(foreign, 404);
        using (var foreignRead = await other.SendAsync(HttpMethod.Get, $"{Path("reach")}/definitions")) await AssertProblemAsync(foreignRead, 404);

        using var viewer = await tenant.SignInAsync(await tenant.AddPersonAsync("viewer"));
        using var salesLead = await tenant.SignInAsync(await tenant.AddPersonAsync("lead", "sales"));
        using var marketingLead = await tenant.SignInAsync(await tenant.AddPersonAsync("lead", "marketing"));
        using var member = await tenant.SignInAsync(await tenant.AddPersonAsync("member", "marketing"));

        body["target"] = 150;
        Assert.Equal(HttpStatusCode.Forbidden, await viewer.StatusAsync(HttpMethod.Put, Path("reach"), body));
        Assert.Equal(HttpStatusCode.Forbidden, await member.StatusAsync(HttpMethod.Put, Path("reach"), body));
        Assert.Equal(HttpStatusCode.Forbidden, await salesLead.StatusAsync(HttpMethod.Put, Path("reach"), body));
        // A lead must own the goal after the change too: giving it to sales is refused.
        var toSales = body.DeepClone().AsObject();
        toSales["owners"] = new JsonArray("sales");
        Assert.Equal(HttpStatusCode.Forbidden, await marketingLead.StatusAsync(HttpMethod.Put, Path("reach"), toSales));
        Assert.Empty((await tenant.GetOkAsync($"{Path("reach")}/definitions")).AsArray());

        Assert.Equal(HttpStatusCode.OK, await marketingLead.StatusAsync(HttpMethod.Put, Path("reach"), body));
        var change = Assert.Single((await tenant.GetOkAsync($"{Path("reach")}/definitions")).AsArray())!;
        Assert.Equal("person", change["by"]!["kind"].Text());
        Assert.StartsWith("lead-", change["by"]!["id"].Text());
        // The viewer reads the history of changes.
        using var read = await viewer.SendAsync(HttpMethod.Get, $"{Path("reach")}/definitions");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    /// <summary>The goal without what moves on its own (read times, pace against the clock).</summary>
    private static string Strip(JsonNode goal)
    {
        var copy = goal.DeepClone().AsObject();
        foreach (var moving in new[] { "updatedAt", "expectedPercent", "status" }) copy.Remove(moving);
        return copy.ToJsonString();
    }

    private static async Task WaitAsync(Func<bool> condition, string failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail(failure);
            await Task.Delay(50);
        }
    }
}
