using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Align.Grains.Log;
using Orleans.Align.Grains.Views;

namespace Orleans.Align.Grains.Goals;

[GenerateSerializer, Alias("align.goal-parts")]
public sealed class GoalParts
{
    /// <summary>Sums of each base metric the goal's metric needs (the additive parts of a ratio).</summary>
    [Id(0)] public Dictionary<string, double> Sums { get; set; } = new(StringComparer.Ordinal);
    [Id(1)] public double? Gauge { get; set; }
    [Id(2)] public DateTimeOffset GaugeAt { get; set; }
    [Id(3)] public long Events { get; set; }

    public void Add(MetricDefinition metric, MetricEvent e)
    {
        Events++;
        if (metric.Kind == MetricKind.Gauge)
        {
            if (e.Timestamp >= GaugeAt) (Gauge, GaugeAt) = (e.Value, e.Timestamp);
            return;
        }
        Sums[e.Metric] = Sums.GetValueOrDefault(e.Metric) + e.Amount; // a correction adds its difference
    }

    public double? Value(MetricDefinition metric) => GoalMath.Value(metric, Sums, Gauge);
}

[GenerateSerializer, Alias("align.goal-state")]
public sealed class GoalState
{
    [Id(0)] public GoalDefinition? Definition { get; set; }
    [Id(1)] public GoalParts Parts { get; set; } = new();
    /// <summary>The log sequence this view has applied through; anything at or below it is skipped.</summary>
    [Id(2)] public long AppliedThrough { get; set; }
    [Id(3)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(4)] public Dictionary<string, GoalParts> ByDepartment { get; set; } = new(StringComparer.Ordinal);
    [Id(5)] public DateTimeOffset WindowStart { get; set; }
    [Id(6)] public Dictionary<string, ChildProgress> Children { get; set; } = new(StringComparer.Ordinal);
    [Id(7)] public CheckIn? LatestCheckIn { get; set; }
    [Id(8)] public List<HistoryPoint> Minutes { get; set; } = [];
    [Id(9)] public List<HistoryPoint> Days { get; set; } = [];
    /// <summary>The status the feed was last told (kept in step with <see cref="Alerts"/>; older snapshots have only this).</summary>
    [Id(10)] public GoalStatus LastStatus { get; set; } = GoalStatus.NotStarted;
    // Ids 11 and 12 (MismatchRaised, TrendRaised) are retired: Alerts keeps the episodes now.
    /// <summary>Recent check-ins, oldest first (bounded), so a replay shows the one that stood at its moment.</summary>
    [Id(13)] public List<CheckIn> CheckIns { get; set; } = [];
    /// <summary>Whether the pace reminder is registered (it is until the period is over and judged).</summary>
    [Id(14)] public bool ReminderSet { get; set; }
    /// <summary>What the goal told its feed, what waits out its hold time, and what the feed has not confirmed yet.</summary>
    [Id(15)] public GoalAlerts Alerts { get; set; } = new();
    /// <summary>Every change of the definition, oldest first (bounded): who, when, before and after.</summary>
    [Id(16)] public List<GoalChange> Changes { get; set; } = [];
    /// <summary>When the registered pace reminder is next due (null: not known, from before reminders were timed).</summary>
    [Id(17)] public DateTimeOffset? WakeAt { get; set; }
}

[GenerateSerializer, Immutable, Alias("align.child-progress")]
public sealed record ChildProgress([property: Id(0)] double? Percent, [property: Id(1)] double Weight);

