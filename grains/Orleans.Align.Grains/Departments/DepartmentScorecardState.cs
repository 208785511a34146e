using Orleans.Align.Grains.Goals;
using Orleans.Align.Grains.Views;

namespace Orleans.Align.Grains.Departments;

/// <summary>
/// A department's scorecard as parts: live totals of its events (all, per campaign, outside any
/// campaign), the goals it owns as they last told it, and its activities as its campaigns last told
/// it. Pure rules, no grain.
/// </summary>
[GenerateSerializer, Alias("align.department-scorecard-state")]
public sealed class DepartmentScorecardState : IViewState
{
    [Id(0)] public long AppliedThrough { get; set; }
    [Id(1)] public MetricTotals Totals { get; set; } = new();
    [Id(2)] public Dictionary<string, MetricTotals> ByCampaign { get; set; } = new(StringComparer.Ordinal);
    [Id(3)] public MetricTotals OutsideCampaigns { get; set; } = new();
    [Id(4)] public Dictionary<string, GoalCard> Goals { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Per campaign: the campaign's position when it last told us, and this department's activities there.</summary>
    [Id(5)] public Dictionary<string, CampaignSlice> Campaigns { get; set; } = new(StringComparer.Ordinal);
    [Id(6)] public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Per owned goal: the episode of its check-in being overdue (see <see cref="JudgeCheckIns"/>).</summary>
    [Id(7)] public Dictionary<string, AlertEpisode> Overdue { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Reminders the feed has not confirmed yet, oldest first (see <see cref="FeedOutbox"/>).</summary>
    [Id(8)] public List<FeedChange> Outbox { get; set; } = [];

    /// <summary>One event of this department.</summary>
    public void Count(MetricEvent e)
    {
        Totals.Add(e);
        if (e.Campaign is { } campaign) ByCampaign.Slice(campaign).Add(e);
        else OutsideCampaigns.Add(e);
    }

    /// <summary>
    /// A goal it owns moved. The check-in shown is this department's own: the goal tells its latest
    /// check-in, whoever made it, so another department's does not replace ours.
    /// </summary>
    public void GoalChanged(string department, GoalView goal)
    {
        var known = Goals.GetValueOrDefault(goal.Id);
        var mine = goal.LatestCheckIn is { } c && c.Department == department && (known?.LastCheckIn is not { } last || c.At >= last) ? c : null;
        Goals[goal.Id] = new GoalCard(goal.Id, goal.Title, goal.Metric, goal.Status, goal.Percent, goal.Progress, goal.Target,
            mine?.At ?? known?.LastCheckIn, mine?.Confidence ?? known?.Confidence);
    }

    /// <summary>A campaign moved: keeps this department's activities of it. An older view than the one kept is ignored.</summary>
    public bool CampaignChanged(string department, CampaignView campaign)
    {
        if (Campaigns.TryGetValue(campaign.Id, out var known) && known.AppliedThrough > campaign.AppliedThrough) return false;
        Campaigns[campaign.Id] = new CampaignSlice(campaign.AppliedThrough, [.. campaign.Activities.Where(a => a.Department == department)]);
        return true;
    }

    /// <summary>
    /// When this department's next check-in on a goal is due under its cadence: a period after its
    /// last own check-in, or after the cadence was set. None for a goal that is not running (not
    /// started, achieved, missed): there is nothing to check in on.
    /// </summary>
    public static DateTimeOffset? CheckInDue(GoalCard goal, CheckInCadence? cadence) =>
        cadence is null || goal.Status is GoalStatus.NotStarted or GoalStatus.Achieved or GoalStatus.Missed
            ? null
            : (goal.LastCheckIn is { } last && last > cadence.Since ? last : cadence.Since) + cadence.Every();

    /// <summary>
    /// Judges every owned goal's check-in at <paramref name="now"/>: an overdue check-in raises one
    /// reminder on the feed, addressed to this department, per episode (no hold time: a date passing
    /// does not flicker); a check-in, or the goal no longer running, resolves it. Returns whether
    /// anything changed.
    /// </summary>
    public bool JudgeCheckIns(Department department, CheckInCadence? cadence, DateTimeOffset now)
    {
        var before = Outbox.Count;
        var changed = false;
        foreach (var goal in Goals.Values)
        {
            var episode = Overdue.GetValueOrDefault(goal.GoalId) ?? AlertEpisode.None;
            var holds = CheckInDue(goal, cadence) is { } due && now >= due;
            var next = FeedOutbox.Judge(Outbox, episode, holds, now, TimeSpan.Zero, Subject(department.Id, goal.GoalId), AlertReasons.CheckInOverdue, since =>
                new FeedEntry(0, FeedKind.Alert, now,
                    $"Check-in overdue: {department.Name} has not checked in on \"{goal.Title}\" " +
                    (goal.LastCheckIn is { } last ? $"since {last:yyyy-MM-dd HH:mm} UTC" : "yet") + $"; it checks in every {cadence!.EveryDays:0.##} days.",
                    To: [department.Id], GoalId: goal.GoalId, Reason: AlertReasons.CheckInOverdue,
                    Key: AlertRules.Key(Subject(department.Id, goal.GoalId), AlertReasons.CheckInOverdue, since), State: AlertState.Open, Since: since));
            if (next == episode) continue;
            changed = true;
            if (next == AlertEpisode.None) Overdue.Remove(goal.GoalId);
            else Overdue[goal.GoalId] = next;
        }
        return changed || Outbox.Count != before;
    }

    /// <summary>One department's reminders about one goal: a goal has one per owning department.</summary>
    private static string Subject(string department, string goalId) => $"{goalId}@{department}";

    public DepartmentScorecard View(Department department, IReadOnlyList<MetricDefinition> catalogue, CheckInCadence? cadence, DateTimeOffset now) => new(
        department.Id, department.Name, Totals.View(catalogue),
        [.. ByCampaign.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => new CampaignTotals(c.Key, c.Value.View(catalogue)))],
        OutsideCampaigns.View(catalogue),
        [.. Goals.Values.OrderBy(g => g.Title, StringComparer.OrdinalIgnoreCase).ThenBy(g => g.GoalId, StringComparer.Ordinal)
            .Select(g => CheckInDue(g, cadence) is { } due ? g with { CheckInDue = due, CheckInOverdue = now >= due } : g)],
        [.. Campaigns.OrderBy(c => c.Key, StringComparer.Ordinal).SelectMany(c => c.Value.Activities)],
        AppliedThrough, UpdatedAt, cadence);
}

[GenerateSerializer, Immutable, Alias("align.campaign-slice")]
public sealed record CampaignSlice([property: Id(0)] long AppliedThrough, [property: Id(1)] ActivityView[] Activities);
