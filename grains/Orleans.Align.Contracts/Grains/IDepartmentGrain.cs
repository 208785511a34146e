using Orleans.Concurrency;

namespace Orleans.Align.Grains;

/// <summary>
/// A department: its definition and its scorecard (live totals from the log, the goals it owns, the
/// activities it is in charge of). Key: <c>{org}/{department}</c>.
/// </summary>
[Alias("align.IDepartmentGrain")]
public interface IDepartmentGrain : ILogViewGrain
{
    [Alias("Define")]
    Task DefineAsync(Department department);

    /// <summary>A new name for a defined department: saved, its board retitled, its scorecard republished.</summary>
    [Alias("Rename")]
    Task<Department> RenameAsync(string name);

    /// <summary>
    /// Archives or restores the department: only the flag changes (it keeps counting events, its goals
    /// and cadence stay); its board is told. NotFound when it is not defined.
    /// </summary>
    [Alias("SetArchived")]
    Task<DepartmentScorecard> SetArchivedAsync(bool archived);

    [Alias("Get"), AlwaysInterleave]
    Task<Department?> GetAsync();

    /// <summary>The organization's status settings changed (hold time, tolerances): judged again with them at once, not at the next activation.</summary>
    [Alias("SettingsChanged")]
    Task SettingsChangedAsync(AlignmentSettings settings);

    /// <summary>Null when the department is not defined. Interleaved: its board asks while activating inside this department's publish.</summary>
    [Alias("GetScorecard"), AlwaysInterleave]
    Task<DepartmentScorecard?> GetScorecardAsync();

    /// <summary>
    /// Sets how often this department checks in on the goals it owns (null: no cadence); an overdue
    /// check-in raises a reminder on the feed, driven by a durable reminder. NotFound for an unknown
    /// department, Invalid outside (0, 366] days.
    /// </summary>
    [Alias("SetCheckInCadence")]
    Task<DepartmentScorecard> SetCheckInCadenceAsync(double? everyDays);

    /// <summary>A goal this department owns moved (status, progress, check-in).</summary>
    [Alias("GoalChanged")]
    Task GoalChangedAsync(GoalView goal);

    /// <summary>A goal this department no longer owns (the owners changed, or it was archived): its card leaves the scorecard.</summary>
    [Alias("GoalRemoved")]
    Task GoalRemovedAsync(string goalId);

    /// <summary>A campaign this department is part of moved: its activities there are on the scorecard.</summary>
    [Alias("CampaignChanged")]
    Task CampaignChangedAsync(CampaignView campaign);
}
