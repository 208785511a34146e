namespace Orleans.Align.Grains.Log;

/// <summary>
/// A view the ingest log delivers to: a goal, a campaign or a department, and the one rule for
/// which events it counts (the log routes by it; the view applies by the same rule).
/// </summary>
public sealed record ViewTarget(ViewKind Kind, string Id, Func<MetricEvent, bool> Counts, int Revision = 0)
{
    /// <summary>
    /// The cursor's key: ids are unique per kind, not across kinds. A goal whose counting rule changed
    /// (<see cref="GoalDefinition.CountingRevision"/>) gets a new key, so a new cursor routed by the new
    /// rule; the old one, routed by the old rule, is dropped with the routing that no longer names it.
    /// </summary>
    public string Key => Revision == 0 ? $"{Kind}/{Id}" : $"{Kind}/{Id}#{Revision}";

    public static ViewTarget Of(GoalDefinition goal) => new(ViewKind.Goal, goal.Id, goal.Counts, goal.CountingRevision);

    public static ViewTarget OfCampaign(string id) => new(ViewKind.Campaign, id, e => e.Campaign == id);

    public static ViewTarget OfDepartment(string id) => new(ViewKind.Department, id, e => e.Department == id);

    /// <summary>A rule's revision: each one is a view of its own (<see cref="TriggerRule.ViewId"/>), so a changed definition never inherits a cursor that routed by the old one.</summary>
    public static ViewTarget Of(TriggerRule rule) => new(ViewKind.Rule, rule.ViewId, rule.Counts);

    /// <summary>Every view the routing names.</summary>
    public static IEnumerable<ViewTarget> All(OrganizationRouting routing) =>
        routing.Goals.Where(g => !g.Archived).Select(Of).Concat(routing.Campaigns.Select(OfCampaign)).Concat(routing.Departments.Select(OfDepartment))
            .Concat((routing.Rules ?? []).Select(Of));
}

/// <summary>
/// The ingest log's side of one view (goal, campaign or department): the events that wait for it and
/// the range they cover. Pure bookkeeping, no I/O, so its rules are tested without a cluster.
/// <para>
/// Invariant: every event the view counts in <c>(From, Through]</c> is in the queue, in order. A
/// delivery therefore hands the goal a prefix of the queue as the range <c>(From, last handed]</c>.
/// When the queue would grow past its bound, it is dropped and <see cref="From"/> jumps to
/// <see cref="Through"/>: the next range starts past what the goal has applied, and the goal reads
/// the gap from the log itself. Memory stays bounded; nothing is skipped.
/// </para>
/// </summary>
public sealed class ViewCursor(ViewTarget target, long position, int maxPending)
{
    private readonly List<LoggedEvent> _events = [];
    private int _generation;

    public ViewTarget Target { get; } = target;

    /// <summary>Everything the goal counts at or below this is applied by it or, after a gap, left for it to read from the log.</summary>
    public long From { get; private set; } = position;

    /// <summary>The log position this cursor has looked at.</summary>
    public long Through { get; private set; } = position;

    /// <summary>
    /// Set when the goal may be behind the cursor without the queue saying so: a new ingest
    /// activation (what the last one had not delivered died with it) or a goal newly routed.
    /// An empty range <c>(From, From]</c> then makes the goal catch up from the log.
    /// </summary>
    public bool NeedsSync { get; private set; } = true;

    public int Pending => _events.Count;

    /// <summary>
    /// How far the view is known to have applied the log, for the lag metrics: just before its oldest
    /// waiting event; with nothing waiting, as far as the cursor has looked (a view that counts none of
    /// the new events is not behind them); while a sync is due, <see cref="From"/>.
    /// </summary>
    public long AppliedThrough => _events.Count > 0 ? _events[0].Sequence - 1 : NeedsSync ? From : Through;
    public int ConsecutiveFailures { get; private set; }
    public long Overflows { get; private set; }
    public bool HasWork => _events.Count > 0 || NeedsSync;

    /// <summary>Set by the delivery loop while it runs for this goal.</summary>
    public Task? Loop { get; set; }

    /// <summary>The log grew through <paramref name="through"/>; <paramref name="batch"/> holds its new events.</summary>
    public void Offer(IReadOnlyList<LoggedEvent> batch, long through)
    {
        foreach (var e in batch)
        {
            if (e.Sequence > Through && Target.Counts(e.Event)) _events.Add(e);
        }
        Through = Math.Max(Through, through);
        if (_events.Count > maxPending) Drop();
    }

    private void Drop()
    {
        _events.Clear();
        From = Through;
        NeedsSync = true;
        _generation++;
        Overflows++;
    }

    /// <summary>The next delivery: a prefix of the queue, at most <paramref name="maxEvents"/> long.</summary>
    public Handover Take(int maxEvents)
    {
        var count = Math.Min(maxEvents, _events.Count);
        var events = _events.GetRange(0, count);
        // All of the queue: the range reaches as far as the cursor has looked. Part of it: it ends at
        // the last event handed, and the rest follows in the next range.
        var through = count == _events.Count ? Through : events[^1].Sequence;
        return new Handover(new LogRange(From, through, events, Target.Revision), _generation);
    }

    /// <summary>The goal applied the handover.</summary>
    public void Confirm(Handover handover)
    {
        ConsecutiveFailures = 0;
        if (handover.Generation != _generation) return; // dropped meanwhile: From moved past it, a sync is due
        _events.RemoveRange(0, handover.Range.Events.Count);
        From = Math.Max(From, handover.Range.Through);
        NeedsSync = false; // the range started at From, so the goal has caught up with everything before it
    }

    public void Failed() => ConsecutiveFailures++;

    public GoalDelivery Status() => new(Target.Id, From, _events.Count, ConsecutiveFailures, Overflows, Target.Kind);

    public readonly record struct Handover(LogRange Range, int Generation);
}
