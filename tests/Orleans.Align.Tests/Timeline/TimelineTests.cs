using Orleans.Align.Grains;
using Orleans.Align.Grains.Goals;
using Orleans.Align.Tests.Cluster;
using static Orleans.Align.Tests.Alignment.LiveGoals;
using static Orleans.Align.Tests.Cluster.TestOrganization;

namespace Orleans.Align.Tests.Timeline;

/// <summary>
/// Provenance and replay through the timeline grain and its index: the same answers as a walk of the
/// whole log, never in the way of ingest or of a goal's deliveries, and stopped when the caller goes.
/// The fixture's index seals a chunk every 32 events, so these logs span many chunks.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class TimelineTests(ClusterFixture cluster)
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private static readonly DateTimeOffset Minute = new(Now.UtcTicks - Now.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);

    private static readonly GoalDefinition[] Goals =
    [
        LiveGoal("all-leads", "leads", target: 10_000, startedAgo: TimeSpan.FromDays(2)),
        LiveGoal("launch-leads", "leads", target: 5_000, scope: GoalScope.Of(campaign: Launch), startedAgo: TimeSpan.FromDays(2)),
        LiveGoal("sales-visits", "visits", target: 5_000, scope: GoalScope.Of(department: Sales), startedAgo: TimeSpan.FromDays(2)),
        LiveGoal("conversion", "conversion_rate", target: 1, startedAgo: TimeSpan.FromDays(2)),
        LiveGoal("followers", "followers", target: 1_000, startedAgo: TimeSpan.FromDays(2)),
        LiveGoal("weekly-leads", "leads", target: 1_000, startedAgo: TimeSpan.FromDays(30)) with { Reset = ResetCadence.Weekly },
        // Starts on a minute's first tick, where events also fall: a bound that cuts no minute.
        LiveGoal("from-a-minute", "visits", target: 1_000) with { Start = Minute.AddHours(-30) },
    ];

    [Fact]
    public async Task Provenance_pages_hold_exactly_the_events_a_walk_of_the_whole_log_finds()
    {
        var (org, log) = await OrganizationWithHistoryAsync();

        foreach (var goal in Goals)
        {
            var basis = (await org.Goal(goal.Id).GetReadBasisAsync())!;
            var expected = log
                .Where(e => e.Sequence <= basis.AppliedThrough && basis.Definition.Counts(e.Event)
                    && (goal.Reset == ResetCadence.None || GoalMath.WindowStart(goal.Reset, goal.Start, e.Event.Timestamp) == basis.WindowStart))
                .OrderByDescending(e => e.Sequence).Select(e => e.Sequence).ToList();

            var paged = new List<long>();
            long? before = null;
            do
            {
                var page = await Timeline(org).GetGoalEventsAsync(goal.Id, before, limit: 7);
                paged.AddRange(page.Events.Select(e => e.Sequence));
                before = page.NextBefore;
            }
            while (before is not null);

            Assert.NotEmpty(expected);
            Assert.Equal(expected, paged);
        }
    }

    [Fact]
    public async Task Replay_of_each_goal_equals_a_walk_of_the_whole_log_at_every_moment()
    {
        var (org, log) = await OrganizationWithHistoryAsync();
        DateTimeOffset[] moments = [Now, Now.AddMinutes(-37.5), Minute.AddHours(-5), Minute.AddHours(-30), Minute.AddHours(-30).AddTicks(-1), Now.AddHours(-20.1), Now.AddHours(-47.99), Now.AddDays(-3)];

        foreach (var goal in Goals)
        {
            var basis = (await org.Goal(goal.Id).GetReadBasisAsync())!;
            foreach (var at in moments)
            {
                var (parts, byDepartment) = WalkTheLog(basis, log, at);
                var metric = GoalViews.MetricOf(basis.Definition);

                var replayed = (await Timeline(org).ViewGoalAtAsync(goal.Id, at))!;

                Assert.Equal((parts.Value(metric), parts.Events), (replayed.Progress, replayed.EventCount));
                Assert.Equal(
                    byDepartment.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new Contribution(p.Key, p.Value.Value(metric), p.Value.Events)),
                    replayed.Contributions!);
            }
        }
    }

    [Fact]
    public async Task Ingest_and_deliveries_go_on_while_a_provenance_read_is_held_mid_read()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.Grain.CreateGoalAsync(LiveGoal("leads", "leads", target: 100));
        var first = await org.IngestAsync([.. Enumerable.Range(1, 100).Select(i => Recent($"before-{i}", "leads", 1))]);
        await org.AppliedThroughAsync("leads", first.LastSequence);
        var hold = ObservedLogReader.HoldReads(org.Id);
        try
        {
            var provenance = org.Goal("leads").GetProvenanceAsync(before: null, limit: 50);
            await hold.Entered.Task;

            // The read is stopped inside the log: neither the ingest log nor the goal may wait for it.
            var later = await org.IngestAsync(Recent("while-reading", "leads", 1));
            var goal = await org.AppliedThroughAsync("leads", later.LastSequence);

            Assert.False(provenance.IsCompleted);
            Assert.Equal(101, goal.Progress);
            ObservedLogReader.Release(org.Id);
            Assert.Equal(50, (await provenance).Events.Count);
        }
        finally
        {
            ObservedLogReader.Release(org.Id);
        }
    }

    [Fact]
    public async Task A_cancelled_provenance_request_stops_reading_the_log()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.Grain.CreateGoalAsync(LiveGoal("launch-leads", "leads", target: 100, scope: GoalScope.Of(campaign: Launch)));
        // The goal's events are one in four, so a page of 200 touches every run of the log.
        var result = await org.IngestAsync([.. Enumerable.Range(1, 1_000).Select(i => Recent($"e{i}", "leads", 1, i % 4 == 0 ? Launch : SpringSale))]);
        await org.AppliedThroughAsync("launch-leads", result.LastSequence);
        await Timeline(org).ViewGoalAtAsync("launch-leads", Now); // the index has caught up: what follows reads events only
        var start = ObservedLogReader.ReadsOf(org.Id);
        await Timeline(org).GetGoalEventsAsync("launch-leads", before: null, limit: 200);
        var wholePage = ObservedLogReader.ReadsOf(org.Id) - start;

        var hold = ObservedLogReader.HoldReads(org.Id);
        int afterCancel;
        try
        {
            using var caller = new CancellationTokenSource();
            start = ObservedLogReader.ReadsOf(org.Id);
            var abandoned = Timeline(org).GetGoalEventsAsync("launch-leads", before: null, limit: 200, caller.Token);
            await hold.Entered.Task;
            caller.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
            // The caller's cancellation reaches the read in the silo (a generous bound: this is a hang guard, not a timing).
            await hold.Cancelled.Task.WaitAsync(TimeSpan.FromSeconds(30));
            ObservedLogReader.Release(org.Id);
            await Timeline(org).GetGoalEventsAsync("launch-leads", before: null, limit: 1);
            afterCancel = ObservedLogReader.ReadsOf(org.Id) - start;
        }
        finally
        {
            ObservedLogReader.Release(org.Id);
        }

        Assert.True(wholePage > 20, $"A whole page took {wholePage} reads; the test needs a page that takes many.");
        // The batch of parallel reads in flight when the caller went (at most ReadParallelism, 8), then
        // nothing more of that request: only the one read of the one-event page that followed.
        Assert.InRange(afterCancel, 2, 8 + 1);
    }

    [Fact]
    public async Task A_board_replay_reads_the_goals_through_the_timeline_with_the_same_answers()
    {
        var (org, log) = await OrganizationWithHistoryAsync();
        var at = Now.AddHours(-6);

        var board = await org.Board(BoardIds.Overview).ReplayAsync(at);

        Assert.Equal(0, board.Version);
        Assert.Equal(Goals.Select(g => g.Id).Order(), board.Goals.Select(g => g.Id).Order());
        foreach (var view in board.Goals)
        {
            var basis = (await org.Goal(view.Id).GetReadBasisAsync())!;
            var (parts, _) = WalkTheLog(basis, log, at);
            Assert.Equal(parts.Value(GoalViews.MetricOf(basis.Definition)), view.Progress);
        }
    }

    private ITimelineGrain Timeline(TestOrganization org) => cluster.Client.GetGrain<ITimelineGrain>(org.Id);

    /// <summary>What the goal counted at <paramref name="at"/>, by walking the whole log in order as goals apply it.</summary>
    private static (GoalParts Parts, Dictionary<string, GoalParts> ByDepartment) WalkTheLog(GoalReadBasis basis, IReadOnlyList<LoggedEvent> log, DateTimeOffset at)
    {
        var d = basis.Definition;
        var metric = GoalViews.MetricOf(d);
        var window = GoalMath.WindowStart(d.Reset, d.Start, at);
        var parts = new GoalParts();
        var byDepartment = new Dictionary<string, GoalParts>(StringComparer.Ordinal);
        foreach (var e in log)
        {
            if (e.Sequence > basis.AppliedThrough || !d.Counts(e.Event) || e.Event.Timestamp > at) continue;
            if (d.Reset != ResetCadence.None && GoalMath.WindowStart(d.Reset, d.Start, e.Event.Timestamp) != window) continue;
            GoalViews.Count(parts, byDepartment, metric, e.Event);
        }
        return (parts, byDepartment);
    }

    /// <summary>
    /// An organization with the goals above and 1,500 events over the last three days (and a few
    /// ahead), out of time order, in whole numbers so that sums in any order are exact; every goal has
    /// applied the whole log.
    /// </summary>
    private async Task<(TestOrganization Org, IReadOnlyList<LoggedEvent> Log)> OrganizationWithHistoryAsync()
    {
        var org = await cluster.NewOrganizationAsync();
        foreach (var goal in Goals) await org.Grain.CreateGoalAsync(goal);
        var random = new Random(8);
        string[] metrics = ["leads", "visits", "conversions", "followers", "spend"];
        string?[] campaigns = [Launch, SpringSale, null];
        string?[] departments = [Marketing, Sales, Pr, null];
        IngestResult result = null!;
        for (var batch = 0; batch < 15; batch++)
        {
            result = await org.IngestAsync([.. Enumerable.Range(0, 100).Select(i => new MetricEvent(
                $"e{batch}-{i}",
                metrics[random.Next(metrics.Length)],
                random.Next(1, 20),
                // Some events share a timestamp (gauge ties are settled by log order); some are on a minute's first tick.
                i % 10 == 0 ? Now.AddMinutes(-90) : i % 10 == 5 ? Minute.AddMinutes(-random.Next(0, 3 * 24 * 60)) : i % 20 == 7 ? Minute.AddHours(-30) : Now.AddMilliseconds(-random.NextInt64(0, (long)TimeSpan.FromDays(3).TotalMilliseconds)).AddMinutes(random.Next(10) == 0 ? 200 : 0),
                campaigns[random.Next(campaigns.Length)],
                departments[random.Next(departments.Length)]))]);
        }
        foreach (var goal in Goals)
        {
            await Eventually.Holds(async () => Assert.Equal(result.LastSequence, (await org.Goal(goal.Id).GetReadBasisAsync())!.AppliedThrough));
        }
        return (org, await cluster.Log.ReadAsync(org.Id, 1, int.MaxValue));
    }
}
