using Orleans.Concurrency;

namespace Orleans.Align.Grains;

/// <summary>
/// An organization's trigger rule as a view of its log: the rule's metric over its scope, judged over
/// a moving window; each episode of its condition posts one alert to the departments it names.
/// Key: <c>{org}/{rule}</c>, then <c>{org}/{rule}.{revision}</c> for each change (<see cref="TriggerRule.ViewId"/>).
/// </summary>
[Alias("align.IRuleGrain")]
public interface IRuleGrain : ILogViewGrain
{
    /// <summary>Defines the rule (once: a different definition under its id is a conflict) and reads the log for it.</summary>
    [Alias("Define")]
    Task<RuleView> DefineAsync(TriggerRule rule);

    /// <summary>The organization's status settings changed (hold time, tolerances): judged again with them at once, not at the next activation.</summary>
    [Alias("SettingsChanged")]
    Task SettingsChangedAsync(AlignmentSettings settings);

    /// <summary>Null when the rule is not defined. Interleaved: read-only.</summary>
    [Alias("Get"), AlwaysInterleave]
    Task<RuleView?> GetAsync();

    /// <summary>
    /// The rule was changed or deleted: resolves its open alert in the feed, then forgets the
    /// definition and its windows. Unavailable (and nothing forgotten) when the feed cannot be told.
    /// </summary>
    [Alias("Retire")]
    Task RetireAsync();
}
