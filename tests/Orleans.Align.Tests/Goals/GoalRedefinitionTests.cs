using Orleans.Align.Tests.Cluster;
using static Orleans.Align.Tests.Cluster.TestOrganization;

namespace Orleans.Align.Tests.Goals;

/// <summary>
/// A changed goal in a cluster: a new counting rule is recomputed from the log and routed by a new
/// cursor, and a range routed by the old rule that is still in flight never leaks into the new one.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class GoalRedefinitionTests(ClusterFixture cluster)
{
    private static readonly AuditActor Tester = new("key", "test", "test key");

    [Fact]
    public async Task A_new_scope_recomputes_from_the_log_and_the_ingest_log_routes_by_it()
    {
        var org = await cluster.NewOrganizationAsync();
        var definition = Definition("reach", "leads", GoalScope.Of(campaign: Launch));
        await org.Grain.CreateGoalAsync(definition);
        await org.IngestAsync(Event("l1", "leads", 5, Launch, Marketing), Event("s1", "leads", 7, SpringSale, Marketing));
        await Eventually.Holds(async () => Assert.Equal(5, (await org.Goal("reach").GetAsync())!.Progress));

        var changed = await org.Grain.UpdateGoalAsync(definition with { Scope = GoalScope.Of(campaign: SpringSale) }, Tester);

        Assert.Equal(7, changed.Progress);
        var status = await org.Log.GetDeliveryStatusAsync();
        Assert.Single(status.Goals, g => g.GoalId == "reach"); // one cursor: the old one is gone
        await org.IngestAsync(Event("l2", "leads", 100, Launch, Marketing), Event("s2", "leads", 1, SpringSale, Marketing));
        await Eventually.Holds(async () => Assert.Equal(8, (await org.Goal("reach").GetAsync())!.Progress));
        var change = Assert.Single((await org.Goal("reach").GetChangesAsync())!);
        Assert.True(change.Recomputed);
        Assert.Equal(Tester, change.By);
    }

    [Fact]
    public async Task A_range_routed_by_the_old_rule_is_ignored_and_a_change_taken_twice_is_recorded_once()
    {
        var org = await cluster.NewOrganizationAsync();
        var definition = Definition("reach", "leads");
        await org.Grain.CreateGoalAsync(definition);
        await org.IngestAsync(Event("l1", "leads", 5), Event("v1", "visits", 9));
        var changed = await org.Grain.UpdateGoalAsync(definition with { Metric = "visits" }, Tester);
        Assert.Equal(9, changed.Progress);

        // A handover of the old cursor (revision 0) arriving late, reaching past what the goal has read.
        var late = new LogRange(changed.AppliedThrough, changed.AppliedThrough + 10, [new LoggedEvent(changed.AppliedThrough + 1, Event("v-late", "visits", 1000))]);
        var through = await org.Goal("reach").ApplyAsync(late);

        Assert.Equal(changed.AppliedThrough, through);
        Assert.Equal(9, (await org.Goal("reach").GetAsync())!.Progress);
        // The organization sends the same definition again (a retry): nothing more is recorded.
        await org.Grain.UpdateGoalAsync(definition with { Metric = "visits" }, Tester);
        Assert.Single((await org.Goal("reach").GetChangesAsync())!);
    }
}
