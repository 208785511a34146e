using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Align.Grains.Log;

namespace Orleans.Align.Grains.Goals;

[GenerateSerializer, Alias("align.goal-state")]
public sealed class GoalState
{
    [Id(0)] public GoalDefinition? Definition { get; set; }
    [Id(1)] public double Progress { get; set; }
    /// <summary>The log sequence this view has applied through; anything at or below it is skipped.</summary>
    [Id(2)] public long AppliedThrough { get; set; }
    [Id(3)] public long EventCount { get; set; }
    [Id(4)] public DateTimeOffset UpdatedAt { get; set; }
}


/// <summary>
/// A goal's progress, materialized from the organization's log. Applies each event exactly once by
/// sequence number, catches up from the log when it activates, and tells its boards when it moves.
/// </summary>
public sealed class GoalGrain(
    [PersistentState("goal", StorageNames.Align)] IPersistentState<GoalState> state,
    IEventLogStore log,
    IOptions<IngestOptions> options,
    TimeProvider clock,
    ILogger<GoalGrain> logger) : Grain, IGoalGrain
{
    private (string OrgId, string GoalId) Key => GrainKeys.Parse(this.GetPrimaryKeyString());

    private IGrainTimer? _snapshotTimer;
    private bool _dirty;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Definition is null)
        {
            // No snapshot: either the goal was never defined, or its snapshot was lost. The
            // organization keeps every goal's definition, and the log has every event, so a lost
            // snapshot is rebuilt here from the log alone.
            var definition = await GrainFactory.GetGrain<IOrganizationGrain>(Key.OrgId).GetGoalDefinitionAsync(Key.GoalId);
            if (definition is null) return;
            // Also the normal path of a goal being created: the organization routes it before defining it.
            logger.LogInformation("Goal {GoalId} of {OrgId} has no snapshot; building it from its definition and the log", Key.GoalId, Key.OrgId);
            state.State = new GoalState { Definition = definition, UpdatedAt = clock.GetUtcNow() };
            _dirty = true;
        }
        if (await CatchUpAsync(cancellationToken) || _dirty) MarkDirty();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_dirty) await SaveSnapshotAsync(cancellationToken);
    }

    /// <summary>
    /// Snapshots are written at most once per interval, not per event: the log has every event, so
    /// a crash only costs replaying the events after the last snapshot's AppliedThrough.
    /// </summary>
    private void MarkDirty()
    {
        _dirty = true;
        _snapshotTimer ??= this.RegisterGrainTimer(SaveSnapshotAsync, new GrainTimerCreationOptions(options.Value.ViewSnapshotInterval, options.Value.ViewSnapshotInterval));
    }

    private async Task SaveSnapshotAsync(CancellationToken cancellationToken)
    {
        if (!_dirty) return;
        try
        {
            await state.WriteStateAsync(cancellationToken);
            _dirty = false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Saving the snapshot of goal {GoalId} of {OrgId} failed; retrying next interval", Key.GoalId, Key.OrgId);
        }
    }

    public async Task<GoalView> RebuildAsync()
    {
        var definition = state.State.Definition ?? throw AlignException.NotFound($"Goal '{Key.GoalId}' does not exist.");
        state.State = new GoalState { Definition = definition, UpdatedAt = clock.GetUtcNow() };
        await CatchUpAsync(CancellationToken.None);
        await state.WriteStateAsync();
        _dirty = false;
        await PublishAsync();
        return View();
    }

    public async Task<GoalView> DefineAsync(GoalDefinition definition)
    {
        if (state.State.Definition is { } existing)
        {
            if (existing == definition || SameDefinition(existing, definition))
            {
                // A retried creation, or a definition recovered on activation: make sure the boards know it.
                await PublishAsync();
                return View();
            }
            throw AlignException.Conflict($"Goal '{definition.Id}' already exists with a different definition.");
        }

        state.State = new GoalState { Definition = definition, UpdatedAt = clock.GetUtcNow() };
        await CatchUpAsync(CancellationToken.None);
        await state.WriteStateAsync();
        await PublishAsync();
        return View();
    }

    private static bool SameDefinition(GoalDefinition a, GoalDefinition b) =>
        a with { Owners = [] } == b with { Owners = [] } && a.Owners.SequenceEqual(b.Owners);

    public Task<GoalView?> GetAsync() => Task.FromResult(state.State.Definition is null ? null : View());

    public async Task ApplyAsync(IReadOnlyList<LoggedEvent> events)
    {
        // Not defined yet: the route was registered before the definition landed. DefineAsync reads
        // the log after these events were written, so skipping them here loses nothing.
        if (state.State.Definition is null) return;
        if (Apply(events) == 0) return;
        MarkDirty();
        await PublishAsync();
    }

    private int Apply(IEnumerable<LoggedEvent> events)
    {
        var s = state.State;
        var applied = 0;
        foreach (var e in events)
        {
            if (e.Sequence <= s.AppliedThrough) continue;
            if (s.Definition!.Counts(e.Event))
            {
                s.Progress += e.Event.Value;
                s.EventCount++;
                applied++;
            }
            s.AppliedThrough = e.Sequence;
        }
        if (applied > 0) s.UpdatedAt = clock.GetUtcNow();
        return applied;
    }

    /// <summary>Reads the log past the applied sequence. Returns whether anything was read.</summary>
    private async Task<bool> CatchUpAsync(CancellationToken cancellationToken)
    {
        var moved = false;
        while (true)
        {
            var page = await log.ReadAsync(Key.OrgId, state.State.AppliedThrough + 1, options.Value.ReplayPageSize, cancellationToken);
            if (page.Count == 0) return moved;
            Apply(page);
            moved = true;
        }
    }

    private GoalView View()
    {
        var s = state.State;
        var d = s.Definition!;
        return new GoalView(d.Id, d.Title, d.Metric, s.Progress, d.Target, d.Owners, d.Scope, d.Start, d.End, s.UpdatedAt, s.AppliedThrough, s.EventCount);
    }

    private async Task PublishAsync()
    {
        var view = View();
        var orgId = Key.OrgId;
        try
        {
            await Task.WhenAll(BoardIds.For(state.State.Definition!)
                .Select(b => GrainFactory.GetGrain<IBoardGrain>(GrainKeys.For(orgId, b)).GoalChangedAsync(view)));
        }
        catch (Exception ex)
        {
            // A board that missed this change gets the full value with the next one; the goal's own state is already saved.
            logger.LogWarning(ex, "Publishing goal {GoalId} of {OrgId} to its boards failed", view.Id, orgId);
        }
    }
}
