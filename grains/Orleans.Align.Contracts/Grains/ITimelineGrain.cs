using Orleans.Concurrency;

namespace Orleans.Align.Grains;

/// <summary>
/// Provenance and replay: reads of an organization's past, off the hot path. A stateless worker
/// (key: the organization id) that reads the log through a sparse index, never inside a goal's or
/// the ingest log's turn and never through the log's append lock. Every method stops reading when
/// its caller's cancellation token fires (an HTTP request that was abandoned).
/// </summary>
[Alias("align.ITimelineGrain")]
public interface ITimelineGrain : IGrainWithStringKey
{
    /// <summary>The events behind a goal's current value, newest first, <paramref name="limit"/> at a time before sequence <paramref name="before"/>.</summary>
    [Alias("GetGoalEvents")]
    Task<ProvenancePage> GetGoalEventsAsync(string goalId, long? before, int limit, CancellationToken cancellationToken = default);

    /// <summary>A goal as it stood at <paramref name="at"/> (event time); null when the goal does not exist.</summary>
    [Alias("ViewGoalAt")]
    Task<GoalView?> ViewGoalAtAsync(string goalId, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>A board as it stood at <paramref name="at"/> (version 0: not live). NotFound when the board does not exist.</summary>
    [Alias("ReplayBoard")]
    Task<BoardSnapshot> ReplayBoardAsync(string boardId, DateTimeOffset at, CancellationToken cancellationToken = default);
}
