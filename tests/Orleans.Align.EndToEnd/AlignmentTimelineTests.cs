using System.Net;
using System.Text.Json.Nodes;
using static Orleans.Align.EndToEnd.AlignmentApi;

namespace Orleans.Align.EndToEnd;

/// <summary>Goals over time: history, the events behind a value, replaying a board, frozen reviews, and the status thresholds.</summary>
[Collection(SystemCollection.Name)]
public sealed class AlignmentTimelineTests(AlignSystem system)
{
    /// <summary>An organization with one leads goal over the launch, started a day ago.</summary>
    private async Task<Tenant> OrganizationWithGoalAsync(string prefix)
    {
        var tenant = await system.CreateTenantAsync(prefix);
        await tenant.SeedOrganizationAsync();
        await tenant.CreateGoalAsync(Goal("leads", "leads"));
        return tenant;
    }

    [Fact]
    public async Task History_returns_points_of_the_goals_value_by_minute_and_by_day()
    {
        var tenant = await OrganizationWithGoalAsync("hist");
        await tenant.IngestAsync(Event("h1", "leads", 5));
        await tenant.GoalWhenAsync("leads", g => g["progress"].Number() == 5);

        var minutes = (await tenant.GetOkAsync("/api/v1/goals/leads/history")).AsArray();
        var days = (await tenant.GetOkAsync("/api/v1/goals/leads/history?resolution=day")).AsArray();

        Assert.NotEmpty(minutes);
        Assert.Equal(5, minutes[^1]!["value"].Number());
        Assert.Equal(5, minutes[^1]!["percent"].Number());
        Assert.All(minutes, p => Assert.Equal(0, p!["at"]!.GetValue<DateTimeOffset>().Second));
        Assert.NotEmpty(days);
        var today = days[^1]!;
        Assert.Equal(5, today["value"].Number());
        Assert.Equal(TimeSpan.Zero, today["at"]!.GetValue<DateTimeOffset>().TimeOfDay);
    }

    [Fact]
    public async Task The_events_of_a_goal_are_listed_newest_first_with_their_source()
    {
        var tenant = await OrganizationWithGoalAsync("prov");
        await tenant.IngestAsync(Event("p1", "leads", 1, source: "crm"), Event("x1", "visits", 50, source: "web"), Event("p2", "leads", 2, source: "ads"));
        await tenant.IngestAsync(Event("p3", "leads", 4, department: "sales", source: "crm"));
        await tenant.GoalWhenAsync("leads", g => g["progress"].Number() == 7);

        var page = await tenant.GetOkAsync("/api/v1/goals/leads/events");

        var events = page["events"]!.AsArray();
        Assert.Equal(["p3", "p2", "p1"], events.Select(e => e!["id"].Text()));
        Assert.Equal(["crm", "ads", "crm"], events.Select(e => e!["source"].Text()));
        Assert.Equal(["sales", "marketing", "marketing"], events.Select(e => e!["department"].Text()));
        Assert.Equal([4.0, 2, 1], events.Select(e => e!["value"].Number()!.Value));
        var sequences = events.Select(e => e!["sequence"]!.GetValue<long>()).ToList();
        Assert.Equal(sequences.OrderDescending(), sequences);
        Assert.Null(page["next"]);
    }

    [Fact]
    public async Task The_events_of_a_goal_page_through_the_next_link()
    {
        var tenant = await OrganizationWithGoalAsync("pages");
        await tenant.IngestAsync([.. Enumerable.Range(1, 5).Select(i => Event($"e{i}", "leads", i))]);
        await tenant.GoalWhenAsync("leads", g => g["progress"].Number() == 15);

        var seen = new List<string>();
        for (var path = "/api/v1/goals/leads/events?limit=2"; path is not null && seen.Count < 5;)
        {
            var page = await tenant.GetOkAsync(path);
            seen.Add(string.Join(",", page["events"]!.AsArray().Select(e => e!["id"].Text())));
            path = page["next"]?.GetValue<string>();
        }

        Assert.Equal(["e5,e4", "e3,e2", "e1"], seen);
    }

