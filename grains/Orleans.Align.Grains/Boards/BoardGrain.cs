using Microsoft.Extensions.Logging;
using Orleans.Align.Grains.Log;
using Orleans.Utilities;

namespace Orleans.Align.Grains.Boards;

[GenerateSerializer, Alias("align.board-state")]
public sealed class BoardState
{
    [Id(0)] public HashSet<string> GoalIds { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// A live view. Goals report every change; the board merges them and pushes to the gateways watching
/// it: the first change after a quiet <see cref="IngestOptions.BoardPushInterval"/> at once, later ones at most once per
/// interval (<see cref="PushPacer"/>). A push carries whole views only for goals new on the board or
/// redefined, and for the others only what moved (<see cref="GoalDelta"/>). Versions start from the
/// activation's wall-clock milliseconds and go up by one per push, so they only ever grow, even across
/// reactivations; each push names the version it applies to, and a client at another version fetches
/// a fresh snapshot instead of merging.
/// </summary>
[Reentrant]
public sealed class BoardGrain(
    [PersistentState("board", StorageNames.Align)] IPersistentState<BoardState> state,
    TimeProvider clock,
    Microsoft.Extensions.Options.IOptions<IngestOptions> options,
    ILogger<BoardGrain> logger) : Grain, IBoardGrain
{
    public static readonly TimeSpan SubscriptionLifetime = TimeSpan.FromMinutes(3);

    // The goals as of the last push (what a viewer that merged every push shows: the base of deltas),
    // and the newer views waiting for the next push.
    private readonly Dictionary<string, GoalView> _goals = new(StringComparer.Ordinal);
    private readonly Dictionary<string, GoalView> _changed = new(StringComparer.Ordinal);
    // Goals that were waiting when a snapshot was taken: the snapshot showed their newer views, so a delta
    // against the pushed ones could skip a field that moved and moved back in between; they go whole next.
    private readonly HashSet<string> _wholeNext = new(StringComparer.Ordinal);
    private readonly HashSet<string> _removed = new(StringComparer.Ordinal);
    private readonly List<FeedEntry> _feed = [];
    private readonly List<FeedEntry> _newFeed = [];
    public const int FeedOnBoard = 30;
    private ObserverManager<IBoardObserver> _observers = null!;
    private IGrainTimer? _flushTimer;
    private readonly PushPacer _pacer = new(options.Value.BoardPushInterval);
    private long _version;
    private string _orgId = "";
    private string _boardId = "";
    private string? _title;
    // A war room shows its campaign's results, a department board its scorecard; pushed whole when they change.
    private CampaignView? _campaign;
    private DepartmentScorecard? _department;
    private bool _campaignChanged;
    private bool _departmentChanged;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_orgId, _boardId) = GrainKeys.Parse(this.GetPrimaryKeyString());
        _observers = new ObserverManager<IBoardObserver>(SubscriptionLifetime, logger);
        _version = clock.GetUtcNow().ToUnixTimeMilliseconds();
        try
        {
            _title = await ResolveTitleAsync().WaitAsync(TitleWait, cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or SiloUnavailableException or OrleansMessageRejectionException)
        {
            // The campaign, department or organization is slow to answer: typically its silo is
            // shutting down, and its grain is finishing a turn that is telling this board about a
            // change, which waits for this activation. Waiting here would hold both until the 30 s
            // call timeout (a rolling restart's viewers got no push for 15 s and more); failing the
            // activation frees the other grain at once, and the next call activates the board again.
            logger.LogWarning(ex, "Board {Board} of {Org} could not learn its title in time; its activation fails and the next call tries again", _boardId, _orgId);
            throw new AlignException(AlignErrorKind.Unavailable, $"Board '{_boardId}' could not learn its title in time; retry.");
        }

        // A goal that is slow to answer (its silo just died, it is catching up) must not hold the
        // whole board: it is left out for now and joins with its next change.
        var views = await Task.WhenAll(state.State.GoalIds.Select(id => ViewOrNullAsync(GrainFactory.GetGrain<IGoalGrain>(GrainKeys.For(_orgId, id)))));
        foreach (var view in views)
        {
            if (view is not null) _goals[view.Id] = view;
        }
        await LoadScorecardAsync(cancellationToken);
        // The entries this board shows are the ones BoardIds.For(entry) puts on it: all on the overview,
        // a campaign's on its war room, a department's (from it or addressed to it) on its board.
        FeedQuery? shown = BoardIds.TryParse(_boardId, out var campaignId) ? new FeedQuery(Campaign: campaignId, Limit: FeedOnBoard)
            : BoardIds.TryParseDepartment(_boardId, out var departmentId) ? new FeedQuery(Department: departmentId, Limit: FeedOnBoard)
            : null;
        if (_title is not null && shown is not null)
        {
            try
            {
                var recent = await GrainFactory.GetGrain<IFeedGrain>(_orgId).ListAsync(shown).WaitAsync(ActivationWait, cancellationToken);
                _feed.AddRange(recent.Reverse());
            }
            catch (Exception ex) when (ex is TimeoutException or SiloUnavailableException or OrleansMessageRejectionException)
            {
                logger.LogWarning(ex, "Board {Board} of {Org} starts without its recent feed", _boardId, _orgId);
            }
        }
    }

    private static readonly TimeSpan ActivationWait = TimeSpan.FromSeconds(2);

    // Longer than for a goal or the feed: without its title the board cannot activate at all.
    private static readonly TimeSpan TitleWait = TimeSpan.FromSeconds(5);

    /// <summary>The campaign's results for a war room, the department's scorecard for its board; left for the next change if slow.</summary>
    private async Task LoadScorecardAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (BoardIds.TryParse(_boardId, out var campaignId) && campaignId is not null)
                _campaign = await GrainFactory.GetGrain<ICampaignGrain>(GrainKeys.For(_orgId, campaignId)).GetViewAsync().WaitAsync(ActivationWait, cancellationToken);
            else if (BoardIds.TryParseDepartment(_boardId, out var departmentId))
                _department = await GrainFactory.GetGrain<IDepartmentGrain>(GrainKeys.For(_orgId, departmentId!)).GetScorecardAsync().WaitAsync(ActivationWait, cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or SiloUnavailableException or OrleansMessageRejectionException)
        {
            logger.LogWarning(ex, "Board {Board} of {Org} starts without its campaign or department for now", _boardId, _orgId);
        }
    }

