using Orleans.Align.Tests.Cluster;
using static Orleans.Align.Tests.Cluster.TestOrganization;

namespace Orleans.Align.Tests.Goals;

/// <summary>A goal's progress is the sum of the values of the events it counts, and nothing else.</summary>
[Collection(ClusterCollection.Name)]
public sealed class GoalProgressTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Progress_is_the_sum_of_the_metric_values_in_the_goals_campaign()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.CreateGoalAsync("launch-leads", "leads", GoalScope.Of(campaign: Launch));

        var result = await org.IngestAsync(
            Event("e1", "leads", 10, Launch, Marketing),
            Event("e2", "leads", 2.5, Launch, Pr),
            Event("e3", "leads", 7, Launch));

        var goal = await org.AppliedThroughAsync("launch-leads", result.LastSequence);
        Assert.Equal(19.5, goal.Progress);
        Assert.Equal(3, goal.EventCount);
    }

    [Fact]
    public async Task Campaign_goal_ignores_other_campaigns_other_metrics_and_events_outside_its_period()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.CreateGoalAsync("launch-leads", "leads", GoalScope.Of(campaign: Launch));

        var result = await org.IngestAsync(
            Event("other-campaign", "leads", 1_000, SpringSale),
            Event("no-campaign", "leads", 2_000),
            Event("other-metric", "spend", 3_000, Launch),
            Event("before-start", "leads", 4_000, Launch, at: PeriodStart.AddTicks(-1)),
            Event("at-end", "leads", 5_000, Launch, at: PeriodEnd),
            Event("at-start", "leads", 1, Launch, at: PeriodStart),
            Event("just-before-end", "leads", 2, Launch, at: PeriodEnd.AddTicks(-1)));

        var goal = await org.AppliedThroughAsync("launch-leads", result.LastSequence);
        Assert.Equal(3, goal.Progress);
        Assert.Equal(2, goal.EventCount);
    }

    [Fact]
    public async Task Department_goal_counts_only_its_departments_events()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.CreateGoalAsync("sales-revenue", "revenue", GoalScope.Of(department: Sales));

        var result = await org.IngestAsync(
            Event("marketing", "revenue", 100, department: Marketing),
            Event("no-department", "revenue", 200),
            Event("sales-in-campaign", "revenue", 30, SpringSale, Sales),
            Event("sales", "revenue", 12, department: Sales));

        var goal = await org.AppliedThroughAsync("sales-revenue", result.LastSequence);
        Assert.Equal(42, goal.Progress);
        Assert.Equal(2, goal.EventCount);
    }

    [Fact]
    public async Task Goal_scoped_to_a_campaign_and_a_department_counts_only_events_with_both()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.CreateGoalAsync("launch-pr-mentions", "media_mentions", GoalScope.Of(Launch, Pr));

        var result = await org.IngestAsync(
            Event("launch-marketing", "media_mentions", 100, Launch, Marketing),
            Event("pr-no-campaign", "media_mentions", 100, department: Pr),
            Event("launch-pr", "media_mentions", 3, Launch, Pr));

        var goal = await org.AppliedThroughAsync("launch-pr-mentions", result.LastSequence);
        Assert.Equal(3, goal.Progress);
    }

    [Fact]
    public async Task Goal_scoped_to_all_counts_every_event_of_its_metric()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.CreateGoalAsync("all-leads", "leads", GoalScope.All);

        var result = await org.IngestAsync(
            Event("launch", "leads", 1, Launch, Marketing),
            Event("spring-sale", "leads", 2, SpringSale, Sales),
            Event("pr", "leads", 4, department: Pr),
            Event("spend", "spend", 1_000),
            Event("bare", "leads", 8));

        var goal = await org.AppliedThroughAsync("all-leads", result.LastSequence);
        Assert.Equal(15, goal.Progress);
        Assert.Equal(4, goal.EventCount);
    }

    [Fact]
    public async Task Negative_values_reduce_progress()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.CreateGoalAsync("net-customers", "new_customers");

        var result = await org.IngestAsync(Event("won", "new_customers", 5), Event("churned", "new_customers", -2));

        var goal = await org.AppliedThroughAsync("net-customers", result.LastSequence);
        Assert.Equal(3, goal.Progress);
    }

    [Fact]
    public async Task Goal_created_after_events_were_ingested_counts_them_from_the_log()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.IngestAsync(Event("e1", "leads", 4, Launch), Event("e2", "spend", 50, Launch));
        await org.IngestAsync(Event("e3", "leads", 6, Launch), Event("e4", "leads", 100, SpringSale));

        var created = await org.CreateGoalAsync("launch-leads", "leads", GoalScope.Of(campaign: Launch));

        Assert.Equal(10, created.Progress);
        Assert.Equal(2, created.EventCount);
        Assert.Equal(4, created.AppliedThrough);
    }

    [Fact]
    public async Task Goal_created_after_events_keeps_counting_new_events()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.IngestAsync(Event("before", "leads", 4));
        await org.CreateGoalAsync("leads", "leads");

        var result = await org.IngestAsync(Event("after", "leads", 6));

        var goal = await org.AppliedThroughAsync("leads", result.LastSequence);
        Assert.Equal(10, goal.Progress);
        Assert.Equal(2, goal.EventCount);
    }

    [Fact]
    public async Task Defining_the_same_goal_again_is_idempotent_and_a_different_definition_conflicts()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.CreateGoalAsync("leads", "leads", target: 100);
        var result = await org.IngestAsync(Event("e1", "leads", 5));
        await org.AppliedThroughAsync("leads", result.LastSequence);

        var again = await org.CreateGoalAsync("leads", "leads", target: 100);
        var conflict = await Assert.ThrowsAsync<AlignException>(() => org.CreateGoalAsync("leads", "leads", target: 200));

        Assert.Equal(5, again.Progress);
        Assert.Equal(AlignErrorKind.Conflict, conflict.Kind);
        Assert.Equal(100, (await org.Goal("leads").GetAsync())!.Target);
    }
}
