using Orleans.Align.Tests.Cluster;
using static Orleans.Align.Tests.Cluster.TestOrganization;

namespace Orleans.Align.Tests.Log;

/// <summary>
/// Delivery from the log to goals: each goal on its own cursor, so one that fails holds back no
/// other, its queue stays bounded, and a handover that was lost or dropped is read from the log.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class DeliveryTests(ClusterFixture cluster)
{
    private static MetricEvent[] Leads(int batch, int size) =>
        [.. Enumerable.Range(0, size).Select(i => Event($"b{batch}-{i}", "leads", 1))];

    [Fact]
    public async Task A_goal_that_fails_every_delivery_holds_back_no_other_goal_keeps_a_bounded_queue_and_is_exact_once_it_recovers()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.CreateGoalAsync("moving", "leads", target: 1_000_000);
        await org.CreateGoalAsync("stuck", "leads", target: 1_000_000);
        DeliveryFaults.Break(org.Id, "stuck", DeliveryFaults.Fault.Fail);
        try
        {
            IngestResult last = null!;
            for (var b = 0; b < 6; b++)
            {
                last = await org.IngestAsync(Leads(b, 500));
                // The other goal keeps moving live, batch by batch.
                var moving = await org.AppliedThroughAsync("moving", last.LastSequence);
                Assert.Equal((b + 1) * 500, moving.Progress);
            }

            var status = await org.Log.GetDeliveryStatusAsync();
            var stuck = Assert.Single(status.Goals, g => g.GoalId == "stuck");
            Assert.True(stuck.ConsecutiveFailures > 0);
            Assert.True(stuck.Pending <= 1_000, $"{stuck.Pending} events wait for the stuck goal; the bound is 1,000");
            Assert.True(stuck.Overflows > 0, "3,000 events for a goal bounded at 1,000 must have overflowed");
        }
        finally
        {
            DeliveryFaults.Mend(org.Id, "stuck");
        }

        var recovered = await org.AppliedThroughAsync("stuck", 3_000);
        Assert.Equal(3_000, recovered.Progress);
        Assert.Equal(3_000, recovered.EventCount);
    }

    [Fact]
    public async Task A_handover_lost_on_the_way_is_read_from_the_log_when_the_next_range_starts_past_the_goal()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.CreateGoalAsync("leads", "leads", target: 1_000);
        var first = await org.IngestAsync(Leads(0, 10));
        await org.AppliedThroughAsync("leads", first.LastSequence);

        DeliveryFaults.Break(org.Id, "leads", DeliveryFaults.Fault.Lose);
        var lost = await org.IngestAsync(Leads(1, 10));
        await Eventually.Holds(async () =>
            Assert.Equal(lost.LastSequence, Assert.Single((await org.Log.GetDeliveryStatusAsync()).Goals, g => g.Kind == ViewKind.Goal).DeliveredThrough));
        Assert.Equal(10, (await org.Goal("leads").GetAsync())!.Progress); // the lost handover did not arrive
        DeliveryFaults.Mend(org.Id, "leads");

        var next = await org.IngestAsync(Event("late", "leads", 5));

        var goal = await org.AppliedThroughAsync("leads", next.LastSequence);
        Assert.Equal(25, goal.Progress);
        Assert.Equal(21, goal.EventCount);
    }

    [Fact]
    public async Task A_range_whose_gap_the_log_does_not_hold_is_refused_and_moves_nothing()
    {
        // As a silo with a stale view of the log would see it: the range says (first, far] but the
        // log ends at first. Taking it would skip the gap for good; the goal refuses it instead.
        var org = await cluster.NewOrganizationAsync();
        await org.CreateGoalAsync("leads", "leads", target: 1_000);
        var first = await org.IngestAsync(Leads(0, 10));
        await org.AppliedThroughAsync("leads", first.LastSequence);
        var far = first.LastSequence + 50;
        var beyond = new LogRange(far, far + 1, [new LoggedEvent(far + 1, Event("ghost", "leads", 7))]);

        var refused = await Assert.ThrowsAsync<AlignException>(() => org.Goal("leads").ApplyAsync(beyond));

        Assert.Equal(AlignErrorKind.Unavailable, refused.Kind);
        var goal = (await org.Goal("leads").GetAsync())!;
        Assert.Equal(10, goal.Progress);
        Assert.Equal(first.LastSequence, goal.AppliedThrough);
    }

    [Fact]
    public async Task A_goal_whose_routing_push_was_lost_still_receives_every_event()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.IngestAsync(Event("before", "leads", 1)); // the ingest log is active and holds the old routing
        DeliveryFaults.LoseRoutingPushes(org.Id, lose: true);
        try
        {
            await org.CreateGoalAsync("leads", "leads", target: 1_000);
            long last = 0;
            for (var b = 0; b < 5; b++)
            {
                last = (await org.IngestAsync(Leads(b, 4))).LastSequence;
                await Task.Delay(500);
            }

            await org.AppliedThroughAsync("leads", last);
            await Eventually.Holds(async () => Assert.Equal(21, (await org.Goal("leads").GetAsync())!.Progress));
            var status = await org.Log.GetDeliveryStatusAsync();
            Assert.Equal((await org.Grain.GetRoutingAsync()).Version, status.RoutingVersion);
            Assert.Contains(status.Goals, g => g.GoalId == "leads");
        }
        finally
        {
            DeliveryFaults.LoseRoutingPushes(org.Id, lose: false);
        }
    }

    [Fact]
    public async Task A_campaign_created_while_the_push_is_lost_is_known_to_ingest_at_once()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.IngestAsync(Event("before", "leads", 1));
        DeliveryFaults.LoseRoutingPushes(org.Id, lose: true);
        try
        {
            await org.Grain.AddCampaignAsync(new Campaign("flash-sale", "Flash sale", [Sales]));

            var result = await org.IngestAsync(Event("e1", "leads", 1, campaign: "flash-sale"));

            Assert.Equal(1, result.Accepted);
        }
        finally
        {
            DeliveryFaults.LoseRoutingPushes(org.Id, lose: false);
        }
    }
}
