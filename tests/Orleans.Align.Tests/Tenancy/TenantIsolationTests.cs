using Orleans.Align.Tests.Cluster;
using static Orleans.Align.Tests.Cluster.TestOrganization;

namespace Orleans.Align.Tests.Tenancy;

/// <summary>Two organizations that chose the same department, campaign and goal ids never see each other's data.</summary>
[Collection(ClusterCollection.Name)]
public sealed class TenantIsolationTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Events_in_one_organization_do_not_move_another_organizations_goal_with_the_same_ids()
    {
        var a = await cluster.NewOrganizationAsync();
        var b = await cluster.NewOrganizationAsync();
        await a.CreateGoalAsync("launch-leads", "leads", GoalScope.Of(Launch, Marketing));
        await b.CreateGoalAsync("launch-leads", "leads", GoalScope.Of(Launch, Marketing));

        var inA = await a.IngestAsync(Event("e1", "leads", 7, Launch, Marketing));
        await a.AppliedThroughAsync("launch-leads", inA.LastSequence);

        var goalInB = await b.Goal("launch-leads").GetAsync();
        Assert.NotNull(goalInB);
        Assert.Equal(0, goalInB.Progress);
        Assert.Equal(0, goalInB.EventCount);
        Assert.Equal(0, await cluster.Log.GetLastSequenceAsync(b.Id));
    }

    [Fact]
    public async Task Each_organization_has_its_own_sequence_numbers_and_dedupe_window()
    {
        var a = await cluster.NewOrganizationAsync();
        var b = await cluster.NewOrganizationAsync();
        await a.IngestAsync(Event("e1", "leads", 1), Event("e2", "leads", 1));

        var sameIdsInB = await b.IngestAsync(Event("e1", "leads", 1), Event("e2", "leads", 1));

        Assert.Equal(new IngestResult(Accepted: 2, Duplicates: 0, LastSequence: 2), sameIdsInB);
    }

    [Fact]
    public async Task Organization_cannot_reach_another_organizations_goal_through_its_own_grain_keys()
    {
        var a = await cluster.NewOrganizationAsync();
        var b = await cluster.NewOrganizationAsync();
        await a.CreateGoalAsync("only-in-a", "leads");

        Assert.NotNull(await a.Goal("only-in-a").GetAsync());
        Assert.Null(await b.Goal("only-in-a").GetAsync());
        Assert.DoesNotContain(await b.Grain.ListGoalsAsync(), g => g.Id == "only-in-a");
    }

    [Fact]
    public async Task Boards_show_only_their_own_organizations_goals()
    {
        var a = await cluster.NewOrganizationAsync();
        var b = await cluster.NewOrganizationAsync();
        await a.CreateGoalAsync("a-goal", "leads", GoalScope.Of(campaign: Launch));
        await b.CreateGoalAsync("b-goal", "leads", GoalScope.Of(campaign: Launch));

        var boardOfB = await b.Board(BoardIds.ForCampaign(Launch)).GetSnapshotAsync();
        var overviewOfB = await b.Board(BoardIds.Overview).GetSnapshotAsync();

        Assert.Equal(["b-goal"], boardOfB.Goals.Select(g => g.Id));
        Assert.Equal(["b-goal"], overviewOfB.Goals.Select(g => g.Id));
    }

    [Fact]
    public async Task Campaign_of_one_organization_is_unknown_in_another()
    {
        var a = await cluster.NewOrganizationAsync();
        var b = await cluster.NewOrganizationAsync();
        await a.Grain.AddCampaignAsync(new Campaign("a-only", "A only", [Marketing]));

        var refused = await Assert.ThrowsAsync<AlignException>(() => b.IngestAsync(Event("e1", "leads", 1, "a-only")));

        Assert.Equal(AlignErrorKind.Invalid, refused.Kind);
    }
}
