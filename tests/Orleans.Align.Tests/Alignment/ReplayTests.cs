using Orleans.Align.Grains.Goals;
using Orleans.Align.Tests.Cluster;
using static Orleans.Align.Tests.Alignment.LiveGoals;
using static Orleans.Align.Tests.Cluster.TestOrganization;

namespace Orleans.Align.Tests.Alignment;

/// <summary>Replay: a board as it stood at a moment in the past, computed from the log by event time.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ReplayTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Replay_shows_each_goal_as_of_the_moment_by_event_time()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.Grain.CreateGoalAsync(LiveGoal("launch-leads", "leads", target: 100, scope: GoalScope.Of(campaign: Launch)));
        await org.Grain.CreateGoalAsync(LiveGoal("launch-visits", "visits", target: 1_000, scope: GoalScope.Of(campaign: Launch)));
        var now = DateTimeOffset.UtcNow;
        // The log's order is not event time: the oldest event arrives last.
        await org.IngestAsync(
            new MetricEvent("two-hours-ago", "leads", 20, now.AddHours(-2), Launch),
            new MetricEvent("an-hour-ago", "leads", 40, now.AddHours(-1), Launch),
            new MetricEvent("visits", "visits", 500, now.AddHours(-2.5), Launch));
        var result = await org.IngestAsync(new MetricEvent("three-hours-ago", "leads", 10, now.AddHours(-3), Launch));
        await org.AppliedThroughAsync("launch-leads", result.LastSequence);
        await org.AppliedThroughAsync("launch-visits", result.LastSequence - 1);
        var at = now.AddMinutes(-90);

        var replay = await org.Board(BoardIds.ForCampaign(Launch)).ReplayAsync(at);

        Assert.Equal(0, replay.Version);
        var leads = Assert.Single(replay.Goals, g => g.Id == "launch-leads");
        Assert.Equal((30.0, 2L), (leads.Progress, leads.EventCount));
        Assert.Equal(GoalMath.Expected(leads.Start, leads.End, at), leads.ExpectedPercent);
        Assert.Equal(500, Assert.Single(replay.Goals, g => g.Id == "launch-visits").Progress);
        Assert.Equal(70, (await org.Goal("launch-leads").GetAsync())!.Progress);
    }

    [Fact]
    public async Task Replay_shows_the_check_in_that_stood_at_the_moment_not_a_later_one()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.Grain.CreateGoalAsync(LiveGoal("launch-leads", "leads", target: 100, scope: GoalScope.Of(campaign: Launch)));
        var goal = org.Goal("launch-leads");
        await goal.CheckInAsync(new CheckIn(Sales, 4, "slow start", DateTimeOffset.UtcNow.AddHours(-3)));
        await goal.CheckInAsync(new CheckIn(Sales, 9, "picking up", DateTimeOffset.UtcNow.AddHours(-1)));

        var before = await goal.ViewAtAsync(DateTimeOffset.UtcNow.AddHours(-2));
        var first = await goal.ViewAtAsync(DateTimeOffset.UtcNow.AddHours(-4));

        Assert.Equal(4, before!.LatestCheckIn!.Confidence);
        Assert.Null(first!.LatestCheckIn);
        Assert.Equal(9, (await goal.GetAsync())!.LatestCheckIn!.Confidence);
    }

    [Fact]
    public async Task Replay_recomputes_a_roll_up_from_its_replayed_children()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.Grain.CreateGoalAsync(RollUpOf("launch-success"));
        await org.Grain.CreateGoalAsync(LiveGoal("leads", "leads", target: 100, parentId: "launch-success", weight: 1));
        await org.Grain.CreateGoalAsync(LiveGoal("visits", "visits", target: 1_000, parentId: "launch-success", weight: 3));
        var now = DateTimeOffset.UtcNow;
        var result = await org.IngestAsync(
            new MetricEvent("early-leads", "leads", 40, now.AddHours(-3)),
            new MetricEvent("late-leads", "leads", 60, now.AddHours(-1)),
            new MetricEvent("early-visits", "visits", 200, now.AddHours(-3)));
        await org.AppliedThroughAsync("leads", result.LastSequence - 1);
        await org.AppliedThroughAsync("visits", result.LastSequence);

        var replay = await org.Board(BoardIds.Overview).ReplayAsync(now.AddHours(-2));

        // Two hours ago: leads at 40%, visits at 20%: (40 + 3 × 20) / 4. With 22 of the period's
        // 48 hours gone by then, 25% is well under 70% of the pace.
        var parent = Assert.Single(replay.Goals, g => g.Id == "launch-success");
        Assert.Equal((25.0, 25.0), (parent.Progress, parent.Percent));
        Assert.Equal(GoalStatus.OffTrack, parent.Status);
    }
}
