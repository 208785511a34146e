using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Align.Grains.Catalogue;
using Orleans.Align.Grains.Log;
using Orleans.Align.Grains.Views;

namespace Orleans.Align.Grains.Departments;

/// <summary>
/// A department: its definition and its scorecard. Its events reach it from the log like a goal's
/// (<see cref="LogViewGrain{TState}"/>); the goals it owns and the campaigns it is part of tell it
/// when they move. It shows the scorecard on its board, <c>department:{id}</c>.
/// </summary>
public sealed class DepartmentGrain(
    [PersistentState("department", StorageNames.Align)] IPersistentState<StoredValue<Department>> definition,
    [PersistentState("department-scorecard", StorageNames.Align)] IPersistentState<DepartmentScorecardState> scorecard,
    IEventLogStore log,
    IOptions<IngestOptions> options,
    TimeProvider clock,
    ILogger<DepartmentGrain> logger) : LogViewGrain<DepartmentScorecardState>(scorecard, log, options.Value, clock, logger), IDepartmentGrain
{
    private Department? Definition => definition.State.Value;

    protected override ViewTarget Target => ViewTarget.OfDepartment(Key.Id);

    protected override bool Defined => Definition is not null;

    protected override void Count(MetricEvent e) => S.Count(e);

    public async Task DefineAsync(Department department)
    {
        definition.State.Value = department;
        await definition.WriteStateAsync();
        await CatchUpAndSaveAsync();
    }

    public Task<Department?> GetAsync() => Task.FromResult(Definition);

    public async Task<DepartmentScorecard?> GetScorecardAsync()
    {
        if (Definition is not { } department) return null;
        await Context.RefreshIfUnknownAsync(S.Totals.Sums.Keys);
        return S.View(department, Context.Catalogue);
    }

    public async Task GoalChangedAsync(GoalView goal)
    {
        if (Definition is null) return;
        S.GoalChanged(Key.Id, goal);
        Snapshots.MarkDirty();
        await PublishAsync();
    }

    public async Task CampaignChangedAsync(CampaignView campaign)
    {
        if (Definition is null || !S.CampaignChanged(Key.Id, campaign)) return;
        Snapshots.MarkDirty();
        await PublishAsync();
    }

    protected override async Task PublishAsync()
    {
        if (await GetScorecardAsync() is not { } view) return;
        try
        {
            await GrainFactory.GetGrain<IBoardGrain>(GrainKeys.For(Key.OrgId, BoardIds.ForDepartment(Key.Id))).DepartmentChangedAsync(view);
        }
        catch (Exception ex)
        {
            // The board gets the whole scorecard with the next change.
            logger.LogWarning(ex, "Publishing the scorecard of department {DepartmentId} of {OrgId} failed", Key.Id, Key.OrgId);
        }
    }
}
