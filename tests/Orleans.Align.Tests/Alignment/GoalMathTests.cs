using Orleans.Align.Grains.Goals;

namespace Orleans.Align.Tests.Alignment;

/// <summary>
/// <see cref="GoalMath"/>: a metric's value from its parts, progress for each goal kind, pace status,
/// mismatches between people and numbers, reset windows and trends. No grains, no clock: every rule
/// on its own, at its edges.
/// </summary>
public sealed class GoalMathTests
{
    private static readonly DateTimeOffset Start = new(2025, 4, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset End = Start.AddDays(10);
    private static readonly DateTimeOffset Halfway = Start.AddDays(5);
    private static readonly AlignmentSettings Settings = AlignmentSettings.Default;

    private static MetricDefinition Metric(string key) => MetricCatalogue.Defaults.Single(m => m.Key == key);

    private static Dictionary<string, double> Sums(params (string Metric, double Sum)[] parts) =>
        parts.ToDictionary(p => p.Metric, p => p.Sum);

    private static GoalStatus StatusAt(DateTimeOffset now, GoalKind kind, double target, double? value, double baseline = 0) =>
        GoalMath.Status(kind, target, value, GoalMath.Percent(kind, baseline, target, value), Start, End, now, Settings);

    private static CheckIn Confidence(int confidence) => new("sales", confidence, "note", Halfway);

    // ---- Value ----

    [Fact]
    public void Additive_value_is_the_sum_of_its_metric() =>
        Assert.Equal(42, GoalMath.Value(Metric("leads"), Sums(("leads", 42), ("spend", 1_000)), gauge: null));

    [Fact]
    public void Additive_value_without_any_event_is_zero_not_no_data() =>
        Assert.Equal(0, GoalMath.Value(Metric("leads"), Sums(), gauge: null));

    [Fact]
    public void Gauge_value_is_its_latest_reading_whatever_the_sums()
    {
        Assert.Equal(5_200, GoalMath.Value(Metric("followers"), Sums(("followers", 99_999)), gauge: 5_200));
        Assert.Null(GoalMath.Value(Metric("followers"), Sums(), gauge: null));
    }

    [Fact]
    public void Ratio_value_is_computed_from_its_summed_parts() =>
        Assert.Equal(0.05, GoalMath.Value(Metric("conversion_rate"), Sums(("conversions", 30), ("visits", 600)), gauge: null));

    [Fact]
    public void Ratio_with_a_zero_denominator_has_no_value()
    {
        Assert.Null(GoalMath.Value(Metric("conversion_rate"), Sums(("conversions", 30)), gauge: null));
        Assert.Null(GoalMath.Value(Metric("conversion_rate"), Sums(("conversions", 30), ("visits", 0)), gauge: null));
        Assert.Null(GoalMath.Value(Metric("cac"), Sums(("spend", 5_000)), gauge: null));
    }

    [Fact]
    public void Roi_from_the_default_catalogue_is_revenue_minus_spend_over_spend()
    {
        var roi = Metric("roi");

        Assert.Equal(1.5, GoalMath.Value(roi, Sums(("revenue", 500), ("spend", 200)), gauge: null));
        Assert.Equal(-0.5, GoalMath.Value(roi, Sums(("revenue", 100), ("spend", 200)), gauge: null));
    }

    [Fact]
    public void Ratio_of_summed_parts_differs_from_the_average_of_the_departments_ratios()
    {
        var conversionRate = Metric("conversion_rate");
        var marketing = Sums(("conversions", 10), ("visits", 100));
        var sales = Sums(("conversions", 90), ("visits", 300));
        var both = Sums(("conversions", 100), ("visits", 400));

        var averageOfRatios = (GoalMath.Value(conversionRate, marketing, null)!.Value + GoalMath.Value(conversionRate, sales, null)!.Value) / 2;
        var ratioOfSums = GoalMath.Value(conversionRate, both, null);

        Assert.Equal(0.2, averageOfRatios, 10);
        Assert.Equal(0.25, ratioOfSums);
    }

    // ---- Percent ----

    [Fact]
    public void Increase_percent_is_the_share_of_the_distance_from_baseline_to_target_covered()
    {
        Assert.Equal(25, GoalMath.Percent(GoalKind.IncreaseTo, baseline: 0, target: 200, value: 50));
        Assert.Equal(25, GoalMath.Percent(GoalKind.IncreaseTo, baseline: 100, target: 300, value: 150));
        Assert.Equal(0, GoalMath.Percent(GoalKind.IncreaseTo, baseline: 100, target: 300, value: 100));
    }

    [Fact]
    public void Increase_percent_is_not_capped_beyond_the_target() =>
        Assert.Equal(150, GoalMath.Percent(GoalKind.IncreaseTo, baseline: 0, target: 200, value: 300));

    [Fact]
    public void Decrease_percent_is_the_share_of_the_way_down_from_baseline_to_target()
    {
        Assert.Equal(50, GoalMath.Percent(GoalKind.DecreaseTo, baseline: 200, target: 100, value: 150));
        Assert.Equal(100, GoalMath.Percent(GoalKind.DecreaseTo, baseline: 200, target: 100, value: 100));
        Assert.Equal(-50, GoalMath.Percent(GoalKind.DecreaseTo, baseline: 200, target: 100, value: 250));
    }

    [Theory]
    [InlineData(GoalKind.IncreaseTo)]
    [InlineData(GoalKind.DecreaseTo)]
    public void Goal_with_no_distance_between_baseline_and_target_has_no_percent(GoalKind kind) =>
        Assert.Null(GoalMath.Percent(kind, baseline: 100, target: 100, value: 80));

    [Fact]
    public void Stay_above_percent_is_100_while_the_value_holds_and_the_share_of_the_target_below_it()
    {
        Assert.Equal(100, GoalMath.Percent(GoalKind.StayAbove, baseline: 0, target: 0.02, value: 0.02));
        Assert.Equal(100, GoalMath.Percent(GoalKind.StayAbove, baseline: 0, target: 0.02, value: 0.5));
        Assert.Equal(75, GoalMath.Percent(GoalKind.StayAbove, baseline: 0, target: 200, value: 150));
        Assert.Equal(0, GoalMath.Percent(GoalKind.StayAbove, baseline: 0, target: 0, value: -3));
    }

    [Fact]
    public void Stay_below_percent_is_100_while_the_value_holds_and_falls_with_the_relative_distance_above_it()
    {
        Assert.Equal(100, GoalMath.Percent(GoalKind.StayBelow, baseline: 0, target: 100, value: 100));
        Assert.Equal(100, GoalMath.Percent(GoalKind.StayBelow, baseline: 0, target: 100, value: 20));
        Assert.Equal(75, GoalMath.Percent(GoalKind.StayBelow, baseline: 0, target: 100, value: 125));
        Assert.Equal(0, GoalMath.Percent(GoalKind.StayBelow, baseline: 0, target: 100, value: 250));
    }

    [Fact]
    public void Stay_goals_with_negative_targets_are_judged_by_distance_not_by_the_sign()
    {
        // "ROI stays above −10%": −50% is far below, not 500% done.
        Assert.Equal(0, GoalMath.Percent(GoalKind.StayAbove, baseline: 0, target: -0.1, value: -0.5));
        Assert.Equal(50, GoalMath.Percent(GoalKind.StayAbove, baseline: 0, target: -0.1, value: -0.15));
        Assert.Equal(100, GoalMath.Percent(GoalKind.StayAbove, baseline: 0, target: -0.1, value: 0.2));
        // "Stay below −10": −5 is above the cap.
        Assert.Equal(50, GoalMath.Percent(GoalKind.StayBelow, baseline: 0, target: -10, value: -5));
    }

    [Theory]
    [InlineData(GoalKind.IncreaseTo)]
    [InlineData(GoalKind.DecreaseTo)]
    [InlineData(GoalKind.StayAbove)]
    [InlineData(GoalKind.StayBelow)]
    public void Percent_without_a_value_is_no_data(GoalKind kind) =>
        Assert.Null(GoalMath.Percent(kind, baseline: 10, target: 100, value: null));

    [Fact]
    public void Percent_is_rounded_to_two_decimals() =>
        Assert.Equal(33.33, GoalMath.Percent(GoalKind.IncreaseTo, baseline: 0, target: 3, value: 1));

    // ---- Expected ----

    [Fact]
    public void Expected_progress_is_nothing_until_the_period_starts()
    {
        Assert.Equal(0, GoalMath.Expected(Start, End, Start.AddDays(-1)));
        Assert.Equal(0, GoalMath.Expected(Start, End, Start));
    }

    [Fact]
    public void Expected_progress_is_everything_from_the_end_of_the_period()
    {
        Assert.Equal(100, GoalMath.Expected(Start, End, End));
        Assert.Equal(100, GoalMath.Expected(Start, End, End.AddDays(30)));
    }

    [Fact]
    public void Expected_progress_grows_linearly_with_elapsed_time()
    {
        Assert.Equal(50, GoalMath.Expected(Start, End, Halfway));
        Assert.Equal(33.33, GoalMath.Expected(Start, Start.AddHours(3), Start.AddHours(1)));
    }

    // ---- Status ----

    [Theory]
    [InlineData(GoalKind.IncreaseTo, 50.0)]
    [InlineData(GoalKind.StayAbove, 500.0)]
    [InlineData(GoalKind.StayBelow, null)]
    public void Goal_before_its_start_is_not_started_whatever_its_value(GoalKind kind, double? value) =>
        Assert.Equal(GoalStatus.NotStarted, StatusAt(Start.AddTicks(-1), kind, target: 100, value));

    [Theory]
    [InlineData(GoalKind.IncreaseTo)]
    [InlineData(GoalKind.DecreaseTo)]
    [InlineData(GoalKind.StayAbove)]
    [InlineData(GoalKind.StayBelow)]
    public void Goal_without_a_value_has_no_data(GoalKind kind) =>
        Assert.Equal(GoalStatus.NoData, StatusAt(Halfway, kind, target: 100, value: null, baseline: 200));

    [Fact]
    public void Goal_with_a_value_but_no_percent_has_no_data() =>
        Assert.Equal(GoalStatus.NoData, GoalMath.Status(GoalKind.IncreaseTo, 100, value: 40, percent: null, Start, End, Halfway, Settings));

    [Theory]
    [InlineData(45.0, GoalStatus.OnTrack)]   // exactly OnTrackRatio (0.9) of the 50% expected
    [InlineData(44.99, GoalStatus.AtRisk)]
    [InlineData(35.0, GoalStatus.AtRisk)]    // exactly AtRiskRatio (0.7) of it
    [InlineData(34.99, GoalStatus.OffTrack)]
    public void Increase_goal_pace_is_judged_against_the_ratios_inclusive_at_their_edges(double percent, GoalStatus expected) =>
        Assert.Equal(expected, GoalMath.Status(GoalKind.IncreaseTo, 100, value: percent, percent: percent, Start, End, Halfway, Settings));

    [Theory]
    [InlineData(155.0, GoalStatus.OnTrack)]  // 45% of the way down from 200 to 100: 0.9 of the 50% expected
    [InlineData(165.0, GoalStatus.AtRisk)]   // 35%: 0.7 of it
    [InlineData(166.0, GoalStatus.OffTrack)]
    public void Decrease_goal_pace_is_judged_the_same_way(double value, GoalStatus expected) =>
        Assert.Equal(expected, StatusAt(Halfway, GoalKind.DecreaseTo, target: 100, value, baseline: 200));

    [Fact]
    public void Any_progress_is_on_track_at_the_very_start_of_the_period() =>
        Assert.Equal(GoalStatus.OnTrack, StatusAt(Start, GoalKind.IncreaseTo, target: 100, value: 0));

    [Fact]
    public void Reaching_the_target_is_achieved_before_the_period_ends()
    {
        Assert.Equal(GoalStatus.Achieved, StatusAt(Start.AddHours(1), GoalKind.IncreaseTo, target: 100, value: 100));
        Assert.Equal(GoalStatus.Achieved, StatusAt(Start.AddHours(1), GoalKind.DecreaseTo, target: 100, value: 90, baseline: 200));
    }

    [Theory]
    [InlineData(GoalKind.IncreaseTo, 100.0, GoalStatus.Achieved)]
    [InlineData(GoalKind.IncreaseTo, 99.99, GoalStatus.Missed)]
    [InlineData(GoalKind.StayAbove, 100.0, GoalStatus.Achieved)]
    [InlineData(GoalKind.StayAbove, 99.99, GoalStatus.Missed)]
    [InlineData(GoalKind.StayBelow, 100.0, GoalStatus.Achieved)]
    [InlineData(GoalKind.StayBelow, 100.01, GoalStatus.Missed)]
    public void From_the_end_of_the_period_a_goal_is_achieved_or_missed(GoalKind kind, double value, GoalStatus expected)
    {
        Assert.Equal(expected, StatusAt(End, kind, target: 100, value));
        Assert.Equal(expected, StatusAt(End.AddDays(1), kind, target: 100, value));
    }

    [Theory]
    [InlineData(100.0, GoalStatus.OnTrack)]
    [InlineData(90.0, GoalStatus.AtRisk)]    // exactly StayTolerance (10%) below the target
    [InlineData(89.99, GoalStatus.OffTrack)]
    public void Stay_above_goal_is_on_track_while_it_holds_and_at_risk_within_tolerance_below(double value, GoalStatus expected) =>
        Assert.Equal(expected, StatusAt(Halfway, GoalKind.StayAbove, target: 100, value));

    [Theory]
    [InlineData(100.0, GoalStatus.OnTrack)]
    [InlineData(110.0, GoalStatus.AtRisk)]   // exactly StayTolerance (10%) above the target
    [InlineData(110.01, GoalStatus.OffTrack)]
    public void Stay_below_goal_is_on_track_while_it_holds_and_at_risk_within_tolerance_above(double value, GoalStatus expected) =>
        Assert.Equal(expected, StatusAt(Halfway, GoalKind.StayBelow, target: 100, value));

    [Fact]
    public void Stay_goals_ignore_the_pace_of_time()
    {
        // A stay goal that holds is on track however early or late in the period it is.
        Assert.Equal(GoalStatus.OnTrack, StatusAt(Start.AddMinutes(1), GoalKind.StayAbove, target: 100, value: 100));
        Assert.Equal(GoalStatus.OnTrack, StatusAt(End.AddMinutes(-1), GoalKind.StayAbove, target: 100, value: 100));
    }

    // ---- Mismatch ----

    [Theory]
    [InlineData(7, GoalStatus.OffTrack)]     // HighConfidence itself counts as confident
    [InlineData(10, GoalStatus.Missed)]
    [InlineData(3, GoalStatus.OnTrack)]      // LowConfidence itself counts as worried
    [InlineData(0, GoalStatus.Achieved)]
    public void Confidence_that_contradicts_the_status_is_a_mismatch(int confidence, GoalStatus status) =>
        Assert.True(GoalMath.Mismatch(Confidence(confidence), status, Settings));

    [Theory]
    [InlineData(9, GoalStatus.OnTrack)]
    [InlineData(9, GoalStatus.AtRisk)]
    [InlineData(9, GoalStatus.NoData)]
    [InlineData(1, GoalStatus.OffTrack)]
    [InlineData(1, GoalStatus.AtRisk)]
    [InlineData(6, GoalStatus.OffTrack)]
    [InlineData(4, GoalStatus.OnTrack)]
    public void Confidence_that_agrees_with_the_status_or_is_neutral_is_no_mismatch(int confidence, GoalStatus status) =>
        Assert.False(GoalMath.Mismatch(Confidence(confidence), status, Settings));

    [Fact]
    public void Goal_without_a_check_in_has_no_mismatch() =>
        Assert.False(GoalMath.Mismatch(null, GoalStatus.OffTrack, Settings));

    [Fact]
    public void Mismatch_follows_the_organizations_confidence_thresholds() =>
        Assert.False(GoalMath.Mismatch(Confidence(7), GoalStatus.OffTrack, Settings with { HighConfidence = 8 }));

    // ---- WindowStart ----

    private static readonly DateTimeOffset LongAgo = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("2025-04-16T15:30:00Z", "2025-04-14T00:00:00Z")] // Wednesday
    [InlineData("2025-04-20T23:59:00Z", "2025-04-14T00:00:00Z")] // Sunday still belongs to Monday's week
    [InlineData("2025-04-14T00:00:00Z", "2025-04-14T00:00:00Z")] // Monday midnight opens the week
    [InlineData("2025-04-21T00:00:00Z", "2025-04-21T00:00:00Z")]
    public void Weekly_window_starts_on_monday_in_utc(string at, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected), GoalMath.WindowStart(ResetCadence.Weekly, LongAgo, DateTimeOffset.Parse(at)));

    [Fact]
    public void Weekly_window_is_computed_in_utc_whatever_the_offset()
    {
        // Monday 01:00 in Paris is still Sunday in UTC: the window is the week before.
        var mondayInParis = new DateTimeOffset(2025, 4, 14, 1, 0, 0, TimeSpan.FromHours(2));

        Assert.Equal(new DateTimeOffset(2025, 4, 7, 0, 0, 0, TimeSpan.Zero), GoalMath.WindowStart(ResetCadence.Weekly, LongAgo, mondayInParis));
    }

    [Theory]
    [InlineData("2025-04-16T15:30:00Z", "2025-04-01T00:00:00Z")]
    [InlineData("2025-02-28T23:59:59Z", "2025-02-01T00:00:00Z")]
    public void Monthly_window_starts_on_the_first_of_the_month(string at, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected), GoalMath.WindowStart(ResetCadence.Monthly, LongAgo, DateTimeOffset.Parse(at)));

    [Theory]
    [InlineData("2025-02-10T00:00:00Z", "2025-01-01T00:00:00Z")]
    [InlineData("2025-05-20T12:00:00Z", "2025-04-01T00:00:00Z")]
    [InlineData("2025-09-30T23:59:59Z", "2025-07-01T00:00:00Z")]
    [InlineData("2025-12-31T12:00:00Z", "2025-10-01T00:00:00Z")]
    public void Quarterly_window_starts_on_the_first_day_of_the_quarter(string at, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected), GoalMath.WindowStart(ResetCadence.Quarterly, LongAgo, DateTimeOffset.Parse(at)));

    [Theory]
    [InlineData(ResetCadence.Weekly)]
    [InlineData(ResetCadence.Monthly)]
    [InlineData(ResetCadence.Quarterly)]
    public void First_window_is_clamped_to_the_goals_start(ResetCadence cadence)
    {
        var goalStart = new DateTimeOffset(2025, 4, 16, 10, 0, 0, TimeSpan.Zero);

        Assert.Equal(goalStart, GoalMath.WindowStart(cadence, goalStart, goalStart.AddHours(5)));
    }

    [Fact]
    public void Goal_that_never_resets_has_one_window_from_its_start() =>
        Assert.Equal(Start, GoalMath.WindowStart(ResetCadence.None, Start, End.AddDays(100)));

    // ---- A goal's trend rule (GoalTrendRule, judged by GoalMath.Trend) ----

    private static readonly DateTimeOffset TrendNow = new(2025, 4, 22, 14, 0, 0, TimeSpan.Zero);

    /// <summary>Minute points an hour apart, the last one at <see cref="TrendNow"/>.</summary>
    private static List<HistoryPoint> Hourly(params double?[] values) =>
        [.. values.Select((v, i) => new HistoryPoint(TrendNow.AddHours(i - values.Length + 1), v, null))];

    private static bool Falls(MetricKind kind, IReadOnlyList<HistoryPoint> minutes, bool lowerIsBetter = false, AlignmentSettings? settings = null)
    {
        var goal = new GoalDefinition("g", "Goal", "m", 1, ["sales"], GoalScope.All, Start, End);
        var rule = GoalTrendRule.For(goal, new MetricDefinition("m", "M", kind, "", lowerIsBetter), settings ?? Settings);
        return GoalMath.Trend(rule, minutes, TrendNow).Holds;
    }

    [Fact]
    public void A_goals_trend_rule_is_its_metric_and_scope_falling_by_the_trend_drop_over_the_trend_window_told_to_its_owners()
    {
        var goal = new GoalDefinition("q3-leads", "Q3 leads", "leads", 1, ["marketing", "sales"], GoalScope.Of(campaign: "launch"), Start, End);
        var rule = GoalTrendRule.For(goal, MetricCatalogue.Defaults.First(m => m.Key == "leads"), Settings with { TrendDrop = 0.25, TrendWindowMinutes = 90 });

        Assert.Equal(("q3-leads-trend", "q3-leads", "leads"), (rule.Id, rule.Goal, rule.Metric));
        Assert.Equal((RuleCondition.FallsBy, 25, 90), (rule.Condition, rule.Threshold, rule.WindowMinutes));
        Assert.Equal(["marketing", "sales"], rule.Notify);
        Assert.True(rule.Scope.Equivalent(goal.Scope));
        Assert.Equal(RuleCondition.RisesBy, GoalTrendRule.For(goal, new MetricDefinition("spend", "Spend", MetricKind.Additive, "$", LowerIsBetter: true), Settings).Condition);
    }

    [Fact]
    public void Additive_trend_falls_when_growth_in_the_last_window_drops_by_more_than_the_trend_drop() =>
        Assert.True(Falls(MetricKind.Additive, Hourly(0, 100, 150)));   // grew 100, then only 50

    [Fact]
    public void Additive_trend_holds_while_growth_drops_by_less_than_the_trend_drop()
    {
        Assert.False(Falls(MetricKind.Additive, Hourly(0, 100, 200)));
        Assert.False(Falls(MetricKind.Additive, Hourly(0, 100, 180)));  // a 20% drop in growth
        Assert.True(Falls(MetricKind.Additive, Hourly(0, 100, 170)));   // exactly TrendDrop (30%): "at least" counts
        Assert.False(Falls(MetricKind.Additive, Hourly(0, 100, 300)));
    }

    [Fact]
    public void Additive_trend_needs_growth_in_the_previous_window_to_fall_from() =>
        Assert.False(Falls(MetricKind.Additive, Hourly(100, 100, 100)));

    [Theory]
    [InlineData(MetricKind.Ratio)]
    [InlineData(MetricKind.Gauge)]
    public void Ratio_and_gauge_trends_fall_when_the_value_itself_falls_by_the_trend_drop(MetricKind kind)
    {
        Assert.True(Falls(kind, Hourly(0.01, 0.05, 0.03)));            // 0.05 → 0.03: a 40% fall
        Assert.False(Falls(kind, Hourly(0.09, 0.05, 0.04)));           // a 20% fall, whatever came before
    }

    [Fact]
    public void Lower_is_better_trend_falls_when_additive_growth_rises_by_the_trend_drop()
    {
        Assert.True(Falls(MetricKind.Additive, Hourly(0, 100, 250), lowerIsBetter: true));   // spend grew 100, then 150
        Assert.False(Falls(MetricKind.Additive, Hourly(0, 100, 150), lowerIsBetter: true));  // spend slowing down is good
    }

    [Fact]
    public void Lower_is_better_ratio_trend_falls_when_the_value_rises_by_the_trend_drop()
    {
        Assert.True(Falls(MetricKind.Ratio, Hourly(100, 100, 140), lowerIsBetter: true));    // CAC up 40%
        Assert.False(Falls(MetricKind.Ratio, Hourly(100, 100, 60), lowerIsBetter: true));    // CAC down is good
    }

    [Fact]
    public void Trend_needs_history_covering_two_windows()
    {
        Assert.False(Falls(MetricKind.Additive, []));
        Assert.False(Falls(MetricKind.Additive, Hourly(100, 150)));
        var justShort = new List<HistoryPoint> { new(TrendNow.AddHours(-2).AddMinutes(1), 0, null), new(TrendNow.AddHours(-1), 100, null), new(TrendNow, 120, null) };
        Assert.False(Falls(MetricKind.Additive, justShort));
    }

    [Fact]
    public void Trend_without_a_value_at_a_window_edge_does_not_fall() =>
        Assert.False(Falls(MetricKind.Ratio, Hourly(0.05, null, 0.01)));

    [Fact]
    public void Trend_compares_windows_of_the_organizations_trend_window()
    {
        // Every 30 minutes for 2½ hours. Over the last two half hours growth fell from 100 to 20;
        // over the last two hours it rose from 100 to 120.
        List<HistoryPoint> minutes = [.. new double[] { 0, 0, 50, 100, 200, 220 }.Select((v, i) => new HistoryPoint(TrendNow.AddMinutes(30 * (i - 5)), v, null))];

        Assert.True(Falls(MetricKind.Additive, minutes, settings: Settings with { TrendWindowMinutes = 30 }));
        Assert.False(Falls(MetricKind.Additive, minutes, settings: Settings with { TrendWindowMinutes = 60 }));
    }
}
