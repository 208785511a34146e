using Orleans.Align.Tests.Cluster;
using static Orleans.Align.Tests.Alignment.LiveGoals;
using static Orleans.Align.Tests.Cluster.TestOrganization;

namespace Orleans.Align.Tests.Alignment;

/// <summary>
/// Check-ins and the realignment triggers: human confidence beside computed pace, and the alerts a
/// goal posts on the shared feed when the two disagree or when the goal slips.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SignalTests(ClusterFixture cluster)
{
    /// <summary>Ended in an hour, a month-long goal with nearly nothing done: off track, whatever anyone feels.</summary>
    private static GoalDefinition NearlyOverAndBarelyStarted(string id) =>
        LiveGoal(id, "leads", target: 1_000, scope: GoalScope.Of(campaign: Launch), startedAgo: TimeSpan.FromDays(30), endsIn: TimeSpan.FromHours(1));

    private static async Task<IReadOnlyList<string?>> AlertReasonsOfAsync(TestOrganization org, string goalId) =>
        [.. (await org.Feed.ListAsync(new FeedQuery(Kind: FeedKind.Alert, GoalId: goalId))).Select(e => e.Reason)];

    [Fact]
    public async Task Check_in_becomes_the_goals_latest_check_in_and_an_entry_of_the_feed()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.RaiseAlertsAtOnceAsync();
        await org.Grain.CreateGoalAsync(LiveGoal("leads", "leads", target: 100, scope: GoalScope.Of(campaign: Launch)));
        var checkIn = new CheckIn(Sales, 6, "Pipeline looks fine.", DateTimeOffset.UtcNow);

        var view = await org.Goal("leads").CheckInAsync(checkIn);

        Assert.Equal(checkIn, view.LatestCheckIn);
        Assert.Equal(checkIn, (await org.Goal("leads").GetAsync())!.LatestCheckIn);
        var entry = Assert.Single(await org.Feed.ListAsync(new FeedQuery(Kind: FeedKind.CheckIn)));
        Assert.Equal((Sales, "leads", checkIn.At), (entry.Department, entry.GoalId, entry.At));
        Assert.Equal([Launch], entry.Campaigns);
        Assert.Contains("Pipeline looks fine.", entry.Text);
    }

    [Fact]
    public async Task Confident_check_in_on_an_off_track_goal_is_a_mismatch_and_raises_an_alert()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.RaiseAlertsAtOnceAsync();
        await org.Grain.CreateGoalAsync(NearlyOverAndBarelyStarted("leads"));
        var result = await org.IngestAsync(Recent("one-lead", "leads", 1, Launch));
        var before = await org.AppliedThroughAsync("leads", result.LastSequence);

        var view = await org.Goal("leads").CheckInAsync(new CheckIn(Sales, 9, "We will make it.", DateTimeOffset.UtcNow));

        Assert.Equal((GoalStatus.OffTrack, false), (before.Status, before.ConfidenceMismatch));
        Assert.Equal((GoalStatus.OffTrack, true), (view.Status, view.ConfidenceMismatch));
        var alert = Assert.Single(await org.Feed.ListAsync(new FeedQuery(Kind: FeedKind.Alert, GoalId: "leads")), e => e.Reason == AlertReasons.ConfidenceMismatch);
        Assert.Equal([Launch], alert.Campaigns);
    }

    [Fact]
    public async Task Check_in_whose_confidence_matches_the_pace_raises_no_mismatch()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.RaiseAlertsAtOnceAsync();
        await org.Grain.CreateGoalAsync(NearlyOverAndBarelyStarted("leads"));

        var view = await org.Goal("leads").CheckInAsync(new CheckIn(Sales, 2, "This one is lost.", DateTimeOffset.UtcNow));

        Assert.False(view.ConfidenceMismatch);
        Assert.DoesNotContain(AlertReasons.ConfidenceMismatch, await AlertReasonsOfAsync(org, "leads"));
    }

    [Fact]
    public async Task Goal_that_starts_out_off_track_posts_an_off_track_alert()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.RaiseAlertsAtOnceAsync();

        var created = await org.Grain.CreateGoalAsync(NearlyOverAndBarelyStarted("leads"));

        Assert.Equal(GoalStatus.OffTrack, created.Status);
        Assert.Equal([AlertReasons.OffTrack], await AlertReasonsOfAsync(org, "leads"));
    }

    [Fact]
    public async Task Goal_turning_off_track_posts_an_off_track_alert()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.RaiseAlertsAtOnceAsync();
        await org.Grain.CreateGoalAsync(LiveGoal("conversion", "conversion_rate", target: 0.1, kind: GoalKind.StayAbove, scope: GoalScope.Of(campaign: Launch)));
        var good = await org.IngestAsync(Recent("conversions", "conversions", 20, Launch), Recent("visits", "visits", 100, Launch));
        Assert.Equal(GoalStatus.OnTrack, (await org.AppliedThroughAsync("conversion", good.LastSequence)).Status);

        var flood = await org.IngestAsync(Recent("bot-visits", "visits", 900, Launch));

        Assert.Equal(GoalStatus.OffTrack, (await org.AppliedThroughAsync("conversion", flood.LastSequence)).Status);
        await Eventually.Holds(async () => Assert.Equal([AlertReasons.OffTrack], await AlertReasonsOfAsync(org, "conversion")));
        var alert = Assert.Single(await org.Feed.ListAsync(new FeedQuery(Kind: FeedKind.Alert, GoalId: "conversion")));
        Assert.Equal([Launch], alert.Campaigns);
        Assert.Contains("off track", alert.Text);
    }

    [Fact]
    public async Task Goal_turning_at_risk_posts_an_at_risk_alert()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.RaiseAlertsAtOnceAsync();
        await org.Grain.CreateGoalAsync(LiveGoal("conversion", "conversion_rate", target: 0.1, kind: GoalKind.StayAbove));
        var good = await org.IngestAsync(Recent("conversions", "conversions", 20), Recent("visits", "visits", 100));
        await org.AppliedThroughAsync("conversion", good.LastSequence);

        // 20 / 210 ≈ 0.095: within the 10% tolerance below the target.
        var dip = await org.IngestAsync(Recent("more-visits", "visits", 110));

        Assert.Equal(GoalStatus.AtRisk, (await org.AppliedThroughAsync("conversion", dip.LastSequence)).Status);
        await Eventually.Holds(async () => Assert.Equal([AlertReasons.AtRisk], await AlertReasonsOfAsync(org, "conversion")));
    }
}
