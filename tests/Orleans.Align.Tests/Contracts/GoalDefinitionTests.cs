namespace Orleans.Align.Tests.Contracts;

/// <summary><see cref="GoalDefinition.Counts"/>: the one rule for whether an event moves a goal.</summary>
public sealed class GoalDefinitionTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset End = new(2025, 4, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset During = new(2025, 2, 15, 9, 30, 0, TimeSpan.Zero);

    private static GoalDefinition Goal(GoalScope scope) => new("g", "Goal", "leads", 100, ["marketing"], scope, Start, End);

    private static MetricEvent Event(string metric = "leads", string? campaign = null, string? department = null, DateTimeOffset? at = null) =>
        new("e1", metric, 1, at ?? During, campaign, department);

    [Fact]
    public void Counts_an_event_of_its_metric_in_its_period() =>
        Assert.True(Goal(GoalScope.All).Counts(Event()));

    [Fact]
    public void Ignores_an_event_of_another_metric() =>
        Assert.False(Goal(GoalScope.All).Counts(Event(metric: "spend")));

    [Fact]
    public void Metric_keys_are_compared_exactly() =>
        Assert.False(Goal(GoalScope.All).Counts(Event(metric: "leads.web")));

    [Fact]
    public void Scope_all_counts_events_of_any_campaign_and_department() =>
        Assert.True(Goal(GoalScope.All).Counts(Event(campaign: "launch", department: "sales")));

    [Fact]
    public void Campaign_scope_counts_only_that_campaigns_events()
    {
        var goal = Goal(GoalScope.Of(campaign: "launch"));

        Assert.True(goal.Counts(Event(campaign: "launch")));
        Assert.True(goal.Counts(Event(campaign: "launch", department: "sales")));
        Assert.False(goal.Counts(Event(campaign: "spring-sale")));
        Assert.False(goal.Counts(Event()));
    }

    [Fact]
    public void Department_scope_counts_only_that_departments_events()
    {
        var goal = Goal(GoalScope.Of(department: "pr"));

        Assert.True(goal.Counts(Event(department: "pr")));
        Assert.True(goal.Counts(Event(campaign: "launch", department: "pr")));
        Assert.False(goal.Counts(Event(department: "sales")));
        Assert.False(goal.Counts(Event()));
    }

    [Fact]
    public void Campaign_and_department_scope_counts_only_events_with_both()
    {
        var goal = Goal(GoalScope.Of("launch", "pr"));

        Assert.True(goal.Counts(Event(campaign: "launch", department: "pr")));
        Assert.False(goal.Counts(Event(campaign: "launch")));
        Assert.False(goal.Counts(Event(department: "pr")));
    }

    [Fact]
    public void Period_includes_its_start_and_excludes_its_end()
    {
        var goal = Goal(GoalScope.All);

        Assert.True(goal.Counts(Event(at: Start)));
        Assert.True(goal.Counts(Event(at: End.AddTicks(-1))));
        Assert.False(goal.Counts(Event(at: Start.AddTicks(-1))));
        Assert.False(goal.Counts(Event(at: End)));
    }

    [Fact]
    public void Period_bounds_compare_instants_whatever_the_offset()
    {
        var goal = Goal(GoalScope.All);

        // 00:30 at UTC+1 on the end date is 23:30 UTC the day before: inside the period.
        Assert.True(goal.Counts(Event(at: new DateTimeOffset(2025, 4, 1, 0, 30, 0, TimeSpan.FromHours(1)))));
        // 19:30 at UTC-5 the day before the end date is 00:30 UTC on it: outside.
        Assert.False(goal.Counts(Event(at: new DateTimeOffset(2025, 3, 31, 19, 30, 0, TimeSpan.FromHours(-5)))));
    }
}
