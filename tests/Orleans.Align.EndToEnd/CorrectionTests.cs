using System.Net;
using System.Text.Json.Nodes;
using static Orleans.Align.EndToEnd.AlignmentApi;

namespace Orleans.Align.EndToEnd;

/// <summary>
/// Corrections over HTTP against the real processes (issue 11): an event that names an earlier one in
/// <c>corrects</c> changes the goal, the campaign and the department by the difference exactly once, under
/// resends; provenance shows both; replay and history; refusals (422, 409, 400) change nothing.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class CorrectionTests(AlignSystem system)
{
    private static object Correction(string id, string corrects, double value, DateTimeOffset? timestamp = null) =>
        timestamp is { } at
            ? new { id, metric = "leads", value, corrects, source = "e2e", timestamp = at }
            : new { id, metric = "leads", value, corrects, source = "e2e" };

    private async Task<Tenant> OrganizationWithGoalAsync(string prefix)
    {
        var tenant = await system.CreateTenantAsync(prefix);
        await tenant.SeedOrganizationAsync();
        await tenant.CreateGoalAsync(Goal("leads", "leads"));
        return tenant;
    }

    private static double LeadsOf(JsonNode? totals) =>
        totals!["metrics"]!.AsArray().SingleOrDefault(m => m!["metric"].Text() == "leads")?["value"]?.GetValue<double>() ?? 0;

    [Fact]
    public async Task A_correction_changes_goal_campaign_and_department_by_the_difference_once_and_resends_change_nothing()
    {
        var tenant = await OrganizationWithGoalAsync("corr");
        await tenant.IngestAsync(Event("e1", "leads", 10), Event("e2", "leads", 5));
        await tenant.GoalWhenAsync("leads", g => g["progress"].Number() == 15);

        var corrected = await tenant.IngestAsync(Correction("r1", "e1", 4));
        await tenant.GoalWhenAsync("leads", g => g["progress"].Number() == 9);
        var resent = await tenant.IngestAsync(Correction("r1", "e1", 4), Event("e1", "leads", 10));
        var resentAgain = await tenant.IngestAsync(Correction("r1", "e1", 4));
        await tenant.IngestAsync(Event("e3", "leads", 1));

        Assert.Equal((1, 0), (corrected["accepted"]!.GetValue<int>(), corrected["duplicates"]!.GetValue<int>()));
        Assert.Equal((0, 2), (resent["accepted"]!.GetValue<int>(), resent["duplicates"]!.GetValue<int>()));
        Assert.Equal(1, resentAgain["duplicates"]!.GetValue<int>());
        await tenant.GoalWhenAsync("leads", g => g["progress"].Number() == 10);
        await Eventually.EqualAsync(10.0, async () => LeadsOf((await tenant.GetOkAsync("/api/v1/campaigns/launch"))["totals"]));
        await Eventually.EqualAsync(10.0, async () => LeadsOf((await tenant.GetOkAsync("/api/v1/departments/marketing/scorecard"))["totals"]));
        // The goal rebuilt from the log comes to the same value.
        var rebuilt = await tenant.PostOkAsync("/api/v1/goals/leads/rebuild", new { });
        Assert.Equal(10, rebuilt["progress"].Number());
    }

    [Fact]
    public async Task Provenance_shows_the_original_and_the_correction_with_what_it_corrects_and_the_difference_it_made()
    {
        var tenant = await OrganizationWithGoalAsync("corrprov");
        var sold = DateTimeOffset.UtcNow.AddHours(-2);
        var refunded = DateTimeOffset.UtcNow.AddMinutes(-1);
        await tenant.IngestAsync(Event("e1", "leads", 10, timestamp: sold), Event("e2", "leads", 5));
        await tenant.IngestAsync(Correction("r1", "e1", 4, refunded));
        await tenant.GoalWhenAsync("leads", g => g["progress"].Number() == 9);

        var events = (await tenant.GetOkAsync("/api/v1/goals/leads/events"))["events"]!.AsArray();

        Assert.Equal(["r1", "e2", "e1"], events.Select(e => e!["id"].Text()));
        var correction = events[0]!;
        Assert.Equal(("e1", 4.0, 10.0, -6.0), (correction["corrects"].Text(), correction["value"].Number(), correction["previous"].Number(), correction["difference"].Number()));
        Assert.Equal(events[2]!["sequence"]!.GetValue<long>(), correction["correctedSequence"]!.GetValue<long>());
        Assert.Equal(events[2]!["timestamp"]!.GetValue<DateTimeOffset>(), correction["timestamp"]!.GetValue<DateTimeOffset>());
        Assert.Equal(refunded.ToUnixTimeMilliseconds(), correction["correctedAt"]!.GetValue<DateTimeOffset>().ToUnixTimeMilliseconds());
        Assert.Equal(("launch", "marketing"), (correction["campaign"].Text(), correction["department"].Text()));
        Assert.Null(events[2]!["corrects"]);
    }

    [Fact]
    public async Task Retracting_to_zero_and_a_chain_of_corrections_are_exact_and_correcting_a_corrected_event_again_is_409()
    {
        var tenant = await OrganizationWithGoalAsync("corrchain");
        await tenant.IngestAsync(Event("e1", "leads", 10), Event("e2", "leads", 5));
        await tenant.IngestAsync(Correction("spam", "e1", 0));
        await tenant.GoalWhenAsync("leads", g => g["progress"].Number() == 5);

        using var again = await tenant.SendAsync(HttpMethod.Post, "/api/v1/events", new { events = new[] { Event("e9", "leads", 100), Correction("r2", "e1", 3) } });
        var problem = await AssertProblemAsync(again, 409);
        await tenant.IngestAsync(Correction("unspam", "spam", 7));
        await tenant.IngestAsync(Correction("fix", "unspam", 8), Event("e4", "leads", 1));

        var refusal = Assert.Single(problem["refusals"]!.AsArray())!;
        Assert.Equal((1, "r2", "e1", "alreadyCorrected", "spam"),
            (refusal["index"]!.GetValue<int>(), refusal["id"].Text(), refusal["corrects"].Text(), refusal["reason"].Text(), refusal["newerCorrection"].Text()));
        await tenant.GoalWhenAsync("leads", g => g["progress"].Number() == 14); // 8 + 5 + 1; e9 was never stored
        var ids = (await tenant.GetOkAsync("/api/v1/goals/leads/events"))["events"]!.AsArray().Select(e => e!["id"].Text());
        Assert.DoesNotContain("e9", ids);
    }

    [Fact]
    public async Task An_unknown_id_another_organizations_id_another_metric_or_itself_is_refused_and_nothing_changes()
    {
        var other = await OrganizationWithGoalAsync("corrother");
        await other.IngestAsync(Event("theirs", "leads", 50));
        var tenant = await OrganizationWithGoalAsync("corrbad");
        await tenant.IngestAsync(Event("e1", "leads", 10));
        await tenant.GoalWhenAsync("leads", g => g["progress"].Number() == 10);

        using var unknown = await tenant.SendAsync(HttpMethod.Post, "/api/v1/events", new { events = new[] { Correction("r1", "nope", 1) } });
        var unknownProblem = await AssertProblemAsync(unknown, 422);
        using var theirs = await tenant.SendAsync(HttpMethod.Post, "/api/v1/events", new { events = new[] { Correction("r1", "theirs", 1) } });
        var theirsProblem = await AssertProblemAsync(theirs, 422);
        using var metric = await tenant.SendAsync(HttpMethod.Post, "/api/v1/events", new { events = new[] { new { id = "r1", metric = "visits", value = 1, corrects = "e1" } } });
        await AssertProblemAsync(metric, 422);
        using var itself = await tenant.SendAsync(HttpMethod.Post, "/api/v1/events", new { events = new[] { Correction("e5", "e5", 1) } });
        await AssertProblemAsync(itself, 400, "events[0].corrects");
        using var misspelt = await tenant.SendAsync(HttpMethod.Post, "/api/v1/events", new { events = new[] { new { id = "r1", metric = "leads", value = 1, correct = "e1" } } });
        await AssertProblemAsync(misspelt, 400);
        await tenant.IngestAsync(Event("e2", "leads", 1));

        Assert.Equal("unknownEvent", unknownProblem["refusals"]![0]!["reason"].Text());
        Assert.Equal("unknownEvent", theirsProblem["refusals"]![0]!["reason"].Text());
        Assert.DoesNotContain(other.Id, theirsProblem.ToJsonString());
        await tenant.GoalWhenAsync("leads", g => g["progress"].Number() == 11);
        Assert.Equal(50, await other.ProgressAsync("leads"));
    }

    [Fact]
    public async Task Replay_counts_a_correction_from_the_corrected_events_time_and_history_shows_the_value_as_known_at_each_minute()
    {
        var tenant = await OrganizationWithGoalAsync("corrtime");
        var sold = DateTimeOffset.UtcNow.AddHours(-2);
        await tenant.IngestAsync(Event("e1", "leads", 10, timestamp: sold));
        await tenant.GoalWhenAsync("leads", g => g["progress"].Number() == 10);
        // History keeps a point per minute of arrival: the correction comes in the next minute.
        var now = DateTimeOffset.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(61 - now.Second));

        await tenant.IngestAsync(Correction("r1", "e1", 4));
        await tenant.GoalWhenAsync("leads", g => g["progress"].Number() == 4);

        async Task<double?> ReplayAt(DateTimeOffset at) =>
            Assert.Single((await tenant.GetOkAsync($"/api/v1/boards/campaign:launch/replay?at={Query(at)}"))["goals"]!.AsArray())!["progress"].Number();
        Assert.Equal(0, await ReplayAt(sold.AddMinutes(-5)));
        Assert.Equal(4, await ReplayAt(sold.AddMinutes(5)));
        // The minute of the original holds 10; every minute from the correction's arrival on holds 4.
        var values = (await tenant.GetOkAsync("/api/v1/goals/leads/history")).AsArray().Select(p => p!["value"].Number()).ToList();
        var original = values.LastIndexOf(10);
        Assert.True(original >= 0, $"no point of 10 in [{string.Join(", ", values)}]");
        Assert.NotEmpty(values.Skip(original + 1));
        Assert.All(values.Skip(original + 1), v => Assert.Equal(4, v));
    }
}
