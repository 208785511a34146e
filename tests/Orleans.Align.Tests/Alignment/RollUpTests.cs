using Orleans.Align.Tests.Cluster;
using static Orleans.Align.Tests.Alignment.LiveGoals;
using static Orleans.Align.Tests.Cluster.TestOrganization;

namespace Orleans.Align.Tests.Alignment;

/// <summary>The alignment tree: a parent's progress is the weighted average of its children's, live.</summary>
[Collection(ClusterCollection.Name)]
public sealed class RollUpTests(ClusterFixture cluster)
{
    private static async Task<GoalView> PercentBecomesAsync(TestOrganization org, string goalId, double percent)
    {
        GoalView? view = null;
        await Eventually.Holds(async () =>
        {
            view = await org.Goal(goalId).GetAsync();
            Assert.Equal(percent, view?.Percent);
        });
        return view!;
    }

    [Fact]
    public async Task Parent_is_the_weighted_average_of_its_childrens_percent_each_capped_at_100()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.Grain.CreateGoalAsync(RollUpOf("launch-success"));
        await org.Grain.CreateGoalAsync(LiveGoal("leads", "leads", target: 100, parentId: "launch-success", weight: 1));
        await org.Grain.CreateGoalAsync(LiveGoal("visits", "visits", target: 1_000, parentId: "launch-success", weight: 3));

        await org.IngestAsync(Recent("leads", "leads", 150), Recent("visits", "visits", 200));

        // Leads at 150% count as 100; visits at 20% weigh three times as much: (100 + 3 × 20) / 4.
        var parent = await PercentBecomesAsync(org, "launch-success", 40);
        Assert.Equal(40, parent.Progress);
        Assert.Equal(100, parent.Target);
        Assert.Equal(RollUp.Children, parent.RollUp);
        Assert.Null(parent.Contributions);
    }

    [Fact]
    public async Task Parent_moves_when_a_child_moves()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.Grain.CreateGoalAsync(RollUpOf("launch-success"));
        await org.Grain.CreateGoalAsync(LiveGoal("leads", "leads", target: 100, parentId: "launch-success", weight: 1));
        await org.Grain.CreateGoalAsync(LiveGoal("visits", "visits", target: 1_000, parentId: "launch-success", weight: 3));
        await org.IngestAsync(Recent("leads", "leads", 150), Recent("visits", "visits", 200));
        await PercentBecomesAsync(org, "launch-success", 40);

        await org.IngestAsync(Recent("more-visits", "visits", 400));

        await PercentBecomesAsync(org, "launch-success", 70);
    }

    [Fact]
    public async Task Child_without_data_counts_as_nothing_done()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.Grain.CreateGoalAsync(RollUpOf("launch-success"));
        await org.Grain.CreateGoalAsync(LiveGoal("leads", "leads", target: 100, parentId: "launch-success"));
        await org.Grain.CreateGoalAsync(LiveGoal("conversion", "conversion_rate", target: 0.1, parentId: "launch-success"));

        await org.IngestAsync(Recent("leads", "leads", 60), Recent("conversions", "conversions", 5));

        await PercentBecomesAsync(org, "launch-success", 30);
        Assert.Null((await org.Goal("conversion").GetAsync())!.Percent);
    }

    [Fact]
    public async Task Goal_with_an_unknown_parent_is_refused()
    {
        var org = await cluster.NewOrganizationAsync();

        var refused = await Assert.ThrowsAsync<AlignException>(() => org.Grain.CreateGoalAsync(LiveGoal("leads", "leads", target: 100, parentId: "no-such-goal")));

        Assert.Equal(AlignErrorKind.Invalid, refused.Kind);
        Assert.Empty(await org.Grain.ListGoalsAsync());
    }
}
