using Orleans.Align.Grains.Rules;
using Orleans.Align.Tests.Cluster;
using static Orleans.Align.Tests.Cluster.TestOrganization;

namespace Orleans.Align.Tests.Log;

/// <summary>
/// Corrections through the ingest log and the views (in-process cluster, memory log): the views change by
/// the difference exactly once, resends change nothing, chains are exact, refusals store nothing, and the
/// record of what was corrected survives the ingest grain's restart (it is re-read from the log).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class CorrectionTests(ClusterFixture cluster)
{
    private static MetricEvent Correct(string id, string corrects, double value, string metric = "leads") =>
        new(id, metric, value, InPeriod.AddDays(3), Corrects: corrects);

    [Fact]
    public async Task A_correction_changes_the_goal_by_the_difference_once_and_its_resend_changes_nothing()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.CreateGoalAsync("leads", "leads");
        await org.IngestAsync(Event("e1", "leads", 10, Launch, Marketing), Event("e2", "leads", 5, Launch, Marketing));

        var corrected = await org.IngestAsync(Correct("r1", "e1", 4));
        var resent = await org.IngestAsync(Correct("r1", "e1", 4), Event("e1", "leads", 10, Launch, Marketing));
        var last = await org.IngestAsync(Event("e3", "leads", 1));

        Assert.Equal(new IngestResult(Accepted: 1, Duplicates: 0, LastSequence: 3), corrected);
        Assert.Equal(new IngestResult(Accepted: 0, Duplicates: 2, LastSequence: 3), resent with { DuplicateIndexes = null });
        Assert.Equal([0, 1], resent.DuplicateIndexes!);
        var goal = await org.AppliedThroughAsync("leads", last.LastSequence);
        Assert.Equal(10, goal.Progress); // 10 + 5 + (4 - 10) + 1
        var stored = (await cluster.Log.ReadAsync(org.Id, 3, 1)).Single().Event;
        Assert.Equal(("e1", 10.0, 1L, InPeriod, InPeriod.AddDays(3)), (stored.Corrects, stored.Previous, stored.CorrectedSequence, stored.Timestamp, stored.CorrectedAt));
        Assert.Equal((Launch, Marketing), (stored.Campaign, stored.Department));
    }

    [Fact]
    public async Task Retracting_to_zero_takes_the_event_out_of_the_goal_campaign_and_department()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.CreateGoalAsync("leads", "leads");
        await org.IngestAsync(Event("e1", "leads", 10, Launch, Marketing), Event("e2", "leads", 5, Launch, Marketing));

        var retracted = await org.IngestAsync(Correct("spam-e1", "e1", 0));

        Assert.Equal(5, (await org.AppliedThroughAsync("leads", retracted.LastSequence)).Progress);
        var campaign = await org.CampaignThroughAsync(Launch, retracted.LastSequence);
        Assert.Equal(5, campaign.Totals.Metrics.Single(m => m.Metric == "leads").Value);
        Assert.Equal(5, campaign.ByDepartment.Single().Totals.Metrics.Single(m => m.Metric == "leads").Value);
        var scorecard = await org.ScorecardThroughAsync(Marketing, retracted.LastSequence);
        Assert.Equal(5, scorecard.Totals.Metrics.Single(m => m.Metric == "leads").Value);
    }

    [Fact]
    public async Task A_chain_of_corrections_is_exact_and_correcting_a_corrected_event_again_is_refused_naming_the_newer_one()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.CreateGoalAsync("leads", "leads");
        await org.IngestAsync(Event("e1", "leads", 10));
        await org.IngestAsync(Correct("r1", "e1", 7));

        var again = await org.IngestAsync(Event("e9", "leads", 100), Correct("r2", "e1", 3));
        var chained = await org.IngestAsync(Correct("r2", "r1", 3));
        var chainedAgain = await org.IngestAsync(Correct("r3", "r2", 8));

        var refusal = Assert.Single(again.Refusals!);
        Assert.Equal((0, 1, "r2", "e1", CorrectionRefusal.AlreadyCorrected, "r1"),
            (again.Accepted, refusal.Index, refusal.Id, refusal.Corrects, refusal.Reason, refusal.NewerCorrection));
        Assert.Equal(2, again.LastSequence); // nothing of the refused batch was stored, e9 included
        Assert.Equal(1, chained.Accepted);
        Assert.Equal(1, chainedAgain.Accepted);
        var goal = await org.AppliedThroughAsync("leads", chainedAgain.LastSequence);
        Assert.Equal(8, goal.Progress);
    }

    [Fact]
    public async Task An_event_and_its_correction_in_one_batch_are_applied_in_order()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.CreateGoalAsync("leads", "leads");

        var result = await org.IngestAsync(Event("e1", "leads", 10), Correct("r1", "e1", 2), Correct("r2", "r1", 6));

        Assert.Equal(3, result.Accepted);
        Assert.Equal(6, (await org.AppliedThroughAsync("leads", result.LastSequence)).Progress);
    }

    [Fact]
    public async Task Unknown_ids_other_organizations_ids_other_metrics_and_other_scopes_are_refused_and_nothing_is_stored()
    {
        var other = await cluster.NewOrganizationAsync();
        await other.IngestAsync(Event("theirs", "leads", 10));
        var org = await cluster.NewOrganizationAsync();
        await org.CreateGoalAsync("leads", "leads");
        var first = await org.IngestAsync(Event("e1", "leads", 10, Launch, Marketing));

        var unknown = await org.IngestAsync(Correct("r1", "nope", 1));
        var theirs = await org.IngestAsync(Correct("r2", "theirs", 1));
        var metric = await org.IngestAsync(Correct("r3", "e1", 1, metric: "visits"));
        var scope = await org.IngestAsync(Correct("r4", "e1", 1) with { Campaign = SpringSale });
        var allowed = await org.IngestAsync(Correct("r1", "e1", 1));

        Assert.Equal(CorrectionRefusal.UnknownEvent, Assert.Single(unknown.Refusals!).Reason);
        Assert.Equal(CorrectionRefusal.UnknownEvent, Assert.Single(theirs.Refusals!).Reason);
        Assert.DoesNotContain(other.Id, Assert.Single(theirs.Refusals!).Detail);
        Assert.Equal(CorrectionRefusal.MetricDiffers, Assert.Single(metric.Refusals!).Reason);
        Assert.Equal(CorrectionRefusal.ScopeDiffers, Assert.Single(scope.Refusals!).Reason);
        Assert.All([unknown, theirs, metric, scope], r => Assert.Equal((0, first.LastSequence), (r.Accepted, r.LastSequence)));
        // A refused correction's id was not remembered: the same id corrects once it names a known event.
        Assert.Equal(1, allowed.Accepted);
        Assert.Equal(1, (await org.AppliedThroughAsync("leads", allowed.LastSequence)).Progress);
    }

    [Fact]
    public async Task After_the_ingest_grain_restarts_a_resent_correction_is_a_duplicate_and_the_corrected_event_stays_corrected()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.CreateGoalAsync("leads", "leads");
        await org.IngestAsync(Event("e1", "leads", 10));
        await org.IngestAsync(Correct("r1", "e1", 4));

        await cluster.Client.GetGrain<IManagementGrain>(0).DeactivateGrain(org.Log.GetGrainId());
        var resent = await org.IngestAsync(Correct("r1", "e1", 4));
        var again = await org.IngestAsync(Correct("r2", "e1", 9));
        var chained = await org.IngestAsync(Correct("r2", "r1", 9));

        Assert.Equal((0, 1), (resent.Accepted, resent.Duplicates));
        Assert.Equal(("r1", CorrectionRefusal.AlreadyCorrected), (Assert.Single(again.Refusals!).NewerCorrection, again.Refusals![0].Reason));
        Assert.Equal(9, (await org.AppliedThroughAsync("leads", chained.LastSequence)).Progress);
    }

    [Fact]
    public async Task Concurrent_resends_of_a_correction_apply_it_once()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.CreateGoalAsync("leads", "leads");
        await org.IngestAsync(Event("e1", "leads", 10), Event("e2", "leads", 10));

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => org.IngestAsync(Correct("r1", "e1", 1), Correct("r2", "e2", 2))));
        var last = await org.IngestAsync(Event("e3", "leads", 100));

        Assert.Equal(2, results.Sum(r => r.Accepted));
        Assert.Equal(38, results.Sum(r => r.Duplicates));
        Assert.Equal(103, (await org.AppliedThroughAsync("leads", last.LastSequence)).Progress);
    }

    [Fact]
    public async Task A_batch_correcting_runs_of_events_near_and_far_apart_in_the_log_is_exact()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.CreateGoalAsync("leads", "leads");
        await org.IngestAsync([.. Enumerable.Range(0, 600).Select(i => Event($"e{i}", "leads", 10))]);
        await org.IngestAsync([.. Enumerable.Range(600, 600).Select(i => Event($"e{i}", "leads", 10))]);

        // Every third event (spread over more than one read span), to 1 + i % 4.
        var corrected = Enumerable.Range(0, 1200).Where(i => i % 3 == 0).ToList();
        var result = await org.IngestAsync([.. corrected.Select(i => Correct($"r{i}", $"e{i}", 1 + i % 4))]);

        Assert.Equal(corrected.Count, result.Accepted);
        var expected = 1200 * 10 + corrected.Sum(i => 1 + i % 4 - 10);
        Assert.Equal(expected, (await org.AppliedThroughAsync("leads", result.LastSequence)).Progress);
    }

    [Fact]
    public async Task A_gauge_correction_replaces_the_reading_it_corrects_while_it_is_the_latest()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.CreateGoalAsync("followers", "followers");
        await org.IngestAsync(Event("f1", "followers", 1000, at: InPeriod), Event("f2", "followers", 1200, at: InPeriod.AddHours(1)));

        var latest = await org.IngestAsync(Correct("rf2", "f2", 1150, metric: "followers"));
        Assert.Equal(1150, (await org.AppliedThroughAsync("followers", latest.LastSequence)).Progress);

        // An older reading corrected: the latest one still stands.
        var older = await org.IngestAsync(Correct("rf1", "f1", 10, metric: "followers"));
        Assert.Equal(1150, (await org.AppliedThroughAsync("followers", older.LastSequence)).Progress);
    }

    [Fact]
    public void A_rule_window_counts_the_difference_in_the_minute_of_the_corrected_event()
    {
        var now = InPeriod.AddMinutes(30);
        var rule = new TriggerRule("r", "Leads", "leads", GoalScope.All, RuleCondition.Below, 5, 60, [Marketing]);
        var windows = new RuleWindows();
        windows.Count(rule, new MetricEvent("e1", "leads", 10, InPeriod));
        windows.Count(rule, new MetricEvent("r1", "leads", 3, InPeriod, Corrects: "e1", Previous: 10, CorrectedSequence: 1, CorrectedAt: now));

        Assert.Equal(3, windows.Values(rule, now).Current);
    }
}
