using Orleans.Align.Grains.Goals;
using Orleans.Concurrency;

namespace Orleans.Align.Grains.Timeline;

/// <summary>
/// Provenance and replay, off the hot path: a stateless worker per organization (on any silo, the
/// silo the caller reached), reading through this silo's <see cref="LogIndex"/>. One activation per
/// silo, reentrant because it holds nothing: Orleans routes a caller's cancellation to *an*
/// activation of a stateless worker, not to the one running the request (dotnet/orleans#9877), so
/// with more than one a cancelled request could go on reading; one reentrant activation serves
/// concurrent reads just as well, as they spend their time waiting for storage. It asks goals and boards only for their interleaved read-only basis, so a
/// long read never holds a goal's turn, and it reads the log without the append lock, so ingest
/// never waits for it. The caller's cancellation token reaches every storage read.
/// </summary>
[StatelessWorker(1), Reentrant]
public sealed class TimelineGrain(LogIndexes indexes) : Grain, ITimelineGrain
{
    private string OrgId => this.GetPrimaryKeyString();

    public async Task<ProvenancePage> GetGoalEventsAsync(string goalId, long? before, int limit, CancellationToken cancellationToken = default)
    {
        var askedAt = StartWarming();
        var basis = await BasisAsync(goalId) ?? throw AlignException.NotFound($"Goal '{goalId}' does not exist.");
        var timeline = await TimelineAsync(basis.AppliedThrough, askedAt, cancellationToken);
        return await timeline.ProvenanceAsync(basis, before, limit, cancellationToken);
    }

    public async Task<GoalView?> ViewGoalAtAsync(string goalId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var askedAt = StartWarming();
        if (await BasisAsync(goalId) is not { } basis) return null;
        var settings = await GrainFactory.GetGrain<IOrganizationGrain>(OrgId).GetSettingsAsync();
        var timeline = await TimelineAsync(basis.AppliedThrough, askedAt, cancellationToken);
        return timeline.ViewAt(basis, at, settings, cancellationToken);
    }

    public async Task<BoardSnapshot> ReplayBoardAsync(string boardId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var askedAt = StartWarming();
        var board = await GrainFactory.GetGrain<IBoardGrain>(GrainKeys.For(OrgId, boardId)).GetReplayBasisAsync();
        var settings = await GrainFactory.GetGrain<IOrganizationGrain>(OrgId).GetSettingsAsync();
        var bases = (await Task.WhenAll(board.GoalIds.Select(BasisAsync))).OfType<GoalReadBasis>().ToList();
        // One catch-up of the index for the whole board, then every goal from the same snapshot.
        var timeline = await TimelineAsync(bases.Count == 0 ? 0 : bases.Max(b => b.AppliedThrough), askedAt, cancellationToken);
        var views = bases.Select(b => timeline.ViewAt(b, at, settings, cancellationToken)).ToList();
        // Roll-ups are recomputed from their replayed children, as they are live.
        for (var i = 0; i < views.Count; i++)
        {
            if (views[i].RollUp != RollUp.Children) continue;
            var percent = GoalMath.RollUp(views.Where(c => c.ParentId == views[i].Id).Select(c => (c.Percent, c.Weight)));
            var status = GoalMath.Status(GoalKind.IncreaseTo, 100, percent, percent, views[i].Start, views[i].End, at, settings);
            views[i] = views[i] with { Progress = percent, Percent = percent, Status = status };
        }
        var sorted = views.OrderBy(g => g.Title, StringComparer.OrdinalIgnoreCase).ThenBy(g => g.Id, StringComparer.Ordinal).ToList();
        return new BoardSnapshot(boardId, $"{board.Title} at {at:yyyy-MM-dd HH:mm} UTC", 0, sorted, [.. board.Feed.Where(e => e.At <= at).Reverse()]);
    }

    /// <summary>
    /// Starts warming the organization's index before the goals and boards are asked for their basis
    /// (a silo that just started activates them too), so both go on at once; returns when the query
    /// began, from which its wait for the index is counted.
    /// </summary>
    private long StartWarming()
    {
        var askedAt = Environment.TickCount64;
        _ = indexes.For(OrgId).StartWarming();
        return askedAt;
    }

    private Task<GoalReadBasis?> BasisAsync(string goalId) => GrainFactory.GetGrain<IGoalGrain>(GrainKeys.For(OrgId, goalId)).GetReadBasisAsync();

    /// <summary>The index through what the goals read have applied: a goal's answer never holds events past its <c>AppliedThrough</c>.</summary>
    private async Task<GoalTimeline> TimelineAsync(long through, long askedAt, CancellationToken cancellationToken)
    {
        var snapshot = await indexes.For(OrgId).CatchUpAsync(cancellationToken, through, askedAt);
        return new GoalTimeline(OrgId, snapshot, indexes.Reader, indexes.Options);
    }
}