    // Goals and campaigns also move a scorecard without moving its position, so only an older position is ignored.
    public Task CampaignChangedAsync(CampaignView campaign)
    {
        if (_campaign?.AppliedThrough > campaign.AppliedThrough) return Task.CompletedTask;
        (_campaign, _campaignChanged) = (campaign, true);
        return PushSoonAsync();
    }

    public Task DepartmentChangedAsync(DepartmentScorecard department)
    {
        if (_department?.AppliedThrough > department.AppliedThrough) return Task.CompletedTask;
        (_department, _departmentChanged) = (department, true);
        return PushSoonAsync();
    }

    private async Task<GoalView?> ViewOrNullAsync(IGoalGrain goal)
    {
        try
        {
            return await goal.GetAsync().WaitAsync(ActivationWait);
        }
        catch (Exception ex) when (ex is TimeoutException or SiloUnavailableException or OrleansMessageRejectionException)
        {
            logger.LogWarning(ex, "Board {Board} of {Org} starts without goal {Goal} for now", _boardId, _orgId, goal.GetPrimaryKeyString());
            return null;
        }
    }

    public Task FeedPostedAsync(FeedEntry entry)
    {
        // An entry seen before comes back when an alert is acknowledged or resolved: show the change.
        var shown = _feed.FindIndex(e => e.Id == entry.Id);
        if (shown >= 0)
        {
            if (_feed[shown] == entry) return Task.CompletedTask;
            _feed[shown] = entry;
            _newFeed.RemoveAll(e => e.Id == entry.Id);
            _newFeed.Add(entry);
            return PushSoonAsync();
        }
        _feed.Add(entry);
        if (_feed.Count > FeedOnBoard) _feed.RemoveRange(0, _feed.Count - FeedOnBoard);
        _newFeed.Add(entry);
        return PushSoonAsync();
    }