/// <summary>
/// A goal: a materialized view over the organization's log. Applies each event exactly once by
/// sequence number, computes its value from summed parts (ratios never averaged), its progress for its
/// kind, and its pace status; raises realignment alerts on the shared feed; tells its boards and its
/// parent when it moves.
/// </summary>
public sealed class GoalGrain(
    [PersistentState("goal", StorageNames.Align)] IPersistentState<GoalState> state,
    IEventLogStore log,
    IOptions<IngestOptions> options,
    TimeProvider clock,
    ILogger<GoalGrain> logger) : Grain, IGoalGrain, IRemindable, ILogView
{
    public const int MaxCheckIns = 100;
    public const int MaxChanges = 200;
    public const string PaceReminder = "pace";

    private IGrainTimer? _paceTimer;
    private LogFollower _follower = null!;
    private ViewSnapshots<GoalState> _snapshots = null!;
    private AlignmentSettings _settings = AlignmentSettings.Default;

    private (string OrgId, string GoalId) Key => GrainKeys.Parse(this.GetPrimaryKeyString());
    private GoalState S => state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _follower = new LogFollower(log, Key.OrgId, options.Value.ReplayPageSize);
        _snapshots = new ViewSnapshots<GoalState>(this, state, SnapshotPolicy.From(options.Value), () => S.AppliedThrough, logger, $"goal {Key.GoalId} of {Key.OrgId}");
        var org = GrainFactory.GetGrain<IOrganizationGrain>(Key.OrgId);
        _settings = await org.GetSettingsAsync();
        if (S.Definition is null)
        {
            // No snapshot: either the goal is being created (the organization routes it before it
            // defines it) or its snapshot was lost. The organization keeps every definition and the
            // log has every event, so both cases are the same rebuild.
            var definition = await org.GetGoalDefinitionAsync(Key.GoalId);
            if (definition is null) return;
            logger.LogInformation("Goal {GoalId} of {OrgId} has no snapshot; building it from its definition and the log", Key.GoalId, Key.OrgId);
            state.State = Fresh(definition);
            _snapshots.MarkDirty();
        }
        else if (await org.GetGoalDefinitionAsync(Key.GoalId) is { } current && current.Revision > S.Definition.Revision)
        {
            // The organization saved a change this goal never took (its call failed): take it now.
            await RedefineCoreAsync(current, publish: false);
        }
        // A snapshot from before alerts had episodes knows only the status it last told.
        if (S.Alerts.Status.Announced != S.LastStatus) S.Alerts.Status = new HeldStatus(S.LastStatus);
        if (await _follower.CatchUpAsync(this, long.MaxValue, cancellationToken)) _snapshots.MarkAdvanced();
        StartPaceTimer();
        // After the activation, not inside it: posting to the feed reaches boards, and a board that is
        // activating asks this goal for its view, which waits for this activation to finish: awaiting
        // here would deadlock the two until the call timeout (it did, after a silo died).
        this.RegisterGrainTimer(AfterActivationAsync, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
    }

    /// <summary>A definition taken while activating: its old boards, departments and parent are told after the activation.</summary>
    private GoalDefinition? _leftBehind;

    private async Task AfterActivationAsync(CancellationToken cancellationToken)
    {
        if (_leftBehind is { } before && S.Definition is { } after)
        {
            _leftBehind = null;
            await LeaveAsync(before, after.Archived ? null : after);
            if (!after.Archived) await PublishAsync(Evaluate());
        }
        try
        {
            await EnsureReminderAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Registered on the next activation or definition; meanwhile the pace timer judges time while active.
            logger.LogWarning(ex, "Registering the pace reminder of goal {GoalId} of {OrgId} failed", Key.GoalId, Key.OrgId);
        }
        // Told to the snapshot but perhaps not to the feed before the previous activation ended.
        await FlushFeedAsync();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Asleep, only the reminder judges time: set it for the next change. Not while the silo shuts
        // down (its reminder service stops too): the reminder then ticks every period until the goal
        // next sleeps.
        if (S.Definition is not null && reason.ReasonCode != DeactivationReasonCode.ShuttingDown) await TryEnsureReminderAsync(asleep: true);
        await _snapshots.SaveAsync(cancellationToken);
    }

    public async Task<GoalView> DefineAsync(GoalDefinition definition)
    {
        if (S.Definition is { } existing)
        {
            if (!existing.SameAs(definition)) throw AlignException.Conflict($"Goal '{definition.Id}' already exists with a different definition.");
            // A retried creation, or a definition recovered on activation: make sure boards and parent know it.
            await PublishAsync(Evaluate());
            return View();
        }

        state.State = Fresh(definition);
        await _follower.CatchUpAsync(this, long.MaxValue, CancellationToken.None);
        await _snapshots.WriteAsync();
        StartPaceTimer();
        await EnsureReminderAsync();
        await PublishAsync(Evaluate());
        return View();
    }

    private GoalState Fresh(GoalDefinition definition) => new()
    {
        Definition = definition,
        UpdatedAt = clock.GetUtcNow(),
        WindowStart = GoalMath.WindowStart(definition.Reset, definition.Start, clock.GetUtcNow()),
    };

    public async Task<GoalView> RedefineAsync(GoalDefinition definition)
    {
        if (S.Definition is null) throw AlignException.NotFound($"Goal '{Key.GoalId}' does not exist.");
        await RedefineCoreAsync(definition, publish: true);
        return View();
    }

    /// <summary>
    /// Takes a newer definition (an older or equal revision is already taken: a retry changes nothing).
    /// A changed counting rule recomputes the goal from the log, keeping its history, check-ins,
    /// children and alerts; anything else only re-judges. Boards, departments and a parent that no
    /// longer show the goal are told to drop it.
    /// </summary>
    private async Task RedefineCoreAsync(GoalDefinition definition, bool publish)
    {
        var before = S.Definition!;
        if (definition.Revision <= before.Revision) return;
        var recompute = definition.CountingRevision != before.CountingRevision;
        var change = new GoalChange(definition.Revision, definition.ChangedAt ?? clock.GetUtcNow(),
            definition.ChangedBy ?? new AuditActor("system", "organization", "the organization's saved definition"),
            [.. before.ChangedFields(definition)], recompute, before, definition);
        if (recompute)
        {
            await RecountFromLogAsync(definition);
        }
        else
        {
            S.Definition = definition;
            S.UpdatedAt = clock.GetUtcNow();
        }
        if (!definition.Archived && before.Archived)
        {
            // Not routed while archived: what arrived meanwhile is read from the log now.
            await _follower.CatchUpAsync(this, long.MaxValue, CancellationToken.None);
        }
        S.Changes.Add(change);
        if (S.Changes.Count > MaxChanges) S.Changes.RemoveRange(0, S.Changes.Count - MaxChanges);
        await _snapshots.WriteAsync();
        if (!publish)
        {
            _leftBehind = before;
            return;
        }
        StartPaceTimer();
        try
        {
            await EnsureReminderAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Registering the pace reminder of goal {GoalId} of {OrgId} failed", Key.GoalId, Key.OrgId);
        }
        await LeaveAsync(before, definition.Archived ? null : definition);
        if (definition.Archived) await FlushFeedAsync();
        else await PublishAsync(Evaluate());
    }

    /// <summary>Tells the boards, departments and parent that showed <paramref name="before"/> but do not show <paramref name="after"/> (null: none) to drop the goal.</summary>
    private async Task LeaveAsync(GoalDefinition before, GoalDefinition? after)
    {
        var orgId = Key.OrgId;
        try
        {
            var calls = BoardIds.For(before).Except(after is null ? [] : BoardIds.For(after))
                .Select(b => GrainFactory.GetGrain<IBoardGrain>(GrainKeys.For(orgId, b)).GoalRemovedAsync(before.Id)).ToList();
            calls.AddRange(before.Owners.Except(after?.Owners ?? [])
                .Select(o => GrainFactory.GetGrain<IDepartmentGrain>(GrainKeys.For(orgId, o)).GoalRemovedAsync(before.Id)));
            if (before.ParentId is { } parent && parent != after?.ParentId)
                calls.Add(GrainFactory.GetGrain<IGoalGrain>(GrainKeys.For(orgId, parent)).ChildRemovedAsync(before.Id));
            await Task.WhenAll(calls);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Telling the boards of {OrgId} that goal {GoalId} left them failed", orgId, before.Id);
        }
    }

    public Task<IReadOnlyList<GoalChange>?> GetChangesAsync() =>
        Task.FromResult<IReadOnlyList<GoalChange>?>(S.Definition is null ? null : [.. S.Changes]);

    public async Task ChildRemovedAsync(string childId)
    {
        if (S.Definition is null || !S.Children.Remove(childId)) return;
        S.UpdatedAt = clock.GetUtcNow();
        MarkDirty();
        await PublishAsync(Evaluate());
    }

    public Task<GoalView?> GetAsync() => Task.FromResult(S.Definition is null ? null : View());

    public async Task<long> ApplyAsync(LogRange range)
    {
        // Not defined yet: the route was registered before the definition landed. DefineAsync reads
        // the log after these events were written, so skipping them here loses nothing.
        if (S.Definition is null) return 0;
        if (range.Revision != S.Definition.CountingRevision)
        {
            // Routed by another counting rule than this goal's. An older one: a handover still in
            // flight from before a change, which the recompute already covered. A newer one: the
            // organization changed the definition and this goal has not taken it yet; it takes it
            // now (reading the log, which holds the range), or when the change reaches it.
            if (range.Revision > S.Definition.CountingRevision
                && await GrainFactory.GetGrain<IOrganizationGrain>(Key.OrgId).GetGoalDefinitionAsync(Key.GoalId) is { } current
                && current.Revision > S.Definition.Revision)
                await RedefineCoreAsync(current, publish: true);
            return S.AppliedThrough;
        }
        var (moved, advanced) = await _follower.ApplyRangeAsync(this, range, $"Goal '{Key.GoalId}'");
        _worked |= moved;
        if (moved || advanced) _snapshots.MarkAdvanced();
        if (moved) await PublishAsync(Evaluate());
        return S.AppliedThrough;
    }

    long ILogView.AppliedThrough
    {
        get => S.AppliedThrough;
        set => S.AppliedThrough = value;
    }

    int ILogView.Apply(IEnumerable<LoggedEvent> events) => Apply(events);

    private int Apply(IEnumerable<LoggedEvent> events)
    {
        var d = S.Definition!;
        var metric = MetricOf(d);
        var applied = 0;
        foreach (var e in events)
        {
            if (e.Sequence <= S.AppliedThrough) continue;
            S.AppliedThrough = e.Sequence;
            if (!d.Counts(e.Event)) continue;
            if (d.Reset != ResetCadence.None)
            {
                var window = GoalMath.WindowStart(d.Reset, d.Start, e.Event.Timestamp);
                if (window < S.WindowStart) continue; // late event of a window already closed
                if (window > S.WindowStart)
                {
                    S.WindowStart = window;
                    S.Parts = new GoalParts();
                    S.ByDepartment.Clear();
                }
            }
            GoalViews.Count(S.Parts, S.ByDepartment, metric, e.Event);
            applied++;
        }
        if (applied > 0) S.UpdatedAt = clock.GetUtcNow();
        return applied;
    }

    public async Task<GoalView> CheckInAsync(CheckIn checkIn)
    {
        var d = S.Definition ?? throw AlignException.NotFound($"Goal '{Key.GoalId}' does not exist.");
        if (d.Archived) throw AlignException.Conflict($"Goal '{Key.GoalId}' is archived: restore it before checking in.");
        S.LatestCheckIn = checkIn;
        S.CheckIns.Add(checkIn);
        if (S.CheckIns.Count > MaxCheckIns) S.CheckIns.RemoveRange(0, S.CheckIns.Count - MaxCheckIns);
        S.Alerts.CheckedIn(d.Id, checkIn.At);
        _worked = true;
        MarkDirty();
        // Who, how confident and about which goal travel as fields; the text is the department's own words.
        await FeedAsync(new FeedEntry(0, FeedKind.CheckIn, checkIn.At, checkIn.Note, checkIn.Department, GoalId: d.Id, Confidence: checkIn.Confidence));
        await PublishAsync(Evaluate());
        return View();
    }

    public async Task ChildChangedAsync(string childId, double? percent, double weight)
    {
        if (S.Definition is null) return;
        S.Children[childId] = new ChildProgress(percent, weight);
        S.UpdatedAt = clock.GetUtcNow();
        _worked = true;
        MarkDirty();
        await PublishAsync(Evaluate());
    }

    public async Task SettingsChangedAsync(AlignmentSettings settings)
    {
        _settings = settings;
        if (S.Definition is not null) await PublishAsync(Evaluate());
    }

    public Task<IReadOnlyList<HistoryPoint>> GetHistoryAsync(bool daily) =>
        Task.FromResult(GoalHistory.Marked(daily ? S.Days : S.Minutes, S.Changes, daily));

    /// <summary>
    /// Counts again from the log under <paramref name="definition"/>: the counts start fresh, what is
    /// not counted (children, check-ins, history, status, alerts, the reminder, the changes) is kept.
    /// </summary>
    private async Task RecountFromLogAsync(GoalDefinition definition)
    {
        var keep = S;
        state.State = Fresh(definition);
        S.Children = keep.Children;
        S.LatestCheckIn = keep.LatestCheckIn;
        S.CheckIns = keep.CheckIns;
        S.Minutes = keep.Minutes;
        S.Days = keep.Days;
        S.LastStatus = keep.LastStatus;
        S.Alerts = keep.Alerts;
        S.ReminderSet = keep.ReminderSet;
        S.WakeAt = keep.WakeAt;
        S.Changes = keep.Changes;
        await _follower.CatchUpAsync(this, long.MaxValue, CancellationToken.None);
    }

    public async Task<GoalView> RebuildAsync()
    {
        var definition = S.Definition ?? throw AlignException.NotFound($"Goal '{Key.GoalId}' does not exist.");
        await RecountFromLogAsync(definition);
        await _snapshots.WriteAsync();
        await PublishAsync(Evaluate());
        return View();
    }

    // Provenance and replay are answered by the timeline grain, off this goal's turn (these calls are
    // interleaved): a long read of the log never holds back the deliveries this goal applies.
    public Task<ProvenancePage> GetProvenanceAsync(long? before, int limit, CancellationToken cancellationToken = default) =>
        GrainFactory.GetGrain<ITimelineGrain>(Key.OrgId).GetGoalEventsAsync(Key.GoalId, before, limit, cancellationToken);

    public Task<GoalView?> ViewAtAsync(DateTimeOffset at, CancellationToken cancellationToken = default) =>
        GrainFactory.GetGrain<ITimelineGrain>(Key.OrgId).ViewGoalAtAsync(Key.GoalId, at, cancellationToken);

    public Task WhenIdleAsync() => Task.CompletedTask;

    public Task<RuleView?> GetTrendAsync()
    {
        if (S.Definition is not { RollUp: RollUp.OwnMetric } d) return Task.FromResult<RuleView?>(null);
        var rule = GoalTrendRule.For(d, MetricOf(d), _settings);
        var (current, previous, holds) = GoalMath.Trend(rule, S.Minutes, clock.GetUtcNow());
        return Task.FromResult<RuleView?>(new RuleView(rule, current, previous, Rules.WindowChange.Percent(current, previous), holds,
            S.Alerts.Trend.Open, S.Alerts.Trend.Since, S.AppliedThrough));
    }

    public Task<GoalReadBasis?> GetReadBasisAsync() =>
        Task.FromResult(S.Definition is not { } d ? null : new GoalReadBasis(d, S.AppliedThrough, S.WindowStart, S.UpdatedAt, [.. S.CheckIns]));

    private static MetricDefinition MetricOf(GoalDefinition d) => GoalViews.MetricOf(d);

    private GoalView View() => GoalViews.Build(S.Definition!, MetricOf(S.Definition!), S.Parts, S.ByDepartment, clock.GetUtcNow(),
        S.Children.Values, S.UpdatedAt, S.AppliedThrough, S.LatestCheckIn, _settings) with { Archived = S.Definition!.Archived };

    /// <summary>
    /// Computes the view, records history and judges the realignment triggers (a turn to at risk or
    /// off track, a falling trend, confidence that disagrees with pace); what newly holds for the
    /// organization's hold time, or newly cleared, waits in the outbox for <see cref="FlushFeedAsync"/>.
    /// </summary>
    private GoalView Evaluate()
    {
        var view = View();
        // An archived goal records no history and raises nothing until it is restored.
        if (S.Definition!.Archived) return view;
        var d = S.Definition!;
        var now = clock.GetUtcNow();
        GoalHistory.Record(S.Minutes, S.Days, now, view.Progress, view.Percent);
        var metric = MetricOf(d);
        var trendFalls = d.RollUp == RollUp.OwnMetric && GoalMath.Trend(GoalTrendRule.For(d, metric, _settings), S.Minutes, now).Holds;
        if (S.Alerts.Judge(d, view, metric, trendFalls, now, _settings))
        {
            S.LastStatus = S.Alerts.Status.Announced;
            MarkDirty();
        }
        return view;
    }

    private void StartPaceTimer()
    {
        // Status moves with time even when no event arrives: re-judge the pace while the goal is active.
        if (_paceTimer is not null || S.Definition is null) return;
        _paceTimer = this.RegisterGrainTimer(async _ =>
        {
            await JudgeTimeAsync();
            // The reminder was set for the next change as it stood then; events may have brought it
            // closer. Kept in step here, a silo that dies without deactivating the goal costs at most
            // the backstop's delay (EnsureReminderAsync).
            await TryEnsureReminderAsync();
        }, new GrainTimerCreationOptions(options.Value.PaceCheckInterval, options.Value.PaceCheckInterval));
    }

    /// <summary>What time alone changes: the reset window rolls, the pace status moves, alerts are raised.</summary>
    private async Task<GoalView> JudgeTimeAsync()
    {
        if (S.Definition!.Archived) return View();
        var before = _lastPublishedStatus;
        var rolled = RollWindow(clock.GetUtcNow());
        var view = Evaluate();
        if (rolled || view.Status != before || S.Alerts.Outbox.Count > 0) await PublishAsync(view);
        return view;
    }

    /// <summary>A reset goal starts its next window at the boundary, not when the next event happens to arrive.</summary>
    private bool RollWindow(DateTimeOffset now)
    {
        var d = S.Definition!;
        if (d.Reset == ResetCadence.None) return false;
        var window = GoalMath.WindowStart(d.Reset, d.Start, now);
        if (window <= S.WindowStart) return false;
        S.WindowStart = window;
        S.Parts = new GoalParts();
        S.ByDepartment.Clear();
        S.UpdatedAt = now;
        MarkDirty();
        return true;
    }

    /// <summary>
    /// A durable reminder wakes this goal even when it is deactivated and no event arrives: it turns at
    /// risk or off track on time, rolls its window, raises what has held for the hold time, and is marked
    /// achieved or missed when its period ends. It is set for the next moment time alone can change what
    /// the goal tells (<see cref="GoalWake"/>), not every minute: 10,000 goals woken each minute were 166
    /// activations a second doing nothing, and a reminder's tick is a call that keeps a goal in memory.
    /// While the goal works (events, check-ins, children moving), its pace timer judges time, and the
    /// reminder is only the backstop for a silo that dies without deactivating it: due no later than
    /// <see cref="ActiveBackstop"/> after the next change, or past due and ticking every period (the old
    /// behaviour, for as long as the goal works): a busy goal does not write the reminder table at all.
    /// Asleep (deactivating, or woken by the reminder alone) it is set for the next change exactly.
    /// Registration waits at most <see cref="ReminderWait"/>, so deliveries never queue behind it.
    /// </summary>
    private async Task EnsureReminderAsync(bool asleep = false)
    {
        if (S.Definition is not { } d) return;
        var now = clock.GetUtcNow();
        var working = !asleep && _worked;
        // Working: a reminder that is due (or past due, so ticking every period) within the backstop is
        // enough, whatever the next change is; the pace timer asks every interval, so this answers
        // before the next change is worked out.
        if (working && !d.Archived && S.WakeAt is { } soon && soon <= now + ActiveBackstop) return;
        var next = NextWake(now);
        if (next is null)
        {
            if (S.ReminderSet && d.Archived) await StopReminderAsync();
            return;
        }
        if (!working)
        {
            if (S.WakeAt is { } due && due > now && due <= next.Value) return;
            await RegisterReminderAsync(next.Value, now);
            return;
        }
        // No table write while the goal takes events, unless the reminder must come sooner.
        var want = Later(next.Value, now + ActiveBackstop);
        if (S.WakeAt is { } registered && registered <= want) return;
        await RegisterReminderAsync(want, now);
    }

    /// <summary>How long a goal waits for the reminder service to register its reminder.</summary>
    private static readonly TimeSpan ReminderWait = TimeSpan.FromSeconds(5);

    /// <summary>How late, at most, the reminder of a working goal may come after a silo died under it: five reminder periods.</summary>
    private TimeSpan ActiveBackstop => options.Value.PaceReminderPeriod * 5;

    /// <summary>Whether this activation did work beyond judging time (events, check-ins, children): then its pace timer judges time.</summary>
    private bool _worked;

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a >= b ? a : b;

    private async Task RegisterReminderAsync(DateTimeOffset at, DateTimeOffset now)
    {
        // Bounded: while silos join or leave, the reminder service can take long to answer, and this
        // goal's deliveries would wait behind it. Not registered in time, it is tried again at the
        // next judgement, and the reminder it had stays.
        await this.RegisterOrUpdateReminder(PaceReminder, at - now, options.Value.PaceReminderPeriod).WaitAsync(ReminderWait);
        (S.ReminderSet, S.WakeAt) = (true, at);
        MarkDirty();
    }

    /// <summary><see cref="EnsureReminderAsync"/>, logging what failed (the pace timer or the next sleep tries again).</summary>
    private async Task TryEnsureReminderAsync(bool asleep = false)
    {
        try
        {
            await EnsureReminderAsync(asleep);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Registering the pace reminder of goal {GoalId} of {OrgId} failed", Key.GoalId, Key.OrgId);
        }
    }

    private DateTimeOffset? NextWake(DateTimeOffset now)
    {
        var d = S.Definition!;
        var metric = MetricOf(d);
        // The view's own status rule, with what the goal has counted now fixed and only the time moving.
        var view = View();
        GoalStatus StatusAt(DateTimeOffset t) => GoalMath.Status(d.Kind, view.Target, view.Progress, view.Percent, d.Start, d.End, t, _settings);
        (TimeSpan, Func<DateTimeOffset, bool>)? trend = null;
        if (d.RollUp == RollUp.OwnMetric)
        {
            var rule = GoalTrendRule.For(d, metric, _settings);
            trend = (rule.Window(), t => GoalMath.Trend(rule, S.Minutes, t).Holds);
        }
        return GoalWake.Next(d, StatusAt, S.Alerts, S.Minutes, trend, _settings.AlertHold(), now);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != PaceReminder) return;
        if (S.Definition is not { } d)
        {
            await StopReminderAsync();
            return;
        }
        S.ReminderSet = true;
        var view = await JudgeTimeAsync();
        if (clock.GetUtcNow() >= d.End && view.Status is GoalStatus.Achieved or GoalStatus.Missed or GoalStatus.NoData)
        {
            await StopReminderAsync();
            // Judged for good: let the goal go until someone looks at it again.
            DeactivateOnIdle();
            return;
        }
        await EnsureReminderAsync();
    }

    private async Task StopReminderAsync()
    {
        if (await this.GetReminder(PaceReminder) is { } reminder) await this.UnregisterReminder(reminder);
        if (S.Definition is not null)
        {
            (S.ReminderSet, S.WakeAt) = (false, null);
            MarkDirty();
        }
    }

    /// <summary>Snapshots are written at most once per interval, not per event (<see cref="ViewSnapshots{TState}"/>).</summary>
    private void MarkDirty() => _snapshots.MarkDirty();

    private async Task FeedAsync(FeedEntry entry)
    {
        try
        {
            await GrainFactory.GetGrain<IFeedGrain>(Key.OrgId).PostAsync(entry with { Campaigns = entry.Campaigns ?? S.Definition!.Scope.Campaigns });
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Posting to the feed of {OrgId} failed", Key.OrgId);
        }
    }

    /// <summary>
    /// Tells the feed what waits in the outbox. The outbox is in the snapshot first: a goal that dies
    /// after telling the feed tells it again on its next activation, under the same keys, and the feed
    /// keeps one entry per key; a goal that dies before has told nothing and judges again.
    /// </summary>
    private Task FlushFeedAsync() => S.Definition is null
        ? Task.CompletedTask
        : FeedOutbox.FlushAsync(S.Alerts.Outbox, GrainFactory.GetGrain<IFeedGrain>(Key.OrgId), () => _snapshots.WriteAsync(respectBackoff: true), MarkDirty, logger, $"goal {Key.GoalId} of {Key.OrgId}");

    private GoalStatus _lastPublishedStatus = GoalStatus.NotStarted;

    private async Task PublishAsync(GoalView view)
    {
        var orgId = Key.OrgId;
        var d = S.Definition!;
        // An archived goal is on no board, scorecard or roll-up; what it still applies waits for a restore.
        if (d.Archived)
        {
            await FlushFeedAsync();
            return;
        }
        _lastPublishedStatus = view.Status;
        try
        {
            var calls = BoardIds.For(d).Select(b => GrainFactory.GetGrain<IBoardGrain>(GrainKeys.For(orgId, b)).GoalChangedAsync(view)).ToList();
            // Each owning department keeps the goal's status on its scorecard.
            calls.AddRange(d.Owners.Select(o => GrainFactory.GetGrain<IDepartmentGrain>(GrainKeys.For(orgId, o)).GoalChangedAsync(view)));
            if (d.ParentId is { } parent)
                calls.Add(GrainFactory.GetGrain<IGoalGrain>(GrainKeys.For(orgId, parent)).ChildChangedAsync(d.Id, view.Percent, d.Weight));
            await Task.WhenAll(calls).WaitAsync(Views.PeerCalls.PublishWait);
        }
        catch (TimeoutException)
        {
            // A busy peer, not a fault: one line, no stack (thousands of goals time out together when storage is slow).
            logger.LogWarning("Publishing goal {GoalId} of {OrgId} timed out after {Wait}; the next change carries the full value", view.Id, orgId, Views.PeerCalls.PublishWait);
        }
        catch (Exception ex)
        {
            // A board or parent that missed this change gets the full value with the next one; the goal's own state is safe.
            logger.LogWarning(ex, "Publishing goal {GoalId} of {OrgId} failed", view.Id, orgId);
        }
        await FlushFeedAsync();
    }
}
