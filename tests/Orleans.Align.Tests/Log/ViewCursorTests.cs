using Orleans.Align.Grains.Log;
using Orleans.Align.Tests.Cluster;
using static Orleans.Align.Tests.Cluster.TestOrganization;

namespace Orleans.Align.Tests.Log;

/// <summary>The ingest log's bookkeeping for one goal: ranges that cover everything, bounded queues, gaps instead of losses.</summary>
public sealed class ViewCursorTests
{
    private static readonly GoalDefinition Leads = Definition("leads", "leads");

    private static (long From, long Through) Span(LogRange range) => (range.From, range.Through);

    private static LoggedEvent Logged(long sequence, string metric = "leads") => new(sequence, Event($"e{sequence}", metric, 1));

    [Fact]
    public void A_new_cursor_first_asks_the_goal_to_sync_with_an_empty_range_at_its_start()
    {
        var cursor = new ViewCursor(ViewTarget.Of(Leads), position: 40, maxPending: 100);

        var handover = cursor.Take(10);

        Assert.True(cursor.HasWork);
        Assert.Equal((40L, 40L), Span(handover.Range));
        Assert.Empty(handover.Range.Events);
        cursor.Confirm(handover);
        Assert.False(cursor.HasWork);
    }

    [Fact]
    public void A_view_is_behind_from_its_oldest_waiting_event_and_not_behind_events_it_does_not_count()
    {
        var cursor = new ViewCursor(ViewTarget.Of(Leads), 0, 100);
        cursor.Confirm(cursor.Take(10));

        cursor.Offer([Logged(1, "visits"), Logged(2, "visits")], through: 2);
        Assert.Equal(2, cursor.AppliedThrough); // nothing it counts waits: it is at the head

        cursor.Offer([Logged(3), Logged(4, "visits"), Logged(5)], through: 5);
        Assert.Equal(2, cursor.AppliedThrough); // event 3 waits
        var handover = cursor.Take(1);
        cursor.Confirm(handover);
        Assert.Equal(4, cursor.AppliedThrough); // event 5 waits
        cursor.Confirm(cursor.Take(10));
        Assert.Equal(5, cursor.AppliedThrough);
    }

    [Fact]
    public void A_range_covers_everything_the_cursor_looked_at_and_holds_only_what_the_goal_counts()
    {
        var cursor = new ViewCursor(ViewTarget.Of(Leads), 0, 100);
        cursor.Confirm(cursor.Take(10));

        cursor.Offer([Logged(1), Logged(2, "visits"), Logged(3)], through: 3);
        cursor.Offer([Logged(4, "visits")], through: 4);
        var handover = cursor.Take(10);

        Assert.Equal(0, handover.Range.From);
        Assert.Equal(4, handover.Range.Through);
        Assert.Equal([1L, 3L], handover.Range.Events.Select(e => e.Sequence));
    }

    [Fact]
    public void Nothing_to_hand_over_when_no_new_event_counts_for_the_goal()
    {
        var cursor = new ViewCursor(ViewTarget.Of(Leads), 0, 100);
        cursor.Confirm(cursor.Take(10));

        cursor.Offer([Logged(1, "visits"), Logged(2, "spend")], through: 2);

        Assert.False(cursor.HasWork);
        // The next range still starts where the goal last confirmed: nothing it counts lies in between.
        cursor.Offer([Logged(3)], through: 3);
        Assert.Equal((0L, 3L), Span(cursor.Take(10).Range));
    }

    [Fact]
    public void A_large_backlog_goes_in_chunks_whose_ranges_follow_each_other()
    {
        var cursor = new ViewCursor(ViewTarget.Of(Leads), 0, 1_000);
        cursor.Confirm(cursor.Take(10));
        cursor.Offer([.. Enumerable.Range(1, 25).Select(i => Logged(i))], through: 25);

        var ranges = new List<LogRange>();
        while (cursor.HasWork)
        {
            var handover = cursor.Take(10);
            ranges.Add(handover.Range);
            cursor.Confirm(handover);
        }

        Assert.Equal([(0L, 10L, 10), (10L, 20L, 10), (20L, 25L, 5)], ranges.Select(r => (r.From, r.Through, r.Events.Count)));
    }

    [Fact]
    public void Events_offered_while_a_handover_is_in_flight_wait_for_the_next_one()
    {
        var cursor = new ViewCursor(ViewTarget.Of(Leads), 0, 100);
        cursor.Confirm(cursor.Take(10));
        cursor.Offer([Logged(1), Logged(2)], through: 2);

        var first = cursor.Take(10);
        cursor.Offer([Logged(3)], through: 3);
        cursor.Confirm(first);
        var second = cursor.Take(10);

        Assert.Equal((2L, 3L), Span(second.Range));
        Assert.Equal([3L], second.Range.Events.Select(e => e.Sequence));
    }

    [Fact]
    public void A_failed_handover_is_offered_again_unchanged()
    {
        var cursor = new ViewCursor(ViewTarget.Of(Leads), 0, 100);
        cursor.Confirm(cursor.Take(10));
        cursor.Offer([Logged(1), Logged(2)], through: 2);

        var first = cursor.Take(10);
        cursor.Failed();
        var again = cursor.Take(10);

        Assert.Equal(1, cursor.ConsecutiveFailures);
        Assert.Equal(first.Range.From, again.Range.From);
        Assert.Equal(first.Range.Through, again.Range.Through);
        Assert.Equal(first.Range.Events, again.Range.Events);
    }

    [Fact]
    public void Past_its_bound_the_queue_is_dropped_and_the_next_range_starts_past_it_so_the_goal_reads_the_gap_from_the_log()
    {
        var cursor = new ViewCursor(ViewTarget.Of(Leads), 0, maxPending: 5);
        cursor.Confirm(cursor.Take(10));

        cursor.Offer([.. Enumerable.Range(1, 6).Select(i => Logged(i))], through: 6);

        Assert.Equal(0, cursor.Pending);
        Assert.Equal(1, cursor.Overflows);
        var handover = cursor.Take(10);
        Assert.Equal((6L, 6L), Span(handover.Range));
        Assert.Empty(handover.Range.Events);
    }

    [Fact]
    public void A_handover_confirmed_after_its_queue_was_dropped_does_not_cancel_the_sync()
    {
        var cursor = new ViewCursor(ViewTarget.Of(Leads), 0, maxPending: 3);
        cursor.Confirm(cursor.Take(10));
        cursor.Offer([Logged(1), Logged(2)], through: 2);
        var inFlight = cursor.Take(10);

        cursor.Offer([Logged(3), Logged(4)], through: 4); // 4 waiting > 3: dropped
        cursor.Confirm(inFlight);

        Assert.True(cursor.HasWork);
        Assert.Equal((4L, 4L), Span(cursor.Take(10).Range));
    }
}
