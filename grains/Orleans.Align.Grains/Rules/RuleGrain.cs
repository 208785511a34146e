using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Align.Grains.Catalogue;
using Orleans.Align.Grains.Log;
using Orleans.Align.Grains.Views;

namespace Orleans.Align.Grains.Rules;

/// <summary>
/// An organization's trigger rule as one more view of its log (<see cref="LogViewGrain{TState}"/>):
/// the delivery path hands it the events its metric and scope count, exactly once; it keeps their
/// sums per minute (<see cref="RuleWindows"/>) and judges its condition after every change and on its
/// time reminder (windows move with time alone). Each episode posts one alert, through the same
/// outbox and keys as a goal's alerts, to the departments it names.
/// </summary>
public sealed class RuleGrain(
    [PersistentState("rule", StorageNames.Align)] IPersistentState<StoredValue<TriggerRule>> definition,
    [PersistentState("rule-windows", StorageNames.Align)] IPersistentState<RuleWindows> windows,
    IEventLogStore log,
    IOptions<IngestOptions> options,
    TimeProvider clock,
    ILogger<RuleGrain> logger) : LogViewGrain<RuleWindows>(windows, log, options.Value, clock, logger), IRuleGrain
{
    private TriggerRule? Definition => definition.State.Value;

    protected override ViewTarget Target => Definition is { } rule ? ViewTarget.Of(rule) : new ViewTarget(ViewKind.Rule, Key.Id, _ => false);

    protected override bool Defined => Definition is not null;

    protected override void Count(MetricEvent e) => S.Count(Definition!, e);

    /// <summary>Windows move with time: a rise ends, a total falls under a value, with no event arriving.</summary>
    protected override DateTimeOffset? TimeMattersUntil => Defined ? DateTimeOffset.MaxValue : null;

    /// <summary>Told to the snapshot but perhaps not to the feed before the previous activation ended.</summary>
    protected override Task AfterActivationAsync() => FlushAsync();

    public async Task<RuleView> DefineAsync(TriggerRule rule)
    {
        if (Definition is { } existing)
        {
            if (!existing.SameAs(rule)) throw AlignException.Conflict($"Rule '{rule.Id}' already exists with a different definition.");
            return View();
        }
        definition.State.Value = rule;
        await definition.WriteStateAsync();
        // A definition counts from the start of the log, whatever an earlier life of this grain left.
        Replace(new RuleWindows());
        await CatchUpAndSaveAsync();
        await PublishAsync();
        return View();
    }

    public Task<RuleView?> GetAsync() => Task.FromResult(Definition is null ? null : View());

    public async Task RetireAsync()
    {
        if (Definition is not { } rule) return;
        // Resolve what this revision raised, and make sure the feed has it, before forgetting the
        // definition: a retired rule is never activated again to tell it.
        S.Retire(rule, Clock.GetUtcNow());
        await FlushAsync();
        if (S.Outbox.Count > 0)
            throw new AlignException(AlignErrorKind.Unavailable, $"Rule '{rule.Id}' could not resolve its open alert in the feed; nothing was changed, retry.");
        definition.State.Value = null;
        await definition.WriteStateAsync();
        Replace(new RuleWindows());
        await Snapshots.WriteAsync();
        if (await this.GetReminder(TimeReminder) is { } reminder) await this.UnregisterReminder(reminder);
        DeactivateOnIdle();
    }

    private RuleView View() => S.View(Definition!, Clock.GetUtcNow());

    /// <summary>Judges the rule at the clock's time and tells the feed what newly holds or cleared.</summary>
    protected override async Task PublishAsync()
    {
        if (S.Judge(Definition!, Clock.GetUtcNow(), Context.Settings.AlertHold())) Snapshots.MarkDirty();
        await FlushAsync();
    }

    private Task FlushAsync() => TellFeedAsync(S.Outbox);
}
