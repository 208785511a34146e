using Orleans.Concurrency;

namespace Orleans.Align.Grains;

/// <summary>A goal: a materialized view over the organization's log. Key: <c>{org}/{goal}</c>.</summary>
[Alias("align.IGoalGrain")]
public interface IGoalGrain : IGrainWithStringKey
{
    /// <summary>Defines the goal and counts every event already in the log that it covers.</summary>
    [Alias("Define")]
    Task<GoalView> DefineAsync(GoalDefinition definition);

    /// <summary>Read-only and interleaved: a board activating inside this goal's publish asks for it.</summary>
    [Alias("Get"), AlwaysInterleave]
    Task<GoalView?> GetAsync();

    /// <summary>
    /// Applies events from the log, in sequence order. Events at or below the goal's applied
    /// sequence are skipped, so redelivery never double counts.
    /// </summary>
    /// <summary>Drops the snapshot and recomputes the goal from the log alone.</summary>
    [Alias("Rebuild")]
    Task<GoalView> RebuildAsync();

    [Alias("Apply")]
    Task ApplyAsync(IReadOnlyList<LoggedEvent> events);
}