    [Fact]
    public async Task Replay_shows_a_campaign_board_as_it_stood_at_a_past_moment()
    {
        var tenant = await OrganizationWithGoalAsync("replay");
        var now = DateTimeOffset.UtcNow;
        await tenant.IngestAsync(
            Event("t1", "leads", 1, timestamp: now.AddHours(-3)),
            Event("t2", "leads", 2, timestamp: now.AddHours(-2)),
            Event("t3", "leads", 4, timestamp: now.AddHours(-1)));
        await tenant.GoalWhenAsync("leads", g => g["progress"].Number() == 7);

        var replay = await tenant.GetOkAsync($"/api/v1/boards/campaign:launch/replay?at={Query(now.AddMinutes(-90))}");

        Assert.Equal("campaign:launch", replay["boardId"].Text());
        var goal = Assert.Single(replay["goals"]!.AsArray())!;
        Assert.Equal("leads", goal["id"].Text());
        Assert.Equal(3, goal["progress"].Number());
        Assert.Equal(2, goal["eventCount"].Number());
        Assert.Equal(7, await tenant.ProgressAsync("leads"));
    }

    [Fact]
    public async Task Replay_recomputes_a_roll_up_goal_from_its_replayed_children()
    {
        var tenant = await system.CreateTenantAsync("replayup");
        await tenant.SeedOrganizationAsync();
        var parent = Goal("okr", metric: null, target: null);
        parent["rollUp"] = "children";
        await tenant.CreateGoalAsync(parent);
        var leads = Goal("okr-leads", "leads", target: 100);
        leads["parent"] = "okr";
        var visits = Goal("okr-visits", "visits", target: 10);
        visits["parent"] = "okr";
        await tenant.CreateGoalAsync(leads);
        await tenant.CreateGoalAsync(visits);
        var now = DateTimeOffset.UtcNow;
        await tenant.IngestAsync(Event("l1", "leads", 50, timestamp: now.AddHours(-2)), Event("v1", "visits", 10, timestamp: now.AddMinutes(-30)));
        await tenant.GoalWhenAsync("okr", g => g["percent"].Number() == 75);

        var replay = await tenant.GetOkAsync($"/api/v1/boards/campaign:launch/replay?at={Query(now.AddHours(-1))}");

        var goals = replay["goals"]!.AsArray().ToDictionary(g => g!["id"].Text(), g => g!);
        Assert.Equal(50, goals["okr-leads"]["percent"].Number());
        Assert.Equal(0, goals["okr-visits"]["percent"].Number());
        Assert.Equal(25, goals["okr"]["percent"].Number()); // (50 % + 0 %) / 2, not the live 75 %
        Assert.Equal(25, goals["okr"]["progress"].Number());
        // A day into a 31-day period, 25 % is well ahead of pace, judged at the replayed moment.
        Assert.Equal("onTrack", goals["okr"]["status"].Text());
    }

    [Fact]
    public async Task A_review_freezes_the_goals_so_later_events_do_not_change_it()
    {
        var tenant = await OrganizationWithGoalAsync("review");
        await tenant.IngestAsync(Event("q1", "leads", 10));
        await tenant.GoalWhenAsync("leads", g => g["progress"].Number() == 10);

        using var response = await tenant.SendAsync(HttpMethod.Post, "/api/v1/reviews", new { id = "q3", name = "Q3 review" });
        var frozen = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        await tenant.IngestAsync(Event("q2", "leads", 15));
        await tenant.GoalWhenAsync("leads", g => g["progress"].Number() == 25);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("/api/v1/reviews/q3", response.Headers.Location?.OriginalString);
        Assert.Equal(10, Assert.Single(frozen["goals"]!.AsArray())!["progress"].Number());
        var later = await tenant.GetOkAsync("/api/v1/reviews/q3");
        Assert.True(JsonNode.DeepEquals(frozen, later), $"the review changed: {frozen.ToJsonString()} → {later.ToJsonString()}");
        Assert.Equal(["q3"], (await tenant.GetOkAsync("/api/v1/reviews")).AsArray().Select(r => r.Text()));
    }