    /// <summary>Answered by the timeline grain, which reads the log off every live grain's turn.</summary>
    public Task<BoardSnapshot> ReplayAsync(DateTimeOffset at, CancellationToken cancellationToken = default) =>
        GrainFactory.GetGrain<ITimelineGrain>(_orgId).ReplayBoardAsync(_boardId, at, cancellationToken);

    public async Task<BoardReplayBasis> GetReplayBasisAsync()
    {
        var title = await RequireTitleAsync();
        // Every goal the board has ever shown, also one that was slow to answer when the board activated.
        var goals = state.State.GoalIds.Union(_goals.Keys).Order(StringComparer.Ordinal).ToList();
        return new BoardReplayBasis(title, goals, [.. _feed]);
    }

    private static List<GoalView> Sorted(IEnumerable<GoalView> goals) =>
        goals.OrderBy(g => g.Title, StringComparer.OrdinalIgnoreCase).ThenBy(g => g.Id, StringComparer.Ordinal).ToList();

    /// <summary>The board exists when its organization (and campaign or department) does; the title says which.</summary>
    private async Task<string?> ResolveTitleAsync()
    {
        if (BoardIds.TryParseDepartment(_boardId, out var departmentId))
        {
            var department = await GrainFactory.GetGrain<IDepartmentGrain>(GrainKeys.For(_orgId, departmentId!)).GetAsync();
            return department is null ? null : $"{department.Name} scorecard";
        }
        if (!BoardIds.TryParse(_boardId, out var campaignId)) return null;
        if (campaignId is null)
        {
            var org = await GrainFactory.GetGrain<IOrganizationGrain>(_orgId).GetAsync();
            return org is null ? null : $"{org.Name} overview";
        }
        var campaign = await GrainFactory.GetGrain<ICampaignGrain>(GrainKeys.For(_orgId, campaignId)).GetAsync();
        return campaign is null ? null : $"{campaign.Name} war room";
    }

    public async Task GoalChangedAsync(GoalView goal)
    {
        if ((_changed.TryGetValue(goal.Id, out var known) || _goals.TryGetValue(goal.Id, out known)) && known.AppliedThrough > goal.AppliedThrough)
        {
            return; // An older view, overtaken by a newer one.
        }
        _changed[goal.Id] = goal;
        _removed.Remove(goal.Id);
        if (state.State.GoalIds.Add(goal.Id))
        {
            _title ??= await ResolveTitleAsync();
            await state.WriteStateAsync();
        }
        await PushSoonAsync();
    }

    public Task TitleChangedAsync(string title)
    {
        _title = title;
        return Task.CompletedTask;
    }

    public async Task GoalRemovedAsync(string goalId)
    {
        _changed.Remove(goalId);
        _removed.Add(goalId);
        if (state.State.GoalIds.Remove(goalId)) await state.WriteStateAsync();
        await PushSoonAsync();
    }

    /// <summary>
    /// Leading edge: after a quiet interval, the change goes out now, within the call that brought it.
    /// Trailing edge: otherwise one timer, at the interval's end, pushes it with everything that came meanwhile.
    /// </summary>
    private Task PushSoonAsync()
    {
        NoteOrigin();
        if (_flushTimer is not null) return Task.CompletedTask;
        var wait = _pacer.WaitAt(clock.GetUtcNow());
        if (wait == TimeSpan.Zero) return PushAsync();
        _flushTimer = this.RegisterGrainTimer(FlushAsync, new GrainTimerCreationOptions(wait, Timeout.InfiniteTimeSpan)
        {
            Interleave = true,
        });
        return Task.CompletedTask;
    }

    private Task FlushAsync(CancellationToken cancellationToken)
    {
        _flushTimer?.Dispose();
        _flushTimer = null;
        return PushAsync();
    }

