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
/// The goals that changed since the previous push, and the campaign's results or the department's
/// scorecard when they changed (null: unchanged). Versions go up by exactly one per push.
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
    [property: Id(7)] IReadOnlyList<string>? RemovedGoals = null);

/// <summary>What a replay needs from a board: its title, its goals and its recent feed.</summary>
[GenerateSerializer, Immutable, Alias("align.board-replay-basis")]
public sealed record BoardReplayBasis(
    [property: Id(0)] string Title,
    [property: Id(1)] IReadOnlyList<string> GoalIds,
    [property: Id(2)] IReadOnlyList<FeedEntry> Feed);
