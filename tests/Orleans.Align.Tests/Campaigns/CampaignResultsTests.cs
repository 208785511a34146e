using Orleans.Align.Tests.Cluster;
using static Orleans.Align.Tests.Cluster.TestOrganization;

namespace Orleans.Align.Tests.Campaigns;

/// <summary>
/// A campaign keeps live totals from the log, exactly once: for the campaign, per department and per
/// activity, ratios from summed parts at every level, and the pace of each activity target.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class CampaignResultsTests(ClusterFixture cluster)
{
    private const string Webinar = "webinar";
    private const string Press = "press";
    private const string Ads = "ads";

    // A launch window around now, so pace is judged half-way through it.
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private static readonly DateTimeOffset WindowStart = Now.AddDays(-1);
    private static readonly DateTimeOffset WindowEnd = Now.AddDays(1);
    private static readonly DateTimeOffset InWindow = Now.AddHours(-1);

    private static MetricEvent Activity(string id, string metric, double value, string activity, string? department = null, DateTimeOffset? at = null, string campaign = "q3") =>
        Event(id, metric, value, campaign, department, at ?? InWindow) with { Activity = activity };

    /// <summary>Campaign q3 (marketing, pr, sales) with a webinar (marketing), press (pr) and ads (marketing).</summary>
    private static async Task<TestOrganization> OrgWithCampaignAsync(ClusterFixture cluster, params CampaignActivity[] extra)
    {
        var org = await cluster.NewOrganizationAsync();
        await org.Grain.AddCampaignAsync(new Campaign("q3", "Q3 push", [Marketing, Pr, Sales],
        [
            new("webinar", Marketing, "Webinar", ["leads", "visits", "conversions"], [new ActivityTarget("leads", 100)]),
            new("press", Pr, "Press tour", ["media_mentions"], [new ActivityTarget("media_mentions", 10)]),
            new("ads", Marketing, "Ads", ["spend", "new_customers", "clicks", "impressions"]),
            .. extra,
        ], WindowStart, WindowEnd));
        return org;
    }

    private static double? Value(TotalsView totals, string metric) => totals.Metrics.SingleOrDefault(m => m.Metric == metric)?.Value;

    [Fact]
    public async Task Totals_of_every_base_metric_for_the_campaign_each_department_and_each_activity()
    {
        var org = await OrgWithCampaignAsync(cluster);
        var result = await org.IngestAsync(
            Activity("w1", "leads", 30, Webinar, Marketing),
            Activity("w2", "leads", 12, Webinar, Sales),
            Activity("p1", "media_mentions", 4, Press, Pr),
            Event("no-activity", "spend", 500, "q3", Marketing, InWindow),
            Event("other-campaign", "leads", 1_000, Launch, Marketing, InWindow),
            Event("no-campaign", "leads", 2_000, department: Marketing, at: InWindow));

        var view = await org.CampaignThroughAsync("q3", result.LastSequence);
        Assert.Equal(4, view.Totals.Events);
        Assert.Equal(42, Value(view.Totals, "leads"));
        Assert.Equal(4, Value(view.Totals, "media_mentions"));
        Assert.Equal(500, Value(view.Totals, "spend"));
        Assert.Null(Value(view.Totals, "revenue")); // no data is not zero: base metrics without events are left out

        Assert.Equal([Marketing, Pr, Sales], view.ByDepartment.Select(d => d.Department));
        Assert.Equal(30, Value(view.ByDepartment.Single(d => d.Department == Marketing).Totals, "leads"));
        Assert.Equal(500, Value(view.ByDepartment.Single(d => d.Department == Marketing).Totals, "spend"));
        Assert.Equal(12, Value(view.ByDepartment.Single(d => d.Department == Sales).Totals, "leads"));

        var webinar = view.Activities.Single(a => a.Id == Webinar);
        Assert.Equal((Marketing, "Webinar", 2L), (webinar.Department, webinar.Name, webinar.Totals.Events));
        Assert.Equal(42, Value(webinar.Totals, "leads"));
        Assert.Equal(4, Value(view.Activities.Single(a => a.Id == Press).Totals, "media_mentions"));
        Assert.Equal(0, view.Activities.Single(a => a.Id == Ads).Totals.Events);
    }

    [Fact]
    public async Task Ratios_are_computed_from_summed_parts_at_every_level_never_averaged()
    {
        var org = await OrgWithCampaignAsync(cluster);
        // Marketing converts 1 of 2 visits (50%), sales 1 of 98 (about 1%): the campaign's rate is 2/100, not their average.
        var result = await org.IngestAsync(
            Activity("m-visits", "visits", 2, Webinar, Marketing),
            Activity("m-conv", "conversions", 1, Webinar, Marketing),
            Activity("s-visits", "visits", 98, Webinar, Sales),
            Activity("s-conv", "conversions", 1, Webinar, Sales),
            Activity("spend-1", "spend", 300, Ads, Marketing),
            Activity("spend-2", "spend", 100, Ads, Marketing),
            Activity("customers", "new_customers", 8, Ads, Marketing));

        var view = await org.CampaignThroughAsync("q3", result.LastSequence);
        Assert.Equal(0.02, Value(view.Totals, "conversion_rate"));
        Assert.Equal(0.5, Value(view.ByDepartment.Single(d => d.Department == Marketing).Totals, "conversion_rate"));
        Assert.Equal(1 / 98.0, Value(view.ByDepartment.Single(d => d.Department == Sales).Totals, "conversion_rate"));
        Assert.Equal(0.02, Value(view.Activities.Single(a => a.Id == Webinar).Totals, "conversion_rate"));
        Assert.Equal(50, Value(view.Activities.Single(a => a.Id == Ads).Totals, "cac")); // 400 / 8
        // Every ratio of the catalogue is derived; one without its parts has no value (not zero).
        Assert.Null(Value(view.Totals, "ctr"));
        Assert.Contains(view.Totals.Metrics, m => m.Metric == "roi" && m.Kind == MetricKind.Ratio);
    }

    [Fact]
    public async Task Each_activity_target_gets_a_pace_status_like_a_goal_over_its_period()
    {
        var org = await OrgWithCampaignAsync(cluster,
            new CampaignActivity("social", Marketing, "Social", ["engagements", "clicks"],
            [
                new ActivityTarget("engagements", 100),
                // Its own period: a week that ended yesterday, short of its target.
                new ActivityTarget("clicks", 10, Start: Now.AddDays(-8), End: Now.AddDays(-1)),
            ]));
        var result = await org.IngestAsync(
            Activity("w", "leads", 50, Webinar, Marketing),                  // 50 of 100 half-way: on track
            Activity("p", "media_mentions", 4, Press, Pr),                   // 4 of 10 half-way: 0.8 of pace, at risk
            Activity("s", "engagements", 10, "social", Marketing),           // 10 of 100 half-way: off track
            Activity("before", "engagements", 1_000, "social", Marketing, at: WindowStart.AddMinutes(-1)),
            Activity("c", "clicks", 3, "social", Marketing, at: Now.AddDays(-2)));

        var view = await org.CampaignThroughAsync("q3", result.LastSequence);
        TargetView Target(string activity, string metric) => view.Activities.Single(a => a.Id == activity).Targets.Single(t => t.Metric == metric);

        Assert.Equal((50.0, 50.0, GoalStatus.OnTrack), (Target(Webinar, "leads").Value, Target(Webinar, "leads").Percent, Target(Webinar, "leads").Status));
        Assert.Equal((WindowStart, WindowEnd), (Target(Webinar, "leads").Start, Target(Webinar, "leads").End));
        Assert.Equal(GoalStatus.AtRisk, Target(Press, "media_mentions").Status);
        // An event before the target's period counts for the activity, not for the target.
        Assert.Equal((10.0, GoalStatus.OffTrack), (Target("social", "engagements").Value, Target("social", "engagements").Status));
        Assert.Equal(1_010, Value(view.Activities.Single(a => a.Id == "social").Totals, "engagements"));
        Assert.Equal((3.0, GoalStatus.Missed), (Target("social", "clicks").Value, Target("social", "clicks").Status));
        Assert.InRange(Target(Webinar, "leads").ExpectedPercent, 49, 51);
    }

    [Fact]
    public async Task Activities_added_and_changed_while_the_campaign_runs_are_counted_from_the_log()
    {
        var org = await OrgWithCampaignAsync(cluster);
        await org.IngestAsync(Activity("w1", "leads", 20, Webinar, Marketing, at: Now.AddDays(-3)));

        // A new activity: events may name it from now on.
        await org.Grain.SetActivityAsync("q3", new CampaignActivity("podcast", Pr, "Podcast", ["engagements"], [new ActivityTarget("engagements", 40)]));
        var result = await org.IngestAsync(Activity("pod-1", "engagements", 10, "podcast", Pr));
        var view = await org.CampaignThroughAsync("q3", result.LastSequence);
        Assert.Equal(10, view.Activities.Single(a => a.Id == "podcast").Targets.Single().Value);

        // The webinar's target moves to a period that covers the event of three days ago: it is recounted.
        var changed = await org.Grain.SetActivityAsync("q3", new CampaignActivity(Webinar, Marketing, "Webinar", ["leads"],
            [new ActivityTarget("leads", 100, Start: Now.AddDays(-4), End: Now.AddDays(4))]));
        var target = changed.Activities.Single(a => a.Id == Webinar).Targets.Single();
        Assert.Equal(20, target.Value);
        Assert.Equal(20, Value(changed.Activities.Single(a => a.Id == Webinar).Totals, "leads"));
        Assert.Equal(10, Value(changed.Totals, "engagements")); // nothing counted twice by the recount
        Assert.Equal(2, changed.Totals.Events);
    }

    [Fact]
    public async Task An_event_naming_an_activity_its_campaign_does_not_have_is_refused_whole()
    {
        var org = await OrgWithCampaignAsync(cluster);
        var unknown = await Assert.ThrowsAsync<AlignException>(() => org.IngestAsync(
            Activity("ok", "leads", 1, Webinar), Activity("bad", "leads", 1, "no-such-activity")));
        Assert.Equal(AlignErrorKind.Invalid, unknown.Kind);
        Assert.Contains("no-such-activity", unknown.Message);
        // Another campaign's activity is not this campaign's.
        await Assert.ThrowsAsync<AlignException>(() => org.IngestAsync(Activity("elsewhere", "leads", 1, Webinar, campaign: Launch)));
        var view = await org.Campaign("q3").GetViewAsync();
        Assert.Equal(0, view!.Totals.Events);
    }

    [Fact]
    public async Task A_range_delivered_again_or_after_a_gap_counts_every_event_exactly_once()
    {
        var org = await OrgWithCampaignAsync(cluster);
        var first = await org.IngestAsync(Activity("a", "leads", 5, Webinar, Marketing), Activity("b", "leads", 7, Webinar, Marketing));
        var view = await org.CampaignThroughAsync("q3", first.LastSequence);
        Assert.Equal(12, Value(view.Totals, "leads"));

        // The same range handed over again (a retry whose first attempt landed) is old news.
        var stored = await cluster.Log.ReadAsync(org.Id, 1, 1_000);
        var again = new LogRange(0, first.LastSequence, [.. stored.Where(e => e.Event.Campaign == "q3")]);
        await org.Campaign("q3").ApplyAsync(again);
        Assert.Equal(12, Value((await org.Campaign("q3").GetViewAsync())!.Totals, "leads"));

        // A range that starts past what the campaign applied: the gap is read from the log, once.
        var second = await org.IngestAsync(Activity("c", "leads", 100, Webinar, Marketing), Activity("d", "leads", 1_000, Webinar, Marketing));
        var all = await cluster.Log.ReadAsync(org.Id, 1, 1_000);
        var last = all.Single(e => e.Event.Id == "d");
        await org.Campaign("q3").ApplyAsync(new LogRange(last.Sequence - 1, last.Sequence, [last]));
        view = await org.CampaignThroughAsync("q3", second.LastSequence);
        Assert.Equal(1_112, Value(view.Totals, "leads"));
        Assert.Equal(4, view.Totals.Events);
    }

    [Fact]
    public async Task The_war_room_shows_the_campaigns_activities_with_results_against_target_beside_its_goals()
    {
        var org = await OrgWithCampaignAsync(cluster);
        await org.CreateGoalAsync("q3-leads", "leads", GoalScope.Of(campaign: "q3"));
        var result = await org.IngestAsync(Activity("w", "leads", 50, Webinar, Marketing));
        await org.CampaignThroughAsync("q3", result.LastSequence);

        await Eventually.Holds(async () =>
        {
            var board = await org.Board(BoardIds.ForCampaign("q3")).GetSnapshotAsync();
            Assert.Equal("q3-leads", Assert.Single(board.Goals).Id);
            var webinar = board.Campaign!.Activities.Single(a => a.Id == Webinar);
            Assert.Equal(Marketing, webinar.Department);
            Assert.Equal(GoalStatus.OnTrack, webinar.Targets.Single().Status);
            Assert.Equal(50, Value(webinar.Totals, "leads"));
        });
    }
}
