using Orleans.Align.Tests.Cluster;
using static Orleans.Align.Tests.Cluster.TestOrganization;

namespace Orleans.Align.Tests.Campaigns;

/// <summary>
/// Changing a campaign's departments and launch window, and archiving campaigns and departments, in the
/// grains: the results follow the new window from the log; a department in charge of an activity stays;
/// archiving changes a flag only (the routing, the results and the counting go on), so a restore is exact.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class CampaignDefinitionTests(ClusterFixture cluster)
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    /// <summary>Campaign q3 (marketing, pr, sales), launched over the last two days, with a webinar (marketing) targeting 100 leads over the launch window.</summary>
    private async Task<TestOrganization> OrgWithCampaignAsync()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.Grain.AddCampaignAsync(new Campaign("q3", "Q3 push", [Marketing, Pr, Sales],
            [new("webinar", Marketing, "Webinar", ["leads"], [new ActivityTarget("leads", 100)])], Now.AddDays(-2), Now.AddDays(1)));
        return org;
    }

    private static MetricEvent Webinar(string id, double value, DateTimeOffset at) => Event(id, "leads", value, "q3", Marketing, at) with { Activity = "webinar" };

    private static double? TargetValue(CampaignView view) => view.Activities.Single(a => a.Id == "webinar").Targets.Single().Value;

    [Fact]
    public async Task A_moved_launch_window_recounts_the_targets_that_follow_it_from_the_log()
    {
        var org = await OrgWithCampaignAsync();
        var last = await org.IngestAsync(Webinar("old", 7, Now.AddDays(-5)), Webinar("new", 3, Now.AddHours(-1)));
        Assert.Equal(3, TargetValue(await org.CampaignThroughAsync("q3", last.LastSequence)));

        var view = await org.Grain.ChangeCampaignAsync("q3", "Q3 push", [Marketing, Pr, Sales], Now.AddDays(-7), Now.AddDays(1));

        Assert.Equal(10, TargetValue(view)); // the event five days ago now falls inside the target's period
        Assert.Equal(Now.AddDays(-7), view.LaunchStart);
        Assert.Equal(2, view.Totals.Events); // the campaign's own totals never depended on the window
        Assert.Equal(Now.AddDays(-7), (await org.Grain.ListCampaignsAsync()).Single(c => c.Id == "q3").LaunchStart);
    }

    [Fact]
    public async Task Leaving_out_a_department_in_charge_of_an_activity_is_a_conflict_naming_it_and_changes_nothing()
    {
        var org = await OrgWithCampaignAsync();

        var refused = await Assert.ThrowsAsync<AlignException>(() => org.Grain.ChangeCampaignAsync("q3", "Renamed", [Pr, Sales], null, null));
        Assert.Equal(AlignErrorKind.Conflict, refused.Kind);
        Assert.Contains("webinar", refused.Message);
        Assert.Contains(Marketing, refused.Message);

        var unknown = await Assert.ThrowsAsync<AlignException>(() => org.Grain.ChangeCampaignAsync("q3", "Renamed", [Marketing, "nobody"], null, null));
        Assert.Equal(AlignErrorKind.Invalid, unknown.Kind);
        // The webinar's target has no period of its own: the campaign keeps a launch window while it has one.
        var windowless = await Assert.ThrowsAsync<AlignException>(() => org.Grain.ChangeCampaignAsync("q3", "Renamed", [Marketing], null, null));
        Assert.Equal(AlignErrorKind.Invalid, windowless.Kind);
        var missing = await Assert.ThrowsAsync<AlignException>(() => org.Grain.ChangeCampaignAsync("nowhere", "Renamed", [Marketing], null, null));
        Assert.Equal(AlignErrorKind.NotFound, missing.Kind);

        var kept = Assert.Single(await org.Grain.ListCampaignsAsync(), c => c.Id == "q3");
        Assert.Equal("Q3 push", kept.Name);
        Assert.Equal([Marketing, Pr, Sales], kept.Departments);

        // Departments not in charge of anything may go.
        var view = await org.Grain.ChangeCampaignAsync("q3", "Q3 push", [Marketing], Now.AddDays(-2), Now.AddDays(1));
        Assert.Equal([Marketing], view.Departments);
    }

    [Fact]
    public async Task An_archived_campaign_keeps_its_results_and_counts_late_events_so_a_restore_is_exact()
    {
        var org = await OrgWithCampaignAsync();
        var first = await org.IngestAsync(Webinar("w1", 4, Now.AddHours(-2)));
        await org.CampaignThroughAsync("q3", first.LastSequence);

        var archived = await org.Grain.SetCampaignArchivedAsync("q3", true);
        Assert.True(archived.Archived);
        Assert.Equal(4, TargetValue(archived));
        Assert.True(Assert.Single(await org.Grain.ListCampaignsAsync(), c => c.Id == "q3").Archived);
        // Archiving again is no change.
        Assert.True((await org.Grain.SetCampaignArchivedAsync("q3", true)).Archived);

        // An integration's late event naming the archived campaign and its activity is accepted and counted.
        var late = await org.IngestAsync(Webinar("w2", 6, Now.AddHours(-1)));
        Assert.Equal(1, late.Accepted);
        var meanwhile = await org.CampaignThroughAsync("q3", late.LastSequence);
        Assert.Equal((10, true), (TargetValue(meanwhile), meanwhile.Archived));

        var restored = await org.Grain.SetCampaignArchivedAsync("q3", false);
        Assert.False(restored.Archived);
        Assert.Equal(10, TargetValue(restored));
        Assert.Equal(2, restored.Totals.Events);
        Assert.False((await org.Grain.SetCampaignArchivedAsync("q3", false)).Archived);
        await Assert.ThrowsAsync<AlignException>(() => org.Grain.SetCampaignArchivedAsync("nowhere", true));
    }

    [Fact]
    public async Task An_archived_department_keeps_its_scorecard_and_goals_and_counts_late_events()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.CreateGoalAsync("reach", "leads");
        var first = await org.IngestAsync(Event("e1", "leads", 2, department: Marketing));
        await org.ScorecardThroughAsync(Marketing, first.LastSequence);

        var archived = await org.Grain.SetDepartmentArchivedAsync(Marketing, true);
        Assert.True(archived.Archived);
        Assert.Contains(archived.Goals, g => g.GoalId == "reach");
        Assert.True(Assert.Single(await org.Grain.ListDepartmentsAsync(), d => d.Id == Marketing).Archived);
        Assert.False((await org.Grain.GetGoalDefinitionAsync("reach"))!.Archived); // goals are not archived with it

        var late = await org.IngestAsync(Event("e2", "leads", 3, department: Marketing));
        Assert.Equal(1, late.Accepted);
        var meanwhile = await org.ScorecardThroughAsync(Marketing, late.LastSequence);
        Assert.Equal(5, meanwhile.Totals.Metrics.Single(m => m.Metric == "leads").Value);
        Assert.Equal(5, (await org.AppliedThroughAsync("reach", late.LastSequence)).Progress);

        Assert.True((await org.Grain.SetDepartmentArchivedAsync(Marketing, true)).Archived);
        var restored = await org.Grain.SetDepartmentArchivedAsync(Marketing, false);
        Assert.False(restored.Archived);
        Assert.Equal(5, restored.Totals.Metrics.Single(m => m.Metric == "leads").Value);
        var missing = await Assert.ThrowsAsync<AlignException>(() => org.Grain.SetDepartmentArchivedAsync("nobody", true));
        Assert.Equal(AlignErrorKind.NotFound, missing.Kind);
    }
}
