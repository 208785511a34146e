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

    public DepartmentScorecard View(Department department, IReadOnlyList<MetricDefinition> catalogue) => new(
        department.Id, department.Name, Totals.View(catalogue),
        [.. ByCampaign.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => new CampaignTotals(c.Key, c.Value.View(catalogue)))],
        OutsideCampaigns.View(catalogue),
        [.. Goals.Values.OrderBy(g => g.Title, StringComparer.OrdinalIgnoreCase).ThenBy(g => g.GoalId, StringComparer.Ordinal)],
        [.. Campaigns.OrderBy(c => c.Key, StringComparer.Ordinal).SelectMany(c => c.Value.Activities)],
        AppliedThrough, UpdatedAt);
}

[GenerateSerializer, Immutable, Alias("align.campaign-slice")]
public sealed record CampaignSlice([property: Id(0)] long AppliedThrough, [property: Id(1)] ActivityView[] Activities);
