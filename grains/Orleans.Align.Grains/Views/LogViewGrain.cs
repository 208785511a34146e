using Microsoft.Extensions.Logging;
using Orleans.Align.Grains.Log;

namespace Orleans.Align.Grains.Views;

/// <summary>The state every view of the log keeps with its parts: its position, and when it last moved.</summary>
public interface IViewState
{
    long AppliedThrough { get; set; }
    DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// A campaign or department as a view of the log, on the goal's machinery: the same delivery ranges
/// and gap catch-up (<see cref="LogFollower"/>), the same snapshots (<see cref="ViewSnapshots{TState}"/>),
/// and the routing's rule for which events it counts (<see cref="ViewTarget"/>). A subclass says how
/// one event counts and whom to tell when it moves.
/// </summary>
public abstract class LogViewGrain<TState>(IPersistentState<TState> results, IEventLogStore log, IngestOptions options, TimeProvider clock, ILogger logger)
    : Grain, ILogView, IRemindable where TState : class, IViewState
{
    /// <summary>The durable reminder that lets time alone move a view; named as the goal's.</summary>
    public const string TimeReminder = Goals.GoalGrain.PaceReminder;

    protected LogFollower Follower { get; private set; } = null!;
    protected ViewSnapshots<TState> Snapshots { get; private set; } = null!;
    protected ViewContext Context { get; private set; } = null!;
    protected TimeProvider Clock => clock;
    protected (string OrgId, string Id) Key => GrainKeys.Parse(this.GetPrimaryKeyString());
    protected TState S => results.State;

    /// <summary>Starts the parts afresh (a rebuild): the position goes back to the start of the log with them.</summary>
    protected void Replace(TState fresh) => results.State = fresh;

    /// <summary>Which view this is, for routing's rule and for messages.</summary>
    protected abstract ViewTarget Target { get; }

    /// <summary>Whether the view is defined: a view routed before its definition landed skips what it is handed.</summary>
    protected abstract bool Defined { get; }

    /// <summary>One event this view counts.</summary>
    protected abstract void Count(MetricEvent e);

    /// <summary>Tells boards and other views that this one moved; failures are theirs to make up with the next change.</summary>
    protected abstract Task PublishAsync();

    /// <summary>Called before the activation catches up: a view whose parts no longer fit its definition resets them here.</summary>
    protected virtual void BeforeCatchUp()
    {
    }

    /// <summary>
    /// Until when time alone can change what this view tells (a target's pace, a rule's window, a
    /// check-in falling due); null when it cannot. While it is in the future a durable reminder wakes
    /// the view every <c>PaceReminderPeriod</c>, even deactivated and with no event arriving.
    /// </summary>
    protected virtual DateTimeOffset? TimeMattersUntil => null;

    /// <summary>What a reminder tick does: judge at the clock's time and tell who needs to know.</summary>
    protected virtual Task JudgeTimeAsync() => PublishAsync();

    /// <summary>Runs once after each activation, outside it (a grain it calls may call back).</summary>
    protected virtual Task AfterActivationAsync() => Task.CompletedTask;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // After the activation, not inside it, as the goal does: what it tells may call back into it.
        this.RegisterGrainTimer(async _ =>
        {
            await EnsureTimeReminderAsync();
            await AfterActivationAsync();
        }, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
        await ActivateAsync(cancellationToken);
    }

    private async Task ActivateAsync(CancellationToken cancellationToken)
    {
        Follower = new LogFollower(log, Key.OrgId, options.ReplayPageSize);
        Snapshots = new ViewSnapshots<TState>(this, results, SnapshotPolicy.From(options), () => S.AppliedThrough, logger, $"{Target.Kind} {Key.Id} of {Key.OrgId}");
        Context = new ViewContext(GrainFactory, Key.OrgId);
        if (!Defined) return;
        await Context.LoadAsync();
        BeforeCatchUp();
        // No snapshot, or one behind the log: read what it lacks.
        if (await Follower.CatchUpAsync(this, long.MaxValue, cancellationToken)) Snapshots.MarkAdvanced();
    }

    /// <summary>Registers the time reminder when time matters and it is not registered yet (a definition changed, an activation).</summary>
    protected async Task EnsureTimeReminderAsync()
    {
        if (!Defined || TimeMattersUntil is not { } until || until <= clock.GetUtcNow()) return;
        try
        {
            if (await this.GetReminder(TimeReminder) is not null) return;
            var period = options.PaceReminderPeriod;
            await this.RegisterOrUpdateReminder(TimeReminder, period, period);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Registered on the next activation or definition; meanwhile events still move the view.
            logger.LogWarning(ex, "Registering the time reminder of {Kind} {Id} of {OrgId} failed", Target.Kind, Key.Id, Key.OrgId);
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != TimeReminder) return;
        if (Defined) await JudgeTimeAsync();
        if (!Defined || TimeMattersUntil is not { } until || until <= clock.GetUtcNow())
        {
            // Judged for good: nothing moves this view with time any more.
            if (await this.GetReminder(TimeReminder) is { } reminder) await this.UnregisterReminder(reminder);
        }
    }

    public async Task SettingsChangedAsync(AlignmentSettings settings)
    {
        Context.Use(settings);
        if (Defined) await JudgeTimeAsync();
    }

    /// <summary>Tells the feed what waits in <paramref name="outbox"/>, saved with the snapshot first (<see cref="FeedOutbox"/>).</summary>
    protected Task TellFeedAsync(List<Goals.FeedChange> outbox) => Defined
        ? FeedOutbox.FlushAsync(outbox, GrainFactory.GetGrain<IFeedGrain>(Key.OrgId), () => Snapshots.WriteAsync(respectBackoff: true), Snapshots.MarkDirty, logger, $"{Target.Kind} {Key.Id} of {Key.OrgId}")
        : Task.CompletedTask;

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Snapshots.SaveAsync(cancellationToken);

    /// <summary>Reads the whole log past the view's position and saves the result (a definition, a rebuild).</summary>
    protected async Task CatchUpAndSaveAsync()
    {
        await Context.LoadAsync();
        await Follower.CatchUpAsync(this, long.MaxValue, CancellationToken.None);
        await Snapshots.WriteAsync();
        await EnsureTimeReminderAsync();
    }

    public async Task<long> ApplyAsync(LogRange range)
    {
        // Not defined yet: routed before its definition landed; the definition reads the log, so nothing is lost.
        if (!Defined) return 0;
        var (moved, advanced) = await Follower.ApplyRangeAsync(this, range, $"{Target.Kind} '{Key.Id}'");
        if (moved || advanced) Snapshots.MarkAdvanced();
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
        // Asked per batch, not kept from the activation: a view may be activated (routed) before it is defined.
        var counts = Target.Counts;
        foreach (var e in events)
        {
            if (e.Sequence <= S.AppliedThrough) continue;
            S.AppliedThrough = e.Sequence;
            if (!counts(e.Event)) continue;
            Count(e.Event);
            applied++;
        }
        if (applied > 0) S.UpdatedAt = clock.GetUtcNow();
        return applied;
    }
}
