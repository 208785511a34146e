using Orleans.Align.Grains.Goals;
using Orleans.Align.Grains.Views;

namespace Orleans.Align.Tests.Alignment;

/// <summary>
/// <see cref="GoalWake"/>: when a sleeping goal's reminder must come, judged against the same pace rule
/// the goal shows (<see cref="GoalMath.Status"/>), and <see cref="SnapshotPolicy"/>: when a view writes
/// its snapshot. Pure logic, no grains; the reminder itself is exercised end to end in
/// <c>ClusterTests.A_deactivated_goal_with_no_events_turns_at_risk_then_off_track_on_time_through_its_reminder</c>.
/// </summary>
public sealed class GoalWakeTests
{
    private static readonly DateTimeOffset Start = new(2025, 4, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset End = Start.AddDays(10);
    private static readonly AlignmentSettings Settings = AlignmentSettings.Default;
    private static readonly TimeSpan NoHold = TimeSpan.Zero;

    private static GoalDefinition Goal(ResetCadence reset = ResetCadence.None, GoalKind kind = GoalKind.IncreaseTo, bool archived = false) =>
        new("g", "Goal", "leads", 100, ["sales"], GoalScope.All, Start, End, kind, Reset: reset, Archived: archived);

    private static Func<DateTimeOffset, GoalStatus> Pace(GoalDefinition d, double? value) => t =>
        GoalMath.Status(d.Kind, d.Target, value, GoalMath.Percent(d.Kind, d.Baseline, d.Target, value), d.Start, d.End, t, Settings);

    private static DateTimeOffset? Next(GoalDefinition d, double? value, DateTimeOffset now, GoalAlerts? alerts = null, TimeSpan? hold = null,
        IReadOnlyList<HistoryPoint>? minutes = null, (TimeSpan, Func<DateTimeOffset, bool>)? trend = null) =>
        GoalWake.Next(d, Pace(d, value), alerts ?? new GoalAlerts { Status = new HeldStatus(Pace(d, value)(now)) }, minutes ?? [], trend, hold ?? NoHold, now);

    [Fact]
    public void A_goal_half_done_wakes_when_expected_progress_passes_what_on_track_allows()
    {
        // 50% done: on track while expected ≤ 50 / OnTrackRatio.
        var d = Goal();
        var crossing = Start + (End - Start) * (50 / Settings.OnTrackRatio / 100);
        var now = crossing.AddHours(-20);
        Assert.Equal(crossing.AddDays(-1), Next(d, 50, crossing.AddDays(-2))); // further than a day: it looks again in a day
        var wake = Next(d, 50, now)!.Value;
        Assert.InRange(wake, crossing.AddSeconds(-90), crossing.AddSeconds(90)); // Expected rounds to 0.01 % of the period (86 s here)
        Assert.Equal(GoalStatus.OnTrack, Pace(d, 50)(wake.AddSeconds(-1)));
        Assert.NotEqual(GoalStatus.OnTrack, Pace(d, 50)(wake));
    }

    [Fact]
    public void At_risk_it_wakes_next_when_it_turns_off_track()
    {
        var d = Goal();
        var atRisk = Start + (End - Start) * (50 / Settings.AtRiskRatio / 100) - TimeSpan.FromHours(12);
        Assert.Equal(GoalStatus.AtRisk, Pace(d, 50)(atRisk));
        var wake = Next(d, 50, atRisk)!.Value;
        Assert.Equal(GoalStatus.AtRisk, Pace(d, 50)(wake.AddSeconds(-1)));
        Assert.Equal(GoalStatus.OffTrack, Pace(d, 50)(wake));
    }

    [Fact]
    public void Off_track_with_nothing_else_due_it_sleeps_a_day_at_most() =>
        Assert.Equal(Start.AddDays(8).AddDays(1), Next(Goal(), 1, Start.AddDays(8)));

    [Fact]
    public void Near_the_end_it_wakes_at_the_end_to_be_judged_achieved_or_missed() =>
        Assert.Equal(End, Next(Goal(), 1, End.AddHours(-3)));

    [Fact]
    public void Before_its_start_it_wakes_at_the_start() =>
        Assert.Equal(Start, Next(Goal(), null, Start.AddHours(-5)));

    [Fact]
    public void A_reset_goal_wakes_at_its_next_window()
    {
        var d = Goal(ResetCadence.Weekly) with { End = Start.AddDays(60) };
        // 2025-04-01 is a Tuesday: the next weekly window starts Monday 2025-04-07.
        Assert.Equal(new DateTimeOffset(2025, 4, 7, 0, 0, 0, TimeSpan.Zero), GoalWake.NextWindow(d, Start.AddHours(30)));
        Assert.Equal(new DateTimeOffset(2025, 5, 1, 0, 0, 0, TimeSpan.Zero), GoalWake.NextWindow(d with { Reset = ResetCadence.Monthly }, Start.AddHours(30)));
        Assert.Equal(new DateTimeOffset(2025, 7, 1, 0, 0, 0, TimeSpan.Zero), GoalWake.NextWindow(d with { Reset = ResetCadence.Quarterly }, Start.AddHours(30)));
        Assert.Null(GoalWake.NextWindow(Goal(), Start.AddHours(30)));
        Assert.Equal(new DateTimeOffset(2025, 4, 7, 0, 0, 0, TimeSpan.Zero), Next(d, 1, new DateTimeOffset(2025, 4, 6, 12, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void A_status_waiting_out_its_hold_wakes_when_the_hold_is_over()
    {
        var now = Start.AddDays(8);
        var alerts = new GoalAlerts { Status = new HeldStatus(GoalStatus.AtRisk, GoalStatus.OffTrack, now.AddMinutes(-10)) };
        Assert.Equal(now.AddMinutes(20), Next(Goal(), 1, now, alerts, TimeSpan.FromMinutes(30)));
    }

    [Fact]
    public void An_episode_raising_or_clearing_wakes_when_its_hold_is_over()
    {
        var now = Start.AddDays(8);
        var raising = new GoalAlerts { Status = new HeldStatus(GoalStatus.OffTrack), Mismatch = new AlertEpisode(now.AddMinutes(-5)) };
        Assert.Equal(now.AddMinutes(10), Next(Goal(), 1, now, raising, TimeSpan.FromMinutes(15)));
        var clearing = new GoalAlerts { Status = new HeldStatus(GoalStatus.OffTrack), Trend = new AlertEpisode(now.AddHours(-1), Open: true, ClearingSince: now.AddMinutes(-1)) };
        Assert.Equal(now.AddMinutes(14), Next(Goal(), 1, now, clearing, TimeSpan.FromMinutes(15)));
    }

    [Fact]
    public void A_falling_trend_wakes_the_goal_when_the_window_slides_past_its_last_change()
    {
        // Leads grew for 30 minutes, then stopped: the trend (growth in the last hour against the hour
        // before) holds once the last hour has less growth than the one before it.
        var rule = GoalTrendRule.For(Goal(), MetricCatalogue.Defaults.Single(m => m.Key == "leads"), Settings);
        var t0 = Start.AddDays(2);
        var minutes = Enumerable.Range(0, 31).Select(i => new HistoryPoint(t0.AddMinutes(i), i * 10.0, i * 10.0)).ToList();
        bool HoldsAt(DateTimeOffset t) => GoalMath.Trend(rule, minutes, t).Holds;
        var now = t0.AddMinutes(40);
        Assert.False(HoldsAt(now));
        var flip = GoalWake.TrendFlip(minutes, rule.Window(), HoldsAt, now)!.Value;
        Assert.True(HoldsAt(flip));
        Assert.False(HoldsAt(flip.AddSeconds(-1)));
        Assert.Equal(flip, Next(Goal(), 1, now, minutes: minutes, trend: (rule.Window(), HoldsAt)));
    }

    [Fact]
    public void Flat_history_moves_no_trend_before_the_oldest_point_leaves_both_windows()
    {
        var t0 = Start.AddDays(2);
        var minutes = Enumerable.Range(0, 30).Select(i => new HistoryPoint(t0.AddMinutes(i), 5, 5)).ToList();
        var window = TimeSpan.FromHours(1);
        var judged = new List<DateTimeOffset>();
        Assert.Null(GoalWake.TrendFlip(minutes, window, t => { judged.Add(t); return false; }, t0.AddHours(3)));
        // Only the first point is a change: judged at now, and at its slides still ahead (none at +3 h).
        Assert.Equal([t0.AddHours(3)], judged);
    }

    [Fact]
    public void Archived_or_over_and_told_it_needs_no_wake()
    {
        Assert.Null(Next(Goal(archived: true), 50, Start.AddDays(1)));
        var told = new GoalAlerts { Status = new HeldStatus(GoalStatus.Missed) };
        Assert.Null(Next(Goal(), 50, End.AddMinutes(1), told));
        var notTold = new GoalAlerts { Status = new HeldStatus(GoalStatus.OnTrack) };
        Assert.Equal(End.AddMinutes(1) + GoalWake.AfterEndRetry, Next(Goal(), 50, End.AddMinutes(1), notTold));
    }

    [Fact]
    public void Every_wake_is_after_now()
    {
        var d = Goal();
        for (var now = Start.AddHours(-1); now < End; now = now.AddHours(7))
        {
            foreach (var value in new double?[] { null, 0, 10, 50, 90, 100 })
                Assert.True(Next(d, value, now) > now, $"value {value} at {now:O}");
        }
    }

    [Theory]
    [InlineData(false, 0, 0, false)]
    [InlineData(true, 0, 0, true)]
    [InlineData(false, 10_000, 0, true)]
    [InlineData(false, 9_999, 29, false)]
    [InlineData(false, 1, 30, true)]
    public void A_snapshot_is_due_for_what_only_it_holds_or_once_far_enough_or_old_enough_behind(bool urgent, long behind, int ageSeconds, bool due) =>
        Assert.Equal(due, new SnapshotPolicy(TimeSpan.FromSeconds(1), 10_000, TimeSpan.FromSeconds(30)).Due(urgent, behind, TimeSpan.FromSeconds(ageSeconds)));

    [Fact]
    public void A_failing_snapshot_store_is_tried_again_after_a_doubling_wait_up_to_the_longest_lag()
    {
        var policy = new SnapshotPolicy(TimeSpan.FromSeconds(1), 10_000, TimeSpan.FromSeconds(30));
        Assert.Equal([1, 2, 4, 8, 16, 30, 30], Enumerable.Range(1, 7).Select(f => policy.Backoff(f).TotalSeconds));
        Assert.Equal(TimeSpan.FromSeconds(30), policy.Backoff(1_000));
    }
}
