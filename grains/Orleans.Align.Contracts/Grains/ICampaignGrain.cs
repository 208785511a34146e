using Orleans.Concurrency;

namespace Orleans.Align.Grains;

/// <summary>
/// An integrated campaign: its definition and activities, and live totals from the log for the
/// campaign, per department and per activity. Key: <c>{org}/{campaign}</c>.
/// </summary>
[Alias("align.ICampaignGrain")]
public interface ICampaignGrain : ILogViewGrain
{
    [Alias("Define")]
    Task DefineAsync(Campaign campaign);

    /// <summary>
    /// A new definition for a defined campaign (its name, departments and launch window; the activities
    /// and the archived flag are kept): saved, its war room retitled, its results recomputed from the log
    /// (a target without its own period follows the launch window). NotFound when it is not defined.
    /// </summary>
    [Alias("Change")]
    Task<CampaignView> ChangeAsync(string name, IReadOnlyList<string> departments, DateTimeOffset? launchStart, DateTimeOffset? launchEnd);

    /// <summary>
    /// Archives or restores the campaign: only the flag changes (its results are not recomputed and
    /// it keeps counting events); its war room and departments are told. NotFound when it is not defined.
    /// </summary>
    [Alias("SetArchived")]
    Task<CampaignView> SetArchivedAsync(bool archived);

    /// <summary>Interleaved: its war room asks for it while activating inside this campaign's publish.</summary>
    [Alias("Get"), AlwaysInterleave]
    Task<Campaign?> GetAsync();

    /// <summary>Adds or replaces an activity (by id) and recomputes the totals from the log.</summary>
    [Alias("SetActivity")]
    Task<CampaignView> SetActivityAsync(CampaignActivity activity);

    /// <summary>The organization's status settings changed (hold time, tolerances): judged again with them at once, not at the next activation.</summary>
    [Alias("SettingsChanged")]
    Task SettingsChangedAsync(AlignmentSettings settings);

    /// <summary>The campaign's live results; null when it is not defined. Interleaved, like <see cref="GetAsync"/>.</summary>
    [Alias("GetView"), AlwaysInterleave]
    Task<CampaignView?> GetViewAsync();
}
