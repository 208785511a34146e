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
    [PersistentState("department-cadence", StorageNames.Align)] IPersistentState<StoredValue<CheckInCadence>> cadence,
    IEventLogStore log,
    IOptions<IngestOptions> options,
    TimeProvider clock,
    ILogger<DepartmentGrain> logger) : LogViewGrain<DepartmentScorecardState>(scorecard, log, options.Value, clock, logger), IDepartmentGrain
{
    private Department? Definition => definition.State.Value;

    protected override ViewTarget Target => ViewTarget.OfDepartment(Key.Id);

    protected override bool Defined => Definition is not null;

    protected override void Count(MetricEvent e) => S.Count(e);

    private CheckInCadence? Cadence => cadence.State.Value;

    /// <summary>With a check-in cadence, check-ins fall due with time alone: the reminder judges them.</summary>
    protected override DateTimeOffset? TimeMattersUntil => Defined && Cadence is not null ? DateTimeOffset.MaxValue : null;

    protected override Task JudgeTimeAsync() => JudgeCheckInsAsync(publishAnyway: false);

    /// <summary>Told to the snapshot but perhaps not to the feed before the previous activation ended.</summary>
    protected override Task AfterActivationAsync() => FlushAsync();

    public async Task<DepartmentScorecard> SetCheckInCadenceAsync(double? everyDays)
    {
        if (Definition is null) throw AlignException.NotFound($"Department '{Key.Id}' does not exist.");
        if (everyDays is { } days && !(days > 0 && days <= MaxCheckInEveryDays)) throw AlignException.Invalid($"A check-in cadence is more than 0 and at most {MaxCheckInEveryDays} days.");
        cadence.State.Value = everyDays is { } d ? new CheckInCadence(d, Clock.GetUtcNow()) : null;
        await cadence.WriteStateAsync();
        await EnsureTimeReminderAsync();
        await JudgeCheckInsAsync(publishAnyway: true);
        return (await GetScorecardAsync())!;
    }

    public const double MaxCheckInEveryDays = 366;

    /// <summary>Judges every owned goal's check-in and tells the feed and the board what changed.</summary>
    private async Task JudgeCheckInsAsync(bool publishAnyway)
    {
        if (Definition is not { } department) return;
        var changed = S.JudgeCheckIns(department, Cadence, Clock.GetUtcNow());
        if (changed) Snapshots.MarkDirty();
        await FlushAsync();
        if (changed || publishAnyway) await PublishAsync();
    }

    private Task FlushAsync() => TellFeedAsync(S.Outbox);

    public async Task DefineAsync(Department department)
    {
        definition.State.Value = department;
        await definition.WriteStateAsync();
        await CatchUpAndSaveAsync();
    }

    public Task<Department?> GetAsync() => Task.FromResult(Definition);

    public async Task<Department> RenameAsync(string name)
    {
        var department = (Definition ?? throw AlignException.NotFound($"Department '{Key.Id}' does not exist.")) with { Name = name };
        definition.State.Value = department;
        await definition.WriteStateAsync();
        try
        {
            await GrainFactory.GetGrain<IBoardGrain>(GrainKeys.For(Key.OrgId, BoardIds.ForDepartment(Key.Id))).TitleChangedAsync($"{name} scorecard");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The board reads its title again when it next activates.
            logger.LogWarning(ex, "Retitling the board of department {Department} of {OrgId} failed", Key.Id, Key.OrgId);
        }
        await PublishAsync();
        return department;
    }

    public async Task<DepartmentScorecard> SetArchivedAsync(bool archived)
    {
        var department = Definition ?? throw AlignException.NotFound($"Department '{Key.Id}' does not exist.");
        if (department.Archived != archived)
        {
            definition.State.Value = department with { Archived = archived };
            await definition.WriteStateAsync();
            await PublishAsync();
        }
        return (await GetScorecardAsync())!;
    }

    public async Task<DepartmentScorecard?> GetScorecardAsync()
    {
        if (Definition is not { } department) return null;
        await Context.RefreshIfUnknownAsync(S.Totals.Sums.Keys);
        return S.View(department, Context.Catalogue, Cadence, Clock.GetUtcNow()) with { Archived = department.Archived };
    }

    public async Task GoalChangedAsync(GoalView goal)
    {
        if (Definition is null) return;
        S.GoalChanged(Key.Id, goal);
        Snapshots.MarkDirty();
        // A check-in clears an overdue reminder at once; a goal that stopped running needs none.
        if (S.JudgeCheckIns(Definition, Cadence, Clock.GetUtcNow())) await FlushAsync();
        await PublishAsync();
    }

    public async Task GoalRemovedAsync(string goalId)
    {
        if (Definition is null || !S.Goals.Remove(goalId)) return;
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
            await GrainFactory.GetGrain<IBoardGrain>(GrainKeys.For(Key.OrgId, BoardIds.ForDepartment(Key.Id))).DepartmentChangedAsync(view).WaitAsync(PeerCalls.PublishWait);
        }
        catch (Exception ex)
        {
            // The board gets the whole scorecard with the next change.
            logger.LogWarning(ex, "Publishing the scorecard of department {DepartmentId} of {OrgId} failed", Key.Id, Key.OrgId);
        }
    }
}
