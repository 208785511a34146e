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
    : Grain, ILogView where TState : class, IViewState
{
    private Func<MetricEvent, bool> _counts = null!;

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

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _counts = Target.Counts;
        Follower = new LogFollower(log, Key.OrgId, options.ReplayPageSize);
        Snapshots = new ViewSnapshots<TState>(this, results, options.ViewSnapshotInterval, logger, $"{Target.Kind} {Key.Id} of {Key.OrgId}");
        Context = new ViewContext(GrainFactory, Key.OrgId);
        if (!Defined) return;
        await Context.LoadAsync();
        BeforeCatchUp();
        // No snapshot, or one behind the log: read what it lacks.
        if (await Follower.CatchUpAsync(this, long.MaxValue, cancellationToken)) Snapshots.MarkDirty();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Snapshots.SaveAsync(cancellationToken);

    /// <summary>Reads the whole log past the view's position and saves the result (a definition, a rebuild).</summary>
    protected async Task CatchUpAndSaveAsync()
    {
        await Context.LoadAsync();
        await Follower.CatchUpAsync(this, long.MaxValue, CancellationToken.None);
        await Snapshots.WriteAsync();
    }

    public async Task<long> ApplyAsync(LogRange range)
    {
        // Not defined yet: routed before its definition landed; the definition reads the log, so nothing is lost.
        if (!Defined) return 0;
        var (moved, advanced) = await Follower.ApplyRangeAsync(this, range, $"{Target.Kind} '{Key.Id}'");
        if (moved || advanced) Snapshots.MarkDirty();
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
            Count(e.Event);
            applied++;
        }
        if (applied > 0) S.UpdatedAt = clock.GetUtcNow();
        return applied;
    }
}
