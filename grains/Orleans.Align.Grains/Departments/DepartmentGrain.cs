using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Align.Grains.Catalogue;
using Orleans.Align.Grains.Log;
using Orleans.Align.Grains.Views;

namespace Orleans.Align.Grains.Departments;

/// <summary>
/// A department: its definition and its scorecard. Its events reach it from the log like a goal's,
/// exactly once by sequence number (<see cref="LogFollower"/>); the goals it owns and the campaigns
/// it is part of tell it when they move. It shows the scorecard on its board, <c>department:{id}</c>.
/// </summary>
public sealed class DepartmentGrain(
    [PersistentState("department", StorageNames.Align)] IPersistentState<StoredValue<Department>> definition,
    [PersistentState("department-scorecard", StorageNames.Align)] IPersistentState<DepartmentScorecardState> scorecard,
    IEventLogStore log,
    IOptions<IngestOptions> options,
    TimeProvider clock,
    ILogger<DepartmentGrain> logger) : Grain, IDepartmentGrain, ILogView
{
    private LogFollower _follower = null!;
    private ViewSnapshots<DepartmentScorecardState> _snapshots = null!;
    private ViewContext _context = null!;
    private Func<MetricEvent, bool> _counts = null!;

    private (string OrgId, string DepartmentId) Key => GrainKeys.Parse(this.GetPrimaryKeyString());
    private DepartmentScorecardState S => scorecard.State;
    private Department? Definition => definition.State.Value;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var (orgId, departmentId) = Key;
        _follower = new LogFollower(log, orgId, options.Value.ReplayPageSize);
        _snapshots = new ViewSnapshots<DepartmentScorecardState>(this, scorecard, options.Value.ViewSnapshotInterval, logger, $"department {departmentId} of {orgId}");
        _context = new ViewContext(GrainFactory, orgId);
        _counts = ViewTarget.OfDepartment(departmentId).Counts;
        if (Definition is null) return;
        await _context.LoadAsync();
        // No snapshot, or one behind the log: read what it lacks (a department with no snapshot reads it all).
        if (await _follower.CatchUpAsync(this, long.MaxValue, cancellationToken)) _snapshots.MarkDirty();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        await _snapshots.SaveAsync(cancellationToken);

    public async Task DefineAsync(Department department)
    {
        definition.State.Value = department;
        await definition.WriteStateAsync();
        await _context.LoadAsync();
        await _follower.CatchUpAsync(this, long.MaxValue, CancellationToken.None);
        await _snapshots.WriteAsync();
    }

    public Task<Department?> GetAsync() => Task.FromResult(Definition);

    public async Task<DepartmentScorecard?> GetScorecardAsync()
    {
        if (Definition is not { } department) return null;
        await _context.RefreshIfUnknownAsync(S.Totals.Sums.Keys);
        return S.View(department, _context.Catalogue);
    }

    public async Task<long> ApplyAsync(LogRange range)
    {
        if (Definition is null) return 0;
        var (moved, advanced) = await _follower.ApplyRangeAsync(this, range, $"Department '{Key.DepartmentId}'");
        if (moved || advanced) _snapshots.MarkDirty();
        if (moved) await PublishAsync();
        return S.AppliedThrough;
    }

    long ILogView.AppliedThrough
    {
        get => S.AppliedThrough;
        set => S.AppliedThrough = value;
    }

    int ILogView.Apply(IEnumerable<LoggedEvent> events)
    {
        var applied = 0;
        foreach (var e in events)
        {
            if (e.Sequence <= S.AppliedThrough) continue;
            S.AppliedThrough = e.Sequence;
            if (!_counts(e.Event)) continue;
            S.Count(e.Event);
            applied++;
        }
        if (applied > 0) S.UpdatedAt = clock.GetUtcNow();
        return applied;
    }

    public async Task GoalChangedAsync(GoalView goal)
    {
        if (Definition is null) return;
        S.GoalChanged(Key.DepartmentId, goal);
        _snapshots.MarkDirty();
        await PublishAsync();
    }

    public async Task CampaignChangedAsync(CampaignView campaign)
    {
        if (Definition is null || !S.CampaignChanged(Key.DepartmentId, campaign)) return;
        _snapshots.MarkDirty();
        await PublishAsync();
    }

    private async Task PublishAsync()
    {
        if (await GetScorecardAsync() is not { } view) return;
        try
        {
            await GrainFactory.GetGrain<IBoardGrain>(GrainKeys.For(Key.OrgId, BoardIds.ForDepartment(Key.DepartmentId))).DepartmentChangedAsync(view);
        }
        catch (Exception ex)
        {
            // The board gets the whole scorecard with the next change.
            logger.LogWarning(ex, "Publishing the scorecard of department {DepartmentId} of {OrgId} failed", Key.DepartmentId, Key.OrgId);
        }
    }
}
