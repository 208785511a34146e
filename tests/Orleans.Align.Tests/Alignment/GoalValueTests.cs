using Orleans.Align.Tests.Cluster;
using static Orleans.Align.Tests.Alignment.LiveGoals;
using static Orleans.Align.Tests.Cluster.TestOrganization;

namespace Orleans.Align.Tests.Alignment;

/// <summary>How a goal turns events into a value for each kind of metric: ratios from summed parts, gauges from the latest reading.</summary>
[Collection(ClusterCollection.Name)]
public sealed class GoalValueTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Ratio_goal_has_no_data_until_its_denominator_arrives()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.Grain.CreateGoalAsync(LiveGoal("launch-conversion", "conversion_rate", target: 0.1, scope: GoalScope.Of(campaign: Launch)));

        var conversions = await org.IngestAsync(Recent("c1", "conversions", 12, Launch, Marketing));
        var waiting = await org.AppliedThroughAsync("launch-conversion", conversions.LastSequence);
        var visits = await org.IngestAsync(Recent("v1", "visits", 200, Launch, Marketing));
        var computed = await org.AppliedThroughAsync("launch-conversion", visits.LastSequence);

        Assert.Null(waiting.Progress);
        Assert.Null(waiting.Percent);
        Assert.Equal(GoalStatus.NoData, waiting.Status);
        Assert.Equal(12, waiting.Parts!["conversions"]);
        Assert.Equal(0.06, computed.Progress);
        Assert.Equal(60, computed.Percent);
    }

    [Fact]
    public async Task Ratio_goal_divides_the_summed_parts_instead_of_averaging_the_departments_ratios()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.Grain.CreateGoalAsync(LiveGoal("conversion", "conversion_rate", target: 0.5));

        var result = await org.IngestAsync(
            Recent("m-conversions", "conversions", 10, department: Marketing),
            Recent("m-visits", "visits", 100, department: Marketing),
            Recent("s-conversions", "conversions", 90, department: Sales),
            Recent("s-visits", "visits", 300, department: Sales));

        // Marketing converts 10%, sales 30%: the average of the two would say 20%.
        var goal = await org.AppliedThroughAsync("conversion", result.LastSequence);
        Assert.Equal(0.25, goal.Progress);
        Assert.Equal(new Dictionary<string, double> { ["conversions"] = 100, ["visits"] = 400 }, goal.Parts);
        Assert.Equal("ratio", goal.Unit);
    }

    [Fact]
    public async Task Ratio_goal_contribution_of_each_department_is_computed_from_that_departments_own_parts()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.Grain.CreateGoalAsync(LiveGoal("conversion", "conversion_rate", target: 0.5));

        var result = await org.IngestAsync(
            Recent("m-visits", "visits", 100, department: Marketing),
            Recent("s-conversions", "conversions", 90, department: Sales),
            Recent("pr-conversions", "conversions", 4, department: Pr),
            Recent("no-department", "visits", 1_000),
            Recent("m-conversions", "conversions", 10, department: Marketing),
            Recent("s-visits", "visits", 300, department: Sales));

        var goal = await org.AppliedThroughAsync("conversion", result.LastSequence);
        Assert.Equal(
            [new Contribution(Marketing, 0.1, 2), new Contribution(Pr, null, 1), new Contribution(Sales, 0.3, 2)],
            goal.Contributions);
        Assert.Equal(104.0 / 1_400, goal.Progress);
    }

    [Fact]
    public async Task Gauge_goal_takes_the_latest_reading_by_timestamp_not_the_sum()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.Grain.CreateGoalAsync(LiveGoal("followers", "followers", target: 10_000, kind: GoalKind.IncreaseTo));

        await org.IngestAsync(
            Recent("two-hours-ago", "followers", 5_200, department: Pr, ago: TimeSpan.FromHours(2)),
            Recent("an-hour-ago", "followers", 5_600, department: Pr, ago: TimeSpan.FromHours(1)));
        // A reading that arrives late describes an earlier moment: it does not replace the newer one.
        var late = await org.IngestAsync(Recent("three-hours-ago", "followers", 4_800, department: Pr, ago: TimeSpan.FromHours(3)));

        var goal = await org.AppliedThroughAsync("followers", late.LastSequence);
        Assert.Equal(5_600, goal.Progress);
        Assert.Equal(56, goal.Percent);
        Assert.Equal(3, goal.EventCount);
        Assert.Null(goal.Parts);
    }

    [Fact]
    public async Task Decrease_goal_on_cac_measures_the_way_down_from_baseline_to_target()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.Grain.CreateGoalAsync(LiveGoal("cac", "cac", target: 100, kind: GoalKind.DecreaseTo, baseline: 200));

        var result = await org.IngestAsync(Recent("spend", "spend", 1_500), Recent("customers", "new_customers", 10));

        var goal = await org.AppliedThroughAsync("cac", result.LastSequence);
        Assert.Equal(150, goal.Progress);
        Assert.Equal(50, goal.Percent);
        Assert.True(goal.LowerIsBetter);
        Assert.Equal("currency", goal.Unit);
    }

    [Fact]
    public async Task Stay_below_goal_is_short_by_its_relative_distance_above_its_target_and_complete_under_it()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.Grain.CreateGoalAsync(LiveGoal("cac-cap", "cac", target: 120, kind: GoalKind.StayBelow));

        var first = await org.IngestAsync(Recent("spend", "spend", 1_500), Recent("customers-1", "new_customers", 10));
        var above = await org.AppliedThroughAsync("cac-cap", first.LastSequence);
        var second = await org.IngestAsync(Recent("customers-2", "new_customers", 5));
        var under = await org.AppliedThroughAsync("cac-cap", second.LastSequence);

        Assert.Equal(150, above.Progress);
        Assert.Equal(75, above.Percent); // 25% over the cap
        Assert.Equal(GoalStatus.OffTrack, above.Status);
        Assert.Equal(100, under.Progress);
        Assert.Equal(100, under.Percent);
        Assert.Equal(GoalStatus.OnTrack, under.Status);
    }
}
