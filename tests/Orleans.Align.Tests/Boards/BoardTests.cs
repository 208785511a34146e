using System.Diagnostics;
using Orleans.Core.Internal;
using Orleans.Align.Grains;
using Orleans.Align.Tests.Cluster;
using static Orleans.Align.Tests.Cluster.TestOrganization;

namespace Orleans.Align.Tests.Boards;

/// <summary>Boards: which goals they show, and how they push changes to the gateways watching them.</summary>
[Collection(ClusterCollection.Name)]
public sealed class BoardTests(ClusterFixture cluster)
{
    private static readonly TimeSpan PushInterval = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task Overview_board_shows_every_goal_of_the_organization()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.CreateGoalAsync("launch-leads", "leads", GoalScope.Of(campaign: Launch));
        await org.CreateGoalAsync("sale-revenue", "revenue", GoalScope.Of(campaign: SpringSale));
        await org.CreateGoalAsync("pr-mentions", "media_mentions", GoalScope.Of(department: Pr));
        await org.CreateGoalAsync("all-visits", "visits");

        var overview = await org.Board(BoardIds.Overview).GetSnapshotAsync();

        Assert.Equal(BoardIds.Overview, overview.BoardId);
        Assert.Equal(["all-visits", "launch-leads", "pr-mentions", "sale-revenue"], overview.Goals.Select(g => g.Id).Order());
    }

    [Fact]
    public async Task Campaign_board_shows_only_the_campaigns_goals()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.CreateGoalAsync("launch-leads", "leads", GoalScope.Of(campaign: Launch));
        await org.CreateGoalAsync("launch-pr-mentions", "media_mentions", GoalScope.Of(Launch, Pr));
        await org.CreateGoalAsync("sale-revenue", "revenue", GoalScope.Of(campaign: SpringSale));
        await org.CreateGoalAsync("all-leads", "leads");

        var warRoom = await org.Board(BoardIds.ForCampaign(Launch)).GetSnapshotAsync();

        Assert.Equal(BoardIds.ForCampaign(Launch), warRoom.BoardId);
        Assert.Equal("Launch war room", warRoom.Title);
        Assert.Equal(["launch-leads", "launch-pr-mentions"], warRoom.Goals.Select(g => g.Id).Order());
    }

    [Fact]
    public async Task Campaign_board_without_goals_exists_and_is_empty()
    {
        var org = await cluster.NewOrganizationAsync();

        var warRoom = await org.Board(BoardIds.ForCampaign(SpringSale)).GetSnapshotAsync();

        Assert.Equal("Spring sale war room", warRoom.Title);
        Assert.Empty(warRoom.Goals);
    }

    [Fact]
    public async Task Board_snapshot_shows_current_progress()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.CreateGoalAsync("launch-leads", "leads", GoalScope.Of(campaign: Launch));
        var result = await org.IngestAsync(Event("e1", "leads", 3, Launch), Event("e2", "leads", 4, Launch));
        await org.AppliedThroughAsync("launch-leads", result.LastSequence);

        await Eventually.Holds(async () =>
        {
            var warRoom = await org.Board(BoardIds.ForCampaign(Launch)).GetSnapshotAsync();
            Assert.Equal(7, Assert.Single(warRoom.Goals).Progress);
        });
    }

    [Fact]
    public async Task Board_of_an_unknown_campaign_is_not_found()
    {
        var org = await cluster.NewOrganizationAsync();
        var board = org.Board(BoardIds.ForCampaign("no-such-campaign"));

        var error = await Assert.ThrowsAsync<AlignException>(() => board.GetSnapshotAsync());

        Assert.Equal(AlignErrorKind.NotFound, error.Kind);
    }

    [Fact]
    public async Task War_room_asked_for_before_its_campaign_exists_appears_once_the_campaign_is_created()
    {
        var org = await cluster.NewOrganizationAsync();
        var board = org.Board(BoardIds.ForCampaign("webinar"));
        await Assert.ThrowsAsync<AlignException>(() => board.GetSnapshotAsync());

        await org.Grain.AddCampaignAsync(new Campaign("webinar", "Webinar", [Marketing]));
        var warRoom = await board.GetSnapshotAsync();

        Assert.Equal("Webinar war room", warRoom.Title);
    }

    [Fact]
    public async Task Board_with_an_id_that_is_not_a_board_id_is_not_found()
    {
        var org = await cluster.NewOrganizationAsync();

        var error = await Assert.ThrowsAsync<AlignException>(() => org.Board("not-a-board").GetSnapshotAsync());

        Assert.Equal(AlignErrorKind.NotFound, error.Kind);
    }

    [Fact]
    public async Task Subscribing_to_a_board_of_an_unknown_campaign_is_not_found()
    {
        var org = await cluster.NewOrganizationAsync();
        var recorder = new BoardRecorder();
        var observer = cluster.Client.CreateObjectReference<IBoardObserver>(recorder);
        try
        {
            var error = await Assert.ThrowsAsync<AlignException>(() => org.Board(BoardIds.ForCampaign("no-such-campaign")).SubscribeAsync(observer));

            Assert.Equal(AlignErrorKind.NotFound, error.Kind);
        }
        finally
        {
            cluster.Client.DeleteObjectReference<IBoardObserver>(observer);
        }
    }

    [Fact]
    public async Task Board_coalesces_changes_into_at_most_one_push_per_interval_with_consecutive_versions()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.CreateGoalAsync("launch-leads", "leads", GoalScope.Of(campaign: Launch));
        var board = org.Board(BoardIds.ForCampaign(Launch));
        var recorder = new BoardRecorder();
        var observer = cluster.Client.CreateObjectReference<IBoardObserver>(recorder);
        try
        {
            await recorder.WatchAsync(board, observer);

            // Many small batches, one after another as fast as the log acknowledges them, for long
            // enough that the board must push several times.
            var started = Stopwatch.GetTimestamp();
            var batches = 0;
            while (Stopwatch.GetElapsedTime(started) < TimeSpan.FromMilliseconds(500) || batches < 30)
            {
                await org.IngestAsync(Event($"e{batches}", "leads", 1, Launch));
                batches++;
            }
            await Eventually.Holds(() => Assert.Equal(batches, recorder.LatestOf("launch-leads")?.EventCount));
            var elapsed = Stopwatch.GetElapsedTime(started, recorder.LastReceivedAt!.Value);

            var updates = recorder.Updates;
            var allowed = (int)Math.Ceiling(elapsed / PushInterval) + 1;
            Assert.InRange(updates.Count, 2, allowed);
            Assert.True(updates.Count * 5 <= batches, $"{updates.Count} pushes for {batches} goal changes: the board did not coalesce.");
            Assert.All(updates.Zip(updates.Skip(1)), pair => Assert.Equal(pair.First.Version + 1, pair.Second.Version));
            Assert.All(updates, u => Assert.Equal((org.Id, BoardIds.ForCampaign(Launch)), (u.OrgId, u.BoardId)));
            Assert.Equal(["launch-leads"], BoardRecorder.GoalsIn(updates[^1]));
            Assert.Equal(batches, recorder.LatestOf("launch-leads")!.Progress);

            var snapshot = await board.GetSnapshotAsync();
            Assert.True(snapshot.Version >= updates[^1].Version, $"Snapshot version {snapshot.Version} is behind the last push {updates[^1].Version}.");
            Assert.Equal(batches, Assert.Single(snapshot.Goals, g => g.Id == "launch-leads").Progress);
        }
        finally
        {
            await board.UnsubscribeAsync(observer);
            cluster.Client.DeleteObjectReference<IBoardObserver>(observer);
        }
    }

    [Fact]
    public async Task A_change_after_a_quiet_interval_is_pushed_within_the_call_that_brought_it_as_a_delta_on_the_previous_version()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.CreateGoalAsync("leads", "leads");
        var board = org.Board(BoardIds.Overview);
        var recorder = new BoardRecorder();
        var observer = cluster.Client.CreateObjectReference<IBoardObserver>(recorder);
        try
        {
            await recorder.WatchAsync(board, observer);
            var view = (await org.Goal("leads").GetAsync())!;
            // Quiet: nothing moved the board for longer than its push interval (waiting longer only makes it quieter).
            await Task.Delay(PushInterval * 2);
            var quiet = await board.GetSnapshotAsync();

            await board.GoalChangedAsync(view with { Progress = 42, Percent = 42, EventCount = 3, AppliedThrough = view.AppliedThrough + 3 });

            // A board's version moves only when it pushes: it has moved by one as soon as the call returns, without a timer's wait.
            var snapshot = await board.GetSnapshotAsync();
            Assert.Equal(quiet.Version + 1, snapshot.Version);
            Assert.Equal(42, Assert.Single(snapshot.Goals).Progress);
            await Eventually.Holds(() => Assert.Contains(recorder.Updates, u => u.Version == snapshot.Version));
            var pushed = recorder.Updates.Single(u => u.Version == snapshot.Version);
            Assert.Equal(snapshot.Version - 1, pushed.BaseVersion);
            Assert.Empty(pushed.Goals); // the goal was on the board already: only what moved
            var delta = Assert.Single(pushed.Changes!);
            Assert.Equal(("leads", 42d, 3L), (delta.Id, delta.Progress, delta.EventCount));
            Assert.Null(delta.Status);
        }
        finally
        {
            await board.UnsubscribeAsync(observer);
            cluster.Client.DeleteObjectReference<IBoardObserver>(observer);
        }
    }

    [Fact]
    public async Task A_goal_still_waiting_for_its_push_when_a_snapshot_is_taken_goes_whole_in_that_push()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.CreateGoalAsync("leads", "leads");
        var board = org.Board(BoardIds.Overview);
        var recorder = new BoardRecorder();
        var observer = cluster.Client.CreateObjectReference<IBoardObserver>(recorder);
        try
        {
            await recorder.WatchAsync(board, observer);
            var view = (await org.Goal("leads").GetAsync())!;
            // A change right after a push waits for the interval's end. On a slow machine the second call can come
            // after the interval, and then it is pushed at once: try again until one waited.
            BoardSnapshot? snapshot = null;
            for (var attempt = 1; snapshot is null; attempt++)
            {
                Assert.True(attempt <= 20, "no change ever waited for its push");
                var through = view.AppliedThrough + attempt * 10;
                await board.GoalChangedAsync(view with { Progress = attempt, AppliedThrough = through });
                var pushed = (await board.GetSnapshotAsync()).Version;
                await board.GoalChangedAsync(view with { Progress = 100 + attempt, AppliedThrough = through + 1 });
                var taken = await board.GetSnapshotAsync();
                if (taken.Version == pushed) snapshot = taken; // the second change was still waiting
                else await Task.Delay(PushInterval * 2);
            }

            // The snapshot shows the waiting view; the push that follows carries it whole, so that a viewer starting
            // from this snapshot never merges a delta computed against the view pushed before it.
            var waiting = Assert.Single(snapshot.Goals).Progress;
            Assert.True(waiting > 100, $"the snapshot showed {waiting}, not the waiting view");
            await Eventually.Holds(() => Assert.Contains(recorder.Updates, u => u.Version == snapshot.Version + 1));
            var next = recorder.Updates.Single(u => u.Version == snapshot.Version + 1);
            Assert.Equal(waiting, Assert.Single(next.Goals).Progress);
            Assert.Empty(next.Changes!);
        }
        finally
        {
            await board.UnsubscribeAsync(observer);
            cluster.Client.DeleteObjectReference<IBoardObserver>(observer);
        }
    }

    [Fact]
    public async Task Push_carries_only_the_goals_that_changed()
    {
        var org = await cluster.NewOrganizationAsync();
        var board = org.Board(BoardIds.Overview);
        var recorder = new BoardRecorder();
        var observer = cluster.Client.CreateObjectReference<IBoardObserver>(recorder);
        try
        {
            await recorder.WatchAsync(board, observer);
            await org.CreateGoalAsync("leads", "leads");
            await org.CreateGoalAsync("spend", "spend");
            // Both goals' creation has been pushed: nothing else is pending on the board.
            await Eventually.Holds(() => Assert.All(new[] { "leads", "spend" }, id => Assert.NotNull(recorder.LatestOf(id))));

            await org.IngestAsync(Event("e1", "leads", 5));

            await Eventually.Holds(() => Assert.Equal(5, recorder.LatestOf("leads")?.Progress));
            Assert.Equal(["leads"], BoardRecorder.GoalsIn(recorder.Updates[^1]));
        }
        finally
        {
            await board.UnsubscribeAsync(observer);
            cluster.Client.DeleteObjectReference<IBoardObserver>(observer);
        }
    }

    [Fact]
    public async Task A_gateway_that_never_answers_a_push_holds_back_neither_the_other_gateways_nor_the_board()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.CreateGoalAsync("leads", "leads");
        var board = org.Board(BoardIds.Overview);
        var stuck = new UnansweringObserver();
        var watching = new BoardRecorder();
        var stuckRef = cluster.Client.CreateObjectReference<IBoardObserver>(stuck);
        var watchingRef = cluster.Client.CreateObjectReference<IBoardObserver>(watching);
        try
        {
            // The one that never answers first: the board sends to its observers in the order they subscribed.
            await board.SubscribeAsync(stuckRef);
            await watching.WatchAsync(board, watchingRef);

            await org.IngestAsync(Event("e1", "leads", 5));

            // Like a push routed through a silo that just died: no answer until the 30 s response timeout.
            await Eventually.Holds(() => Assert.True(stuck.Pushes > 0));
            await Eventually.Holds(() => Assert.Equal(5, watching.LatestOf("leads")?.Progress));

            // Orleans deactivates a board whose directory entry lived on a silo that left, and a
            // deactivation waits for the turns in progress; calls to the board wait with it.
            await board.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
            var snapshot = await board.GetSnapshotAsync().WaitAsync(Eventually.DefaultTimeout);
            Assert.Equal(5, Assert.Single(snapshot.Goals).Progress);
        }
        finally
        {
            stuck.Release();
            await board.UnsubscribeAsync(stuckRef);
            await board.UnsubscribeAsync(watchingRef);
            cluster.Client.DeleteObjectReference<IBoardObserver>(stuckRef);
            cluster.Client.DeleteObjectReference<IBoardObserver>(watchingRef);
        }
    }

    /// <summary>A gateway whose answer to a push never comes (until released).</summary>
    private sealed class UnansweringObserver : IBoardObserver
    {
        private readonly TaskCompletionSource _never = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _pushes;

        public int Pushes => Volatile.Read(ref _pushes);

        public Task OnBoardUpdateAsync(BoardUpdate update)
        {
            Interlocked.Increment(ref _pushes);
            return _never.Task;
        }

        public void Release() => _never.TrySetResult();
    }

    [Fact]
    public async Task Unsubscribed_observer_receives_no_more_pushes()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.CreateGoalAsync("leads", "leads");
        var board = org.Board(BoardIds.Overview);
        var watching = new BoardRecorder();
        var leaving = new BoardRecorder();
        var watchingRef = cluster.Client.CreateObjectReference<IBoardObserver>(watching);
        var leavingRef = cluster.Client.CreateObjectReference<IBoardObserver>(leaving);
        try
        {
            await board.SubscribeAsync(leavingRef);
            await watching.WatchAsync(board, watchingRef);
            await board.UnsubscribeAsync(leavingRef);

            await org.IngestAsync(Event("e1", "leads", 5));

            // The board sends to its observers one after another, in the order they subscribed:
            // once the later one has the push, the earlier one would have had it too.
            await Eventually.Holds(() => Assert.Equal(5, watching.LatestOf("leads")?.Progress));
            Assert.Empty(leaving.Updates);
        }
        finally
        {
            await board.UnsubscribeAsync(watchingRef);
            cluster.Client.DeleteObjectReference<IBoardObserver>(watchingRef);
            cluster.Client.DeleteObjectReference<IBoardObserver>(leavingRef);
        }
    }
}
