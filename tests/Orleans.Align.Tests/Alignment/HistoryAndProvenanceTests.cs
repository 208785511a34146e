using Orleans.Align.Tests.Cluster;
using static Orleans.Align.Tests.Alignment.LiveGoals;
using static Orleans.Align.Tests.Cluster.TestOrganization;

namespace Orleans.Align.Tests.Alignment;

/// <summary>Where a number came from: a goal's history over time, and the events behind its value.</summary>
[Collection(ClusterCollection.Name)]
public sealed class HistoryAndProvenanceTests(ClusterFixture cluster)
{
    private static DateTimeOffset MinuteOf(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);

    [Fact]
    public async Task Minute_history_holds_the_value_and_percent_after_the_latest_change()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.Grain.CreateGoalAsync(LiveGoal("leads", "leads", target: 200));
        var before = DateTimeOffset.UtcNow;

        var result = await org.IngestAsync(Recent("e1", "leads", 30), Recent("e2", "leads", 20));
        await org.AppliedThroughAsync("leads", result.LastSequence);

        var minutes = await org.Goal("leads").GetHistoryAsync(daily: false);
        var latest = minutes[^1];
        Assert.Equal((50.0, 25.0), (latest.Value, latest.Percent));
        Assert.InRange(latest.At, MinuteOf(before), DateTimeOffset.UtcNow);
        Assert.Equal(MinuteOf(latest.At), latest.At);
        Assert.Equal(minutes.OrderBy(p => p.At).Select(p => p.At).Distinct(), minutes.Select(p => p.At));
    }

    [Fact]
    public async Task Day_history_holds_one_point_for_today_with_the_latest_value()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.Grain.CreateGoalAsync(LiveGoal("leads", "leads", target: 200));

        var result = await org.IngestAsync(Recent("e1", "leads", 30));
        await org.AppliedThroughAsync("leads", result.LastSequence);

        var today = Assert.Single(await org.Goal("leads").GetHistoryAsync(daily: true));
        Assert.Equal(30, today.Value);
        Assert.Equal(DateTimeOffset.UtcNow.UtcDateTime.Date, today.At.UtcDateTime);
    }

    [Fact]
    public async Task Provenance_lists_only_the_goals_events_newest_first_a_page_at_a_time()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.Grain.CreateGoalAsync(LiveGoal("launch-leads", "leads", target: 100, scope: GoalScope.Of(campaign: Launch)));
        var result = await org.IngestAsync(
            Recent("l1", "leads", 1, Launch),
            Recent("other-campaign", "leads", 100, SpringSale),
            Recent("l2", "leads", 1, Launch),
            Recent("other-metric", "spend", 100, Launch),
            Recent("l3", "leads", 1, Launch),
            Recent("l4", "leads", 1, Launch),
            Recent("l5", "leads", 1, Launch),
            Recent("no-campaign", "leads", 100),
            Recent("l6", "leads", 1, Launch),
            Recent("l7", "leads", 1, Launch));
        await org.AppliedThroughAsync("launch-leads", result.LastSequence);
        var goal = org.Goal("launch-leads");

        var first = await goal.GetProvenanceAsync(before: null, limit: 3);
        var second = await goal.GetProvenanceAsync(first.NextBefore, limit: 3);
        var last = await goal.GetProvenanceAsync(second.NextBefore, limit: 3);

        Assert.Equal(["l7", "l6", "l5"], first.Events.Select(e => e.Event.Id));
        Assert.Equal(["l4", "l3", "l2"], second.Events.Select(e => e.Event.Id));
        Assert.Equal(["l1"], last.Events.Select(e => e.Event.Id));
        Assert.Equal(first.Events[^1].Sequence, first.NextBefore);
        Assert.Equal(second.Events[^1].Sequence, second.NextBefore);
        Assert.Null(last.NextBefore);
        Assert.Equal([10L, 9L, 7L, 6L, 5L, 3L, 1L], first.Events.Concat(second.Events).Concat(last.Events).Select(e => e.Sequence));
    }

    [Fact]
    public async Task Provenance_page_that_ends_with_the_goals_first_event_has_no_next_page()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.Grain.CreateGoalAsync(LiveGoal("leads", "leads", target: 100));
        var result = await org.IngestAsync([.. Enumerable.Range(1, 6).Select(i => Recent($"l{i}", "leads", 1))]);
        await org.AppliedThroughAsync("leads", result.LastSequence);

        var first = await org.Goal("leads").GetProvenanceAsync(before: null, limit: 3);
        var second = await org.Goal("leads").GetProvenanceAsync(first.NextBefore, limit: 3);

        Assert.Equal(4, first.NextBefore);
        Assert.Equal(["l3", "l2", "l1"], second.Events.Select(e => e.Event.Id));
        Assert.Null(second.NextBefore);
    }
}
