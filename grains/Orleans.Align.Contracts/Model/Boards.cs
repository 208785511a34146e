namespace Orleans.Align;

[GenerateSerializer, Immutable, Alias("align.board-snapshot")]
public sealed record BoardSnapshot(
    [property: Id(0)] string BoardId,
    [property: Id(1)] string Title,
    [property: Id(2)] long Version,
    [property: Id(3)] IReadOnlyList<GoalView> Goals,
    [property: Id(4)] IReadOnlyList<FeedEntry>? Feed = null,
    [property: Id(5)] CampaignView? Campaign = null,
    [property: Id(6)] DepartmentScorecard? Department = null,
    // The organization's currency and time zone (its settings), for showing money and times; set by the
    // gateway on the snapshots it hands out (a wall-screen link cannot read the settings themselves).
    [property: Id(7)] string? Currency = null,
    [property: Id(8)] string? TimeZone = null);

/// <summary>
/// What changed since the previous push: goals new on the board or redefined as whole views
/// (<see cref="Goals"/>), goals that only moved as deltas (<see cref="Changes"/>), and the campaign's results
/// or the department's scorecard when they changed (null: unchanged). Versions go up by exactly one per
/// push; <see cref="BaseVersion"/> is the version the update applies to (the previous push, or the
/// snapshot at that version): a viewer at any other version fetches a snapshot instead of merging.
/// </summary>
[GenerateSerializer, Immutable, Alias("align.board-update")]
public sealed record BoardUpdate(
    [property: Id(0)] string OrgId,
    [property: Id(1)] string BoardId,
    [property: Id(2)] long Version,
    [property: Id(3)] IReadOnlyList<GoalView> Goals,
    [property: Id(4)] IReadOnlyList<FeedEntry>? Feed = null,
    [property: Id(5)] CampaignView? Campaign = null,
    [property: Id(6)] DepartmentScorecard? Department = null,
    // Goals that left the board since the last update (owners or scope changed, archived): clients drop them.
    [property: Id(7)] IReadOnlyList<string>? RemovedGoals = null,
    [property: Id(8)] IReadOnlyList<GoalDelta>? Changes = null,
    // Null on an update that holds the whole board (the gateway's pull): it applies to any older version.
    [property: Id(9)] long? BaseVersion = null);

/// <summary>
/// What the live hub sends as <c>boardUpdate</c> (JSON: these names in camelCase; MessagePack: these names as
/// they are). <see cref="Goals"/> are whole views (goals new on the board, redefined, or every goal when
/// <see cref="Whole"/>), <see cref="Changes"/> hold only the fields that moved. A viewer applies an update
/// whose <see cref="BaseVersion"/> is the version it shows, ignores one at or below its version, takes a
/// whole one that is newer, and otherwise watches the board again for a fresh snapshot.
/// </summary>
public sealed record BoardUpdateMessage(
    string BoardId,
    long Version,
    long? BaseVersion,
    IReadOnlyList<GoalView> Goals,
    IReadOnlyList<GoalDelta> Changes,
    IReadOnlyList<FeedEntry> Feed,
    CampaignView? Campaign,
    DepartmentScorecard? Department,
    IReadOnlyList<string>? RemovedGoals,
    bool Whole)
{
    public static BoardUpdateMessage From(BoardUpdate update, bool whole = false) => new(
        update.BoardId, update.Version, whole ? null : update.BaseVersion, update.Goals, update.Changes ?? [], update.Feed ?? [],
        update.Campaign, update.Department, update.RemovedGoals, whole);
}

/// <summary>What a replay needs from a board: its title, its goals and its recent feed.</summary>
[GenerateSerializer, Immutable, Alias("align.board-replay-basis")]
public sealed record BoardReplayBasis(
    [property: Id(0)] string Title,
    [property: Id(1)] IReadOnlyList<string> GoalIds,
    [property: Id(2)] IReadOnlyList<FeedEntry> Feed);
