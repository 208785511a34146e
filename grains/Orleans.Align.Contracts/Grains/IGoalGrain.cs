using Orleans.Concurrency;

namespace Orleans.Align.Grains;

/// <summary>A goal: a materialized view over the organization's log. Key: <c>{org}/{goal}</c>.</summary>
[Alias("align.IGoalGrain")]
public interface IGoalGrain : ILogViewGrain
{
    /// <summary>Defines the goal and counts every event already in the log that it covers.</summary>
    [Alias("Define")]
    Task<GoalView> DefineAsync(GoalDefinition definition);

    /// <summary>
    /// Takes a changed definition (from the organization, which validated and routed it). A newer
    /// counting revision recomputes the goal from the log; otherwise it re-judges. A revision it has
    /// already taken changes nothing.
    /// </summary>
    [Alias("Redefine")]
    Task<GoalView> RedefineAsync(GoalDefinition definition);

    /// <summary>The definition's changes, oldest first; null when the goal does not exist. Read-only and interleaved.</summary>
    [Alias("GetChanges"), AlwaysInterleave]
    Task<IReadOnlyList<GoalChange>?> GetChangesAsync();

    /// <summary>A child left this goal (another parent, or archived): a roll-up recomputes without it.</summary>
    [Alias("ChildRemoved")]
    Task ChildRemovedAsync(string childId);

    /// <summary>Read-only and interleaved: a board activating inside this goal's publish asks for it.</summary>
    [Alias("Get"), AlwaysInterleave]
    Task<GoalView?> GetAsync();

    /// <summary>Drops the snapshot and recomputes the goal from the log alone.</summary>
    [Alias("Rebuild")]
    Task<GoalView> RebuildAsync();

    /// <summary>A department's confidence (0–10) with a note; shown beside the computed status.</summary>
    [Alias("CheckIn")]
    Task<GoalView> CheckInAsync(CheckIn checkIn);

    /// <summary>A child goal moved; a roll-up parent recomputes its weighted progress.</summary>
    [Alias("ChildChanged")]
    Task ChildChangedAsync(string childId, double? percent, double weight);

    [Alias("SettingsChanged")]
    Task SettingsChangedAsync(AlignmentSettings settings);

    /// <summary>Per minute for the last day, or per day for the last 400 days.</summary>
    [Alias("GetHistory"), AlwaysInterleave]
    Task<IReadOnlyList<HistoryPoint>> GetHistoryAsync(bool daily);

    /// <summary>
    /// The events behind the current value, newest first, <paramref name="limit"/> at a time before
    /// sequence <paramref name="before"/>. Answered by <see cref="ITimelineGrain"/>; interleaved, so the
    /// read never holds this goal's turn.
    /// </summary>
    [Alias("GetProvenance"), AlwaysInterleave]
    Task<ProvenancePage> GetProvenanceAsync(long? before, int limit, CancellationToken cancellationToken = default);

    /// <summary>The goal as it stood at <paramref name="at"/> (event time), computed by <see cref="ITimelineGrain"/>; interleaved.</summary>
    [Alias("ViewAt"), AlwaysInterleave]
    Task<GoalView?> ViewAtAsync(DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>
    /// Does nothing, as a turn of its own: not interleaved, it completes once the goal's current turn
    /// (apply, publish to boards and parent, post to the feed) is over. For callers that need to see
    /// what that turn told others; provenance used to serve this, and is interleaved now.
    /// </summary>
    [Alias("WhenIdle")]
    Task WhenIdleAsync();

    /// <summary>What provenance and replay need of this goal (null when it is not defined). Read-only and interleaved.</summary>
    /// <summary>The goal's trend rule as it stands (<see cref="GoalTrendRule"/>); null for a goal that rolls up others. Interleaved: read-only.</summary>
    [Alias("GetTrend"), AlwaysInterleave]
    Task<RuleView?> GetTrendAsync();

    [Alias("GetReadBasis"), AlwaysInterleave]
    Task<GoalReadBasis?> GetReadBasisAsync();
}
