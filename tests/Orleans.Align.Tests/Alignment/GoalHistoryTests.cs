using Orleans.Align.Grains.Goals;

namespace Orleans.Align.Tests.Alignment;

/// <summary><see cref="GoalHistory.Record"/>: a point per minute and per day, each holding the value at the end of its bucket, bounded.</summary>
public sealed class GoalHistoryTests
{
    private static readonly DateTimeOffset Morning = new(2025, 4, 22, 9, 15, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Day = new(2025, 4, 22, 0, 0, 0, TimeSpan.Zero);

    private readonly List<HistoryPoint> _minutes = [];
    private readonly List<HistoryPoint> _days = [];

    private void Record(DateTimeOffset now, double? value, double? percent = null) => GoalHistory.Record(_minutes, _days, now, value, percent);

    [Fact]
    public void Point_is_stamped_with_the_start_of_its_minute_and_of_its_day()
    {
        Record(Morning.AddSeconds(42.5), 10, 5);

        Assert.Equal(new HistoryPoint(Morning, 10, 5), Assert.Single(_minutes));
        Assert.Equal(new HistoryPoint(Day, 10, 5), Assert.Single(_days));
    }

    [Fact]
    public void Changes_within_one_minute_leave_one_point_with_the_latest_value()
    {
        Record(Morning, 10);
        Record(Morning.AddSeconds(20), 12);
        Record(Morning.AddSeconds(59.999), 15, 7.5);

        Assert.Equal(new HistoryPoint(Morning, 15, 7.5), Assert.Single(_minutes));
    }

    [Fact]
    public void Each_new_minute_adds_a_point_and_each_new_day_a_day_point()
    {
        Record(Morning, 10);
        Record(Morning.AddMinutes(1), 12);
        Record(Morning.AddMinutes(5), 15);
        Record(Morning.AddDays(1), 30);

        Assert.Equal([Morning, Morning.AddMinutes(1), Morning.AddMinutes(5), Morning.AddDays(1)], _minutes.Select(p => p.At));
        Assert.Equal([15.0, 30.0], _days.Select(p => p.Value!.Value));
    }

    [Fact]
    public void Buckets_are_utc_whatever_the_offset_of_the_clock()
    {
        var inTokyo = new DateTimeOffset(2025, 4, 23, 1, 30, 10, TimeSpan.FromHours(9));

        Record(inTokyo, 1);

        Assert.Equal(new DateTimeOffset(2025, 4, 22, 16, 30, 0, TimeSpan.Zero), Assert.Single(_minutes).At);
        Assert.Equal(Day, Assert.Single(_days).At);
    }

    [Fact]
    public void Minute_history_keeps_the_last_day_of_minutes()
    {
        for (var i = 0; i < GoalHistory.MaxMinutes + 60; i++) Record(Morning.AddMinutes(i), i);

        Assert.Equal(GoalHistory.MaxMinutes, _minutes.Count);
        Assert.Equal(Morning.AddMinutes(60), _minutes[0].At);
        Assert.Equal(GoalHistory.MaxMinutes + 59, _minutes[^1].Value);
    }

    [Fact]
    public void Day_history_keeps_the_last_400_days()
    {
        for (var i = 0; i < GoalHistory.MaxDays + 10; i++) Record(Morning.AddDays(i), i);

        Assert.Equal(GoalHistory.MaxDays, _days.Count);
        Assert.Equal(Day.AddDays(10), _days[0].At);
    }

    [Fact]
    public void Record_from_a_clock_that_went_back_a_minute_or_more_is_ignored()
    {
        Record(Morning.AddMinutes(5), 50);

        Record(Morning.AddMinutes(3), 999);

        Assert.Equal(new HistoryPoint(Morning.AddMinutes(5), 50, null), Assert.Single(_minutes));
    }

    [Fact]
    public void No_data_is_recorded_as_a_point_without_a_value()
    {
        Record(Morning, null);

        Assert.Equal(new HistoryPoint(Morning, null, null), Assert.Single(_minutes));
    }
}