    private async Task PushAsync()
    {
        if (_changed.Count == 0 && _newFeed.Count == 0 && _removed.Count == 0 && !_campaignChanged && !_departmentChanged) return;

        // Goals new on the board (or redefined) go whole, the others as what moved since the last push.
        List<GoalView> whole = [];
        List<GoalDelta> moved = [];
        foreach (var now in _changed.Values)
        {
            if (!_wholeNext.Contains(now.Id) && _goals.TryGetValue(now.Id, out var shown) && GoalDelta.Between(shown, now) is { } delta)
            {
                if (!delta.SaysNothing()) moved.Add(delta);
            }
            else whole.Add(now);
            _goals[now.Id] = now;
        }
        foreach (var id in _removed) _goals.Remove(id);
        var nothing = whole.Count == 0 && moved.Count == 0 && _newFeed.Count == 0 && _removed.Count == 0 && !_campaignChanged && !_departmentChanged;
        var update = nothing ? null : new BoardUpdate(_orgId, _boardId, _version + 1, whole, [.. Enumerable.Reverse(_newFeed)],
            _campaignChanged ? _campaign : null, _departmentChanged ? _department : null, _removed.Count == 0 ? null : [.. _removed],
            moved, BaseVersion: _version);
        _changed.Clear();
        _wholeNext.Clear();
        _removed.Clear();
        _newFeed.Clear();
        (_campaignChanged, _departmentChanged) = (false, false);
        var origin = TakeOrigin();
        if (update is null) return; // Views sent again unchanged: nothing to push.
        _version = update.Version;
        _pacer.Pushed(clock.GetUtcNow());
        if (_observers.Count == 0) return;

        AlignMetrics.BoardPushes.Add(1);
        using var span = StartPush(origin, update.Version);
        // One-way sends (IBoardObserver): this turn never waits for a gateway, so neither do the
        // other gateways' pushes nor a deactivation of this board; a lost push is pulled by the renewal.
        await _observers.Notify(o => o.OnBoardUpdateAsync(update));
    }

    // Tracing and freshness (issue 13): where the changes of the next push came from.
    private LiveOrigin? _origin;

    /// <summary>The ingests (and the oldest acknowledgement) behind the change this call brings, kept for the next push.</summary>
    private void NoteOrigin()
    {
        if (LiveOrigin.Current() is { } origin) (_origin ??= new LiveOrigin()).Merge(origin);
    }

    private LiveOrigin? TakeOrigin()
    {
        var origin = _origin;
        _origin = null;
        return origin;
    }

    /// <summary>
    /// The push's span, linked to what it coalesced; and how long after the acknowledgement of its oldest
    /// event it goes out, recorded inside the span (an exemplar leads from a slow value to this trace).
    /// </summary>
    private System.Diagnostics.Activity? StartPush(LiveOrigin? origin, long version)
    {
        var span = AlignTracing.StartBoardPush(origin, _orgId, _boardId, version);
        if (origin?.OldestAck is { } acknowledged)
            AlignMetrics.Freshness.Record(Math.Max(0, (clock.GetUtcNow() - acknowledged).TotalMilliseconds));
        return span;
    }

    public async Task<BoardSnapshot> GetSnapshotAsync()
    {
        var title = await RequireTitleAsync();
        // The goals as they are now, also those still waiting for the next push (which carries them whole).
        var goals = new Dictionary<string, GoalView>(_goals, StringComparer.Ordinal);
        foreach (var (id, view) in _changed) goals[id] = view;
        foreach (var id in _removed) goals.Remove(id);
        _wholeNext.UnionWith(_changed.Keys);
        return new BoardSnapshot(_boardId, title, _version, Sorted(goals.Values), [.. Enumerable.Reverse(_feed)], _campaign, _department);
    }

    public async Task<long> SubscribeAsync(IBoardObserver observer)
    {
        await RequireTitleAsync();
        _observers.Subscribe(observer, observer);
        return _version;
    }

    /// <summary>A campaign created after someone asked for its war room makes the board exist from then on.</summary>
    private async Task<string> RequireTitleAsync() =>
        _title ??= await ResolveTitleAsync() ?? throw AlignException.NotFound($"Board '{_boardId}' does not exist in this organization.");

    public Task UnsubscribeAsync(IBoardObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }
}
