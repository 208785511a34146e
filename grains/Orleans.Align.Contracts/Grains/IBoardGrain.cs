using Orleans.Concurrency;

namespace Orleans.Align.Grains;

/// <summary>Receives coalesced board pushes. Each gateway registers one and renews it before it expires.</summary>
[Alias("align.IBoardObserver")]
public interface IBoardObserver : IGrainObserver
{
    /// <summary>
    /// One-way: a board never waits for a gateway. A push routed through a silo that just died or
    /// stopped is answered only at the 30 s response timeout, and a board that awaited it held the
    /// turn that long: the other gateways' pushes waited behind it, and so did the board's
    /// deactivation (Orleans deactivates a board whose directory entry lived on a silo that left),
    /// with every call to the board queued in the dying activation. A lost push is made good by the
    /// gateway's renewal, which pulls the board's state when it is ahead of what was forwarded.
    /// </summary>
    [OneWay]
    [Alias("OnBoardUpdate")]
    Task OnBoardUpdateAsync(BoardUpdate update);
}

/// <summary>A live view (overview, a campaign's war room, a department's scorecard). Key: <c>{org}/{boardId}</c>.</summary>
[Alias("align.IBoardGrain")]
public interface IBoardGrain : IGrainWithStringKey
{
    /// <summary>A goal on this board changed; the board merges changes and pushes at most every 100 ms.</summary>
    [Alias("GoalChanged")]
    Task GoalChangedAsync(GoalView goal);

    /// <summary>The board's campaign or department was renamed: its title follows (snapshots; live pushes carry the scorecard's name).</summary>
    [Alias("TitleChanged")]
    Task TitleChangedAsync(string title);

    /// <summary>A goal left this board (its owners, scope or archiving changed); pushed as removed with the next update.</summary>
    [Alias("GoalRemoved")]
    Task GoalRemovedAsync(string goalId);

    /// <summary>The campaign of this war room moved; pushed with the next update.</summary>
    [Alias("CampaignChanged")]
    Task CampaignChangedAsync(CampaignView campaign);

    /// <summary>The department of this scorecard board moved; pushed with the next update.</summary>
    [Alias("DepartmentChanged")]
    Task DepartmentChangedAsync(DepartmentScorecard department);

    /// <summary>A feed entry for this board, new or changed (an alert acknowledged or resolved); pushed with the next update.</summary>
    [Alias("FeedPosted")]
    Task FeedPostedAsync(FeedEntry entry);

    /// <summary>The board as it stood at <paramref name="at"/>, computed by <see cref="ITimelineGrain"/> (version 0: not live).</summary>
    [Alias("Replay")]
    Task<BoardSnapshot> ReplayAsync(DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>The board's title, goals and recent feed, for a replay. Throws NotFound when the board does not exist.</summary>
    [Alias("GetReplayBasis")]
    Task<BoardReplayBasis> GetReplayBasisAsync();

    /// <summary>Throws NotFound when the board does not exist in this organization.</summary>
    [Alias("GetSnapshot")]
    Task<BoardSnapshot> GetSnapshotAsync();

    /// <summary>Subscribes or renews; returns the board's version now. Subscriptions expire unless renewed.</summary>
    [Alias("Subscribe")]
    Task<long> SubscribeAsync(IBoardObserver observer);

    [Alias("Unsubscribe")]
    Task UnsubscribeAsync(IBoardObserver observer);
}
