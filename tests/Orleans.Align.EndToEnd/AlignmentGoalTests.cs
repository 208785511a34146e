using System.Net;
using System.Text.Json.Nodes;
using static Orleans.Align.EndToEnd.AlignmentApi;

namespace Orleans.Align.EndToEnd;

/// <summary>The metric catalogue and what goals measure with it: ratios, goal kinds, scopes, roll-ups.</summary>
[Collection(SystemCollection.Name)]
public sealed class AlignmentGoalTests(AlignSystem system)
{
    [Fact]
    public async Task The_metric_list_starts_with_the_default_catalogue_and_ratios_carry_their_formula()
    {
        var tenant = await system.CreateTenantAsync("mcat");

        var metrics = (await tenant.GetOkAsync("/api/v1/metrics")).AsArray().ToDictionary(m => m!["key"].Text(), m => m!);

        foreach (var key in new[] { "leads", "visits", "conversions", "spend", "revenue", "new_customers", "orders", "followers", "conversion_rate", "cac", "roi", "ctr" })
            Assert.Contains(key, metrics.Keys);
        Assert.Equal("additive", metrics["leads"]["kind"].Text());
        Assert.Equal("gauge", metrics["followers"]["kind"].Text());
        Assert.All(metrics.Values.Where(m => m["kind"].Text() != "ratio"), m => Assert.Null(m["formula"]));
        var cac = metrics["cac"];
        Assert.Equal("ratio", cac["kind"].Text());
        Assert.True(cac["lowerIsBetter"]!.GetValue<bool>());
        Assert.Equal("spend", cac["formula"]!["numerator"]![0]!["metric"].Text());
        Assert.Equal("new_customers", cac["formula"]!["denominator"]![0]!["metric"].Text());
        var roiNumerator = metrics["roi"]["formula"]!["numerator"]!.AsArray().ToDictionary(t => t!["metric"].Text(), t => t!["coefficient"].Number());
        Assert.Equal(new Dictionary<string, double?> { ["revenue"] = 1, ["spend"] = -1 }, roiNumerator);
    }

    [Fact]
    public async Task A_custom_ratio_is_created_and_listed_with_its_formula()
    {
        var tenant = await system.CreateTenantAsync("mnew");

        using var response = await tenant.SendAsync(HttpMethod.Post, "/api/v1/metrics", NetRevenuePerOrder);
        var created = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("/api/v1/metrics/net_revenue_per_order", response.Headers.Location?.OriginalString);
        Assert.Equal("ratio", created["kind"].Text());
        var listed = (await tenant.GetOkAsync("/api/v1/metrics")).AsArray().Single(m => m!["key"].Text() == "net_revenue_per_order")!;
        Assert.True(JsonNode.DeepEquals(created, listed), $"listed {listed.ToJsonString()} differs from created {created.ToJsonString()}");
        Assert.Equal(-1, listed["formula"]!["numerator"]![1]!["coefficient"].Number());
    }

    [Fact]
    public async Task A_goal_on_a_custom_ratio_is_computed_from_its_formula()
    {
        var tenant = await system.CreateTenantAsync("mgoal");
        await tenant.SeedOrganizationAsync();
        await tenant.PostOkAsync("/api/v1/metrics", NetRevenuePerOrder);
        await tenant.CreateGoalAsync(Goal("margin", "net_revenue_per_order", target: 500));

        await tenant.IngestAsync(Event("r1", "revenue", 1000), Event("s1", "spend", 200), Event("o1", "orders", 4));

        var goal = await tenant.GoalWhenAsync("margin", g => g["eventCount"].Number() == 3);
        Assert.Equal(200, goal["progress"].Number()); // (1000 - 200) / 4
        Assert.Equal(40, goal["percent"].Number());
    }

    [Fact]
    public async Task A_ratio_goal_has_no_data_until_its_denominator_arrives_then_shows_the_ratio_of_the_sums()
    {
        var tenant = await system.CreateTenantAsync("ratio");
        await tenant.SeedOrganizationAsync();
        var created = await tenant.CreateGoalAsync(Goal("conv", "conversion_rate", target: 0.1));
        Assert.Null(created["progress"]);
        Assert.Equal("noData", created["status"].Text());

        await tenant.IngestAsync(Event("c0", "conversions", 0));
        var onlyNumerator = await tenant.GoalWhenAsync("conv", g => g["eventCount"].Number() == 1);
        Assert.Null(onlyNumerator["progress"]);
        Assert.Equal("noData", onlyNumerator["status"].Text());

        await tenant.IngestAsync(Event("v1", "visits", 100), Event("c1", "conversions", 10));
        await tenant.IngestAsync(Event("v2", "visits", 300), Event("c2", "conversions", 10));

        var goal = await tenant.GoalWhenAsync("conv", g => g["eventCount"].Number() == 5);
        Assert.Equal(0.05, goal["progress"].Number()); // 20 / 400, not the mean of 0.1 and 0.033
        Assert.Equal(50, goal["percent"].Number());
        Assert.Equal(400, goal["parts"]!["visits"].Number());
        Assert.Equal(20, goal["parts"]!["conversions"].Number());
        Assert.NotEqual("noData", goal["status"].Text());
    }