    [Fact]
    public async Task A_review_comparison_shows_each_goal_then_now_and_the_change()
    {
        var tenant = await OrganizationWithGoalAsync("compare");
        await tenant.IngestAsync(Event("q1", "leads", 10));
        await tenant.GoalWhenAsync("leads", g => g["progress"].Number() == 10);
        await tenant.PostOkAsync("/api/v1/reviews", new { id = "q3", name = "Q3 review" });
        await tenant.IngestAsync(Event("q2", "leads", 15));
        await tenant.GoalWhenAsync("leads", g => g["progress"].Number() == 25);

        var comparison = await tenant.GetOkAsync("/api/v1/reviews/q3/comparison");

        Assert.Equal("q3", comparison["reviewId"].Text());
        Assert.Equal("Q3 review", comparison["name"].Text());
        var row = Assert.Single(comparison["goals"]!.AsArray())!;
        Assert.Equal("leads", row["id"].Text());
        Assert.Equal(10, row["then"].Number());
        Assert.Equal(25, row["now"].Number());
        Assert.Equal(15, row["change"].Number());
        Assert.Equal(10, row["percentThen"].Number());
        Assert.Equal(25, row["percentNow"].Number());
    }

    [Fact]
    public async Task Settings_start_at_the_defaults_and_round_trip_through_put()
    {
        var tenant = await system.CreateTenantAsync("settings");
        var defaults = await tenant.GetOkAsync("/api/v1/settings");
        var changed = new JsonObject
        {
            ["onTrackRatio"] = 0.8, ["atRiskRatio"] = 0.5, ["stayTolerance"] = 0.2, ["trendWindowMinutes"] = 30,
            ["trendDrop"] = 0.4, ["highConfidence"] = 8, ["lowConfidence"] = 2, ["alertHoldMinutes"] = 2,
        };

        var put = await tenant.PutOkAsync("/api/v1/settings", changed);
        var read = await tenant.GetOkAsync("/api/v1/settings");

        var expectedDefaults = new JsonObject
        {
            ["onTrackRatio"] = 0.9, ["atRiskRatio"] = 0.7, ["stayTolerance"] = 0.1, ["trendWindowMinutes"] = 60,
            ["trendDrop"] = 0.3, ["highConfidence"] = 7, ["lowConfidence"] = 3, ["alertHoldMinutes"] = 5,
            ["currency"] = "USD", ["timeZone"] = "UTC",
        };
        Assert.True(JsonNode.DeepEquals(expectedDefaults, defaults), defaults.ToJsonString());
        // What the PUT left out (currency, time zone) stays as it was.
        var expected = changed.DeepClone().AsObject();
        expected["currency"] = "USD";
        expected["timeZone"] = "UTC";
        Assert.True(JsonNode.DeepEquals(expected, put), put.ToJsonString());
        Assert.True(JsonNode.DeepEquals(expected, read), read.ToJsonString());
    }

    [Fact]
    public async Task Changing_the_thresholds_rejudges_the_goals_at_once()
    {
        var tenant = await OrganizationWithGoalAsync("rejudge");
        await tenant.IngestAsync(Event("s1", "leads", 3)); // 3 % done against about 3.2 % expected: 93 % of the pace
        var before = await tenant.GoalWhenAsync("leads", g => g["progress"].Number() == 3);

        await tenant.PutOkAsync("/api/v1/settings", new { onTrackRatio = 1.0 });

        Assert.Equal("onTrack", before["status"].Text());
        Assert.Equal("atRisk", (await tenant.GetOkAsync("/api/v1/goals/leads"))["status"].Text());
    }
}