    [Fact]
    public async Task A_decrease_to_goal_measures_the_way_from_its_baseline_down_to_its_target()
    {
        var tenant = await system.CreateTenantAsync("down");
        await tenant.SeedOrganizationAsync();
        var body = Goal("cheaper", "cac", target: 60);
        body["kind"] = "decreaseTo";
        body["baseline"] = 120;
        await tenant.CreateGoalAsync(body);

        await tenant.IngestAsync(Event("s1", "spend", 900), Event("n1", "new_customers", 10));

        var goal = await tenant.GoalWhenAsync("cheaper", g => g["eventCount"].Number() == 2);
        Assert.Equal("decreaseTo", goal["kind"].Text());
        Assert.Equal(120, goal["baseline"].Number());
        Assert.Equal(90, goal["progress"].Number());
        Assert.Equal(50, goal["percent"].Number()); // (120 - 90) / (120 - 60)
        Assert.True(goal["lowerIsBetter"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_stay_below_goal_is_on_track_under_its_limit_and_off_track_well_over_it()
    {
        var tenant = await system.CreateTenantAsync("below");
        await tenant.SeedOrganizationAsync();
        var body = Goal("budget", "spend", target: 1000);
        body["kind"] = "stayBelow";
        await tenant.CreateGoalAsync(body);

        await tenant.IngestAsync(Event("s1", "spend", 400));
        var under = await tenant.GoalWhenAsync("budget", g => g["progress"].Number() == 400);
        await tenant.IngestAsync(Event("s2", "spend", 800));
        var over = await tenant.GoalWhenAsync("budget", g => g["progress"].Number() == 1200);

        Assert.Equal(100, under["percent"].Number());
        Assert.Equal("onTrack", under["status"].Text());
        Assert.Equal(80, over["percent"].Number()); // 100 % minus the 20 % it is over its limit
        Assert.Equal("offTrack", over["status"].Text()); // 20 % over, beyond the 10 % tolerance
    }

    [Fact]
    public async Task A_goal_scoped_to_a_list_of_campaigns_counts_the_events_of_each_of_them()
    {
        var tenant = await system.CreateTenantAsync("scopes");
        await tenant.SeedOrganizationAsync("launch", "spring", "autumn");
        var body = Goal("both", "leads");
        body["scope"] = new JsonObject { ["campaigns"] = new JsonArray("launch", "spring") };
        var created = await tenant.CreateGoalAsync(body);

        await tenant.IngestAsync(Event("l1", "leads", 1, "launch"), Event("s1", "leads", 2, "spring"), Event("a1", "leads", 4, "autumn"));
        await tenant.IngestAsync(Event("l2", "leads", 10, "launch"));

        var goal = await tenant.GoalWhenAsync("both", g => g["eventCount"].Number() == 3);
        Assert.Equal(13, goal["progress"].Number());
        Assert.Equal(["launch", "spring"], created["scope"]!["campaigns"]!.AsArray().Select(c => c.Text()));
    }

    [Fact]
    public async Task A_goal_scoped_to_one_campaign_counts_only_that_campaigns_events()
    {
        var tenant = await system.CreateTenantAsync("scope1");
        await tenant.SeedOrganizationAsync("launch", "spring");
        var body = Goal("spring-leads", "leads");
        body["scope"] = new JsonObject { ["campaign"] = "spring" };
        var created = await tenant.CreateGoalAsync(body);

        await tenant.IngestAsync(Event("l1", "leads", 1, "launch"), Event("s1", "leads", 2, "spring"), Event("n1", "leads", 4, campaign: null));
        await tenant.IngestAsync(Event("s2", "leads", 10, "spring"));

        var goal = await tenant.GoalWhenAsync("spring-leads", g => g["eventCount"].Number() == 2);
        Assert.Equal(12, goal["progress"].Number());
        Assert.Equal(["spring"], created["scope"]!["campaigns"]!.AsArray().Select(c => c.Text()));
    }

    [Fact]
    public async Task A_roll_up_goal_shows_the_weighted_progress_of_its_children()
    {
        var tenant = await system.CreateTenantAsync("rollup");
        await tenant.SeedOrganizationAsync();
        var parent = Goal("okr", metric: null, target: null);
        parent["rollUp"] = "children";
        var created = await tenant.CreateGoalAsync(parent);
        var leads = Goal("okr-leads", "leads", target: 100);
        leads["parent"] = "okr";
        leads["weight"] = 3;
        var visits = Goal("okr-visits", "visits", target: 10);
        visits["parent"] = "okr";
        visits["weight"] = 1;
        await tenant.CreateGoalAsync(leads);
        await tenant.CreateGoalAsync(visits);

        await tenant.IngestAsync(Event("l1", "leads", 50), Event("v1", "visits", 10));

        var okr = await tenant.GoalWhenAsync("okr", g => g["percent"].Number() == 62.5); // (3 × 50 % + 1 × 100 %) / 4
        Assert.Equal("children", created["rollUp"].Text());
        Assert.Equal(100, created["target"].Number());
        Assert.Equal(62.5, okr["progress"].Number());
        Assert.Equal("okr", (await tenant.GetOkAsync("/api/v1/goals/okr-leads"))["parentId"].Text());
    }

    private static readonly object NetRevenuePerOrder = new
    {
        key = "net_revenue_per_order",
        name = "Net revenue per order",
        kind = "ratio",
        unit = "currency",
        formula = new
        {
            numerator = new object[] { new { metric = "revenue" }, new { metric = "spend", coefficient = -1 } },
            denominator = new object[] { new { metric = "orders" } },
        },
    };
}
